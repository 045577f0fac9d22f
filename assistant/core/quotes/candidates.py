"""The sentences a quote check reads: everything the asked person says, and the sentences a search for the words
finds, each with its speakers; two sentences of one quotation read together, so a quote split across them can
still be verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.speakers.index import SpeakerIndex
from ingest.store.store import Store

from ..evidence import Evidence, relevance
from ..retrieval import HybridSearch, RetrievedPassage
from .claim import QuoteClaim
from .matching import quotation_text

SEARCH_DEPTH = 8


@dataclass(frozen=True)
class Said:
    """One sentence, or two consecutive ones with the same speakers, and how close it comes to the claim."""

    parts: tuple[Evidence, ...]
    speakers: tuple[str, ...]
    relevance: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(e.text for e in self.parts)

    @property
    def quoted(self) -> str:
        return quotation_text(self.text)

    def by(self, speakers: tuple[str, ...]) -> bool:
        return bool(set(self.speakers) & set(speakers))

    def speaker_near(self, offset: int) -> tuple[str, ...]:
        """Of a sentence's several speakers, the one whose name stands nearest before these words (else nearest
        after): in "X, who admitted …, and Y, who said …", each clause is its own speaker's."""
        first = self.parts[0]
        mentions = [
            a
            for a in first.passage.speakers
            if (a.sentence_start, a.sentence_end) == (first.start, first.end) and a.speaker in self.speakers
        ]
        before = [a for a in mentions if a.start <= offset]
        nearest = max(before, key=lambda a: a.start) if before else min(mentions, key=lambda a: a.start, default=None)
        return (nearest.speaker,) if nearest else self.speakers


def _sentences(passages: list[RetrievedPassage]) -> list[Evidence]:
    seen, rows = set(), []
    for p in sorted(passages, key=lambda p: (p.article_id, p.start)):
        for s, e, t in p.sentence_texts():
            if t.strip() and (p.article_id, s) not in seen:
                seen.add((p.article_id, s))
                rows.append(Evidence(0, p, s, e, t, 0.0, np.zeros(1)))
    return rows


def gather(
    claim: QuoteClaim,
    speakers: tuple[str, ...],
    search: HybridSearch,
    store: Store,
    index: SpeakerIndex,
    settings: Settings,
    where: PassageFilter,
) -> list[Said]:
    """Single sentences first, best first by relevance to the claim's words, then the two-sentence readings."""
    vector = search.embedder.embed([claim.words])[0]
    found = search.rank(claim.words, SEARCH_DEPTH, where, vector=vector)[:SEARCH_DEPTH]
    quotes = [q for s in speakers for q in index.quotes.get(s, [])]
    stored = store.passages(list(dict.fromkeys(q.passage_id for q in quotes)), where)
    passages = list({p.id: p for p in [*found, *(RetrievedPassage.of(p, 0.0, {}) for p in stored.values())]}.values())
    rows = _sentences(passages)
    if not rows:
        return []
    texts = [e.text for e in rows]
    scores = relevance(claim.words, vector, texts, search.embedder.embed(texts), settings.retrieval.evidence_cosine_weight)
    single = [Said((e,), e.speakers, float(r)) for e, r in zip(rows, scores)]
    pairs = [
        Said((a.parts[0], b.parts[0]), a.speakers, max(a.relevance, b.relevance))
        for a, b in pairwise(single)
        if a.speakers
        and a.speakers == b.speakers
        and a.parts[0].passage.article_id == b.parts[0].passage.article_id
        and b.parts[0].start - a.parts[0].end <= 2
    ]
    return sorted(single, key=lambda s: -s.relevance) + pairs


def titled_speakers(title: str, candidates: list[Said], article_text: dict[str, str]) -> tuple[str, ...]:
    """The speakers a title stands for ("the mayor" → "Helen Park"): those the article writes with it."""
    found = []
    for said in candidates:
        text = article_text.get(said.parts[0].passage.article_id, "")
        for speaker in said.speakers:
            name = re.escape(speaker.split()[-1])
            pattern = rf"(?i:{re.escape(title)})\s+(?:[A-Z][\w'’-]*\s+)?{name}\b|\b{name},\s+(?:[\w'’-]+\s+){{0,4}}(?i:{re.escape(title)})\b"
            if speaker not in found and re.search(pattern, text):
                found.append(speaker)
    return tuple(found)
