"""Evidence for "what did X say": only sentences X speaks in, or a refusal that says who the articles do quote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.core.attribution import NAME_FILLER, SpeakerQuestion, joined_names
from assistant.core.evidence import Evidence, relevance, select_evidence
from assistant.core.question import Question
from assistant.core.retrieval import RetrievedPassage, one_copy_per_story
from assistant.core.routes.route import Found, RouteContext
from assistant.core.support import content_words
from ingest.embedding.embedder import Embedder
from ingest.records import PassageFilter, StoredPassage
from ingest.settings import Settings
from ingest.speakers.index import SpeakerIndex
from ingest.store.store import Store


@dataclass
class SpeakerEvidence:
    passages: list[RetrievedPassage]
    evidence: list[Evidence]
    refusal: str | None = None


def quoted_on_topic(passages: list[RetrievedPassage], limit: int = 4) -> list[str]:
    """Speakers of the retrieved passages, best passage first."""
    found: list[str] = []
    for p in passages:
        for a in p.speakers:
            if a.speaker not in found:
                found.append(a.speaker)
    return found[:limit]


def not_quoted(asked: SpeakerQuestion, index: SpeakerIndex, retrieved: list[RetrievedPassage]) -> str:
    text = f"The articles don't quote {asked.name}."
    if index.mentions(NAME_FILLER.sub("", asked.name)):
        text += f" They mention {asked.name} but never report what {asked.name} said."
    others = quoted_on_topic(retrieved)
    if others:
        text += f" {'On this topic they' if asked.topic else 'They'} quote {joined_names(others)}; the closest passages are listed below."
    return text


def _sentence_before(e: Evidence, article: Callable[[str], list[StoredPassage]]) -> str | None:
    """The sentence before this one, which often names what it calls "the group" or "it"."""
    before = [t for _, end, t in e.passage.sentence_texts() if end <= e.start]
    if not before and e.passage.start > 0:
        earlier = [p for p in article(e.passage.article_id) if p.end <= e.start]
        before = [t for _, _, t in earlier[-1].sentence_texts()] if earlier else []
    return before[-1] if before else None


def topic_fit(topic: str, evidence: list[Evidence], embedder: Embedder, cosine_weight: float, store: Store) -> float:
    """How well the speaker's best sentence, alone or read with the sentence before it, matches the topic asked.
    The sentences' own vectors are reused; only the readings with context are embedded, each article read once."""
    article = lru_cache(maxsize=None)(store.article_passages)
    contexts = [f"{b} {e.text}" for e in evidence if (b := _sentence_before(e, article))]
    texts = [e.text for e in evidence] + contexts
    vectors = [e.vector for e in evidence] + (list(embedder.embed(contexts)) if contexts else [])
    scores = relevance(topic, embedder.embed([topic])[0], texts, np.stack(vectors), cosine_weight)
    return float(scores.max())


def speaker_evidence(
    asked: SpeakerQuestion,
    question: str,
    vector: np.ndarray,
    index: SpeakerIndex,
    store: Store,
    embedder: Embedder,
    settings: Settings,
    where: PassageFilter,
) -> SpeakerEvidence:
    """The asked speaker's sentences, most relevant first; a refusal when they never speak on the topic."""
    quotes = [q for s in asked.speakers for q in index.quotes.get(s, [])]
    stored = store.passages([q.passage_id for q in quotes], where)
    passages = one_copy_per_story([RetrievedPassage.of(p, 0.0, {}) for p in stored.values()], store)
    wanted = set(asked.speakers)

    def spoken(p: RetrievedPassage, start: int, end: int) -> bool:
        return bool(wanted & set(p.speakers_of(start, end)))

    evidence = select_evidence(question, vector, passages, embedder, settings, keep=spoken)
    if not evidence:
        return SpeakerEvidence(
            passages, [], f"The articles quoted here don't quote {asked.name}" + (" within the filter." if where else ".")
        )
    floor = settings.answering.speaker_topic_floor
    if (
        asked.topic
        and content_words(asked.topic)
        and topic_fit(asked.topic, evidence, embedder, settings.retrieval.evidence_cosine_weight, store) < floor
    ):
        samples = "; ".join(f"“{_gist(e, wanted)}”" for e in evidence[:3])
        speaker = joined_names(list(asked.speakers))
        return SpeakerEvidence(
            passages,
            [],
            f"The articles quote {speaker} only on other topics, not on “{asked.topic}”: {samples}. "
            "Their sentences are listed below.",
        )
    best: dict[str, float] = {}
    for e in evidence:
        best[e.passage.id] = max(best.get(e.passage.id, 0.0), e.score)
    ranked = sorted((RetrievedPassage.of(p, best.get(p.id, 0.0), {}) for p in passages), key=lambda p: -p.score)
    return SpeakerEvidence(ranked, evidence)


def _gist(e: Evidence, speakers: set[str], words: int = 14) -> str:
    """The sentence from where its speaker is named: "JD Vance remarked that there is a stalemate …"."""
    at = min((a.start for a in e.passage.speakers if a.speaker in speakers and e.start <= a.start < e.end), default=e.start)
    parts = e.text[at - e.start :].split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class SpeakerRoute:
    """ "What did X say?" about a stored speaker: only X's own sentences are evidence."""

    name = "speaker"

    def applies(self, question: Question) -> bool:
        return question.speaker is not None and bool(question.speaker.speakers)

    def find(self, context: RouteContext) -> Found:
        q, settings = context.question, context.settings
        assert q.speaker is not None
        found = speaker_evidence(
            q.speaker, q.standalone, context.vector, context.index, context.store, context.search.embedder, settings, q.where
        )
        return Found(found.passages, found.evidence, refusal=found.refusal)


class UnquotedSpeakerRoute:
    """ "What did X say?" about someone no article quotes: a refusal that says who is quoted on the topic instead."""

    name = "speaker not quoted"

    def applies(self, question: Question) -> bool:
        return question.speaker is not None

    def find(self, context: RouteContext) -> Found:
        q, top_k = context.question, context.settings.retrieval.top_k
        assert q.speaker is not None
        ranking = context.search.rank(q.standalone, top_k, q.where, vector=context.vector)
        passages = ranking[:top_k]
        return Found(passages, [], ranking=ranking, refusal=not_quoted(q.speaker, context.index, passages))
