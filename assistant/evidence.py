"""Picks the few retrieved sentences that go into the prompt: prompt length is what local latency depends on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.embedder import Embedder

from .guard import looks_like_instruction
from .retrieval import RetrievedPassage
from .support import content_words


FOLLOWER_SHARE = 0.65
"""A sentence right after a relevant one often continues its topic ("the London-based group"), so it inherits
part of that relevance."""


@dataclass
class Evidence:
    number: int
    passage: RetrievedPassage
    start: int
    end: int
    text: str
    score: float
    vector: np.ndarray


def relevance(question: str, q_vector: np.ndarray, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity blended with the share of the question's content words a sentence contains."""
    cos = vectors @ q_vector
    q_words = content_words(question)
    if not q_words:
        return cos
    overlap = np.array([len(q_words & content_words(t)) / len(q_words) for t in texts])
    return 0.7 * cos + 0.3 * overlap


def select_evidence(
    question: str, passages: list[RetrievedPassage], embedder: Embedder, limit: int, relative_floor: float = 0.0
) -> list[Evidence]:
    """The `limit` best sentences, best first, numbered from 1 as the prompt shows them.

    Sentences far below the best one are left out: a small model tends to restate whatever it is shown.
    """
    rows = [(p, s, e, t) for p in passages for s, e, t in p.sentence_texts() if t.strip() and not looks_like_instruction(t)]
    if not rows:
        return []
    vectors = embedder.embed([question] + [t for *_, t in rows])
    scores = relevance(question, vectors[0], [t for *_, t in rows], vectors[1:])
    ends = {(p.article_id, e): i for i, (p, _, e, _) in enumerate(rows)}
    for i, (p, start, _, _) in enumerate(rows):
        before = ends.get((p.article_id, start - 1), ends.get((p.article_id, start - 2)))
        if before is not None:
            scores[i] = max(scores[i], FOLLOWER_SHARE * scores[before])
    order = [i for i in np.argsort(-scores)[:limit] if scores[i] >= relative_floor * scores.max()]
    return [
        Evidence(n, rows[i][0], rows[i][1], rows[i][2], rows[i][3], float(scores[i]), vectors[1 + i])
        for n, i in enumerate(order, start=1)
    ]
