"""Picks the few retrieved sentences that go into the prompt: prompt length is what local latency depends on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.embedder import Embedder

from .retrieval import RetrievedPassage
from .support import content_words


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


def select_evidence(question: str, passages: list[RetrievedPassage], embedder: Embedder, limit: int) -> list[Evidence]:
    """The `limit` best sentences, best first, numbered from 1 as the prompt shows them."""
    rows = [(p, s, e, t) for p in passages for s, e, t in p.sentence_texts() if t.strip()]
    if not rows:
        return []
    vectors = embedder.embed([question] + [t for *_, t in rows])
    scores = relevance(question, vectors[0], [t for *_, t in rows], vectors[1:])
    order = np.argsort(-scores)[:limit]
    return [
        Evidence(n, rows[i][0], rows[i][1], rows[i][2], rows[i][3], float(scores[i]), vectors[1 + i])
        for n, i in enumerate(order, start=1)
    ]
