"""Picks the few retrieved sentences that go into the prompt: prompt length is what local latency depends on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from assistant.core.guard import looks_like_instruction
from assistant.core.retrieval import RetrievedPassage
from assistant.core.support import content_words, names_and_numbers
from ingest.embedding.embedder import Embedder
from ingest.settings import Settings


@dataclass
class Evidence:
    number: int
    passage: RetrievedPassage
    start: int
    end: int
    text: str
    score: float
    vector: np.ndarray
    show_source: bool = False

    @property
    def speakers(self) -> tuple[str, ...]:
        return self.passage.speakers_of(self.start, self.end)

    def prompt_line(self) -> str:
        """How the model sees it: a sentence whose speaker is only a pronoun or a title carries the name."""
        named = [s for s in self.speakers if s.split()[-1].lower() not in self.text.lower()]
        source = ""
        if self.show_source:
            where = [w for w in (self.passage.outlet or self.passage.source, (self.passage.published_at or "")[:10]) if w]
            source = f"({', '.join(where)}) "
        return f"[{self.number}] {source}{self.text}" + (f" (speaker: {', '.join(named)})" if named else "")


def relevance(question: str, q_vector: np.ndarray, texts: list[str], vectors: np.ndarray, cosine_weight: float) -> np.ndarray:
    """Cosine similarity blended with the share of the question's content words a sentence contains."""
    cos = vectors @ q_vector
    q_words = content_words(question)
    if not q_words:
        return cos
    overlap = np.array([len(q_words & content_words(t)) / len(q_words) for t in texts])
    return cosine_weight * cos + (1.0 - cosine_weight) * overlap


def select_evidence(
    question: str,
    q_vector: np.ndarray,
    passages: list[RetrievedPassage],
    embedder: Embedder,
    settings: Settings,
    keep: Callable[[RetrievedPassage, int, int], bool] | None = None,
) -> list[Evidence]:
    """The best sentences, best first, numbered from 1 as the prompt shows them.

    Sentences far below the best one are left out: a small model tends to restate whatever it is shown. A
    sentence right after a relevant one often continues its topic ("the London-based group"), so it inherits
    part of that relevance.
    """
    rows = [
        (p, s, e, t)
        for p in passages
        for s, e, t in p.sentence_texts()
        if t.strip() and not looks_like_instruction(t) and (keep is None or keep(p, s, e))
    ]
    if not rows:
        return []
    vectors = embedder.embed([t for *_, t in rows])
    scores = relevance(question, q_vector, [t for *_, t in rows], vectors, settings.retrieval.evidence_cosine_weight)
    ends = {(p.article_id, e): i for i, (p, _, e, _) in enumerate(rows)}
    for i, (p, start, _, _) in enumerate(rows):
        before = ends.get((p.article_id, start - 1), ends.get((p.article_id, start - 2)))
        if before is not None:
            scores[i] = max(scores[i], settings.retrieval.evidence_follower_share * scores[before])
    floor = settings.retrieval.evidence_relative_floor * scores.max()
    order = [i for i in np.argsort(-scores)[: settings.retrieval.evidence_sentences] if scores[i] >= floor]
    return [
        Evidence(n, rows[i][0], rows[i][1], rows[i][2], rows[i][3], float(scores[i]), vectors[i])
        for n, i in enumerate(order, start=1)
    ]


def with_sources(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence from several articles carries each one's outlet and date, which comparisons and "which came first"
    need; one article's evidence stays as short as it was."""
    articles = {e.passage.article_id for e in evidence}
    if len(articles) < 2 or not any(e.passage.outlet or e.passage.published_at for e in evidence):
        return evidence
    return [replace(e, show_source=True) for e in evidence]


def evidence_answers(question: str, passages: list[RetrievedPassage], evidence: list[Evidence], floor: float) -> bool:
    """Weak evidence, or a question about a name or number that no retrieved passage (nor its title or outlet)
    mentions, is refused without asking the model: it saves a generation and a small model's guess."""
    if not evidence or max(e.score for e in evidence) < floor:
        return False
    names = names_and_numbers(question)
    haystack = " ".join(f"{p.title} {p.outlet or ''} {p.text}" for p in passages).lower()
    return not names or any(name in haystack for name in names)
