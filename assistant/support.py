"""Support judges: how well an evidence sentence backs a claim.

The default judge measures topical and lexical support, not entailment: the mean of the claim's cosine
similarity to the evidence (MiniLM embeddings) and the share of the claim's content words (stemmed, stop
words removed) that the evidence contains. It catches claims about things the evidence never mentions and
citations that point at the wrong sentence; it cannot catch a negation or a swapped number in an otherwise
matching sentence. A stronger judge (an NLI model, an LLM) can replace it by implementing `SupportJudge`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import numpy as np

from ingest.embedder import Embedder
from ingest.lexical import tokenize


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    return frozenset(tokenize([text], return_ids=False)[0])


class SupportJudge(Protocol):
    name: str

    def scores(self, claims: list[str], evidence: list[str], evidence_vectors: np.ndarray | None = None) -> np.ndarray:
        """A [claims x evidence] matrix of support scores in [0, 1]."""


class OverlapSimilarityJudge:
    name = "embedding-similarity+content-word-recall"

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def scores(self, claims: list[str], evidence: list[str], evidence_vectors: np.ndarray | None = None) -> np.ndarray:
        if not claims or not evidence:
            return np.zeros((len(claims), len(evidence)))
        if evidence_vectors is None:
            vectors = self.embedder.embed(claims + evidence)
            claim_vecs, evidence_vectors = vectors[: len(claims)], vectors[len(claims) :]
        else:
            claim_vecs = self.embedder.embed(claims)
        cos = np.clip(claim_vecs @ evidence_vectors.T, 0.0, 1.0)
        recall = np.zeros_like(cos)
        ev_words = [content_words(e) for e in evidence]
        for i, claim in enumerate(claims):
            words = content_words(claim)
            if words:
                recall[i] = [len(words & ew) / len(words) for ew in ev_words]
        return 0.5 * cos + 0.5 * recall
