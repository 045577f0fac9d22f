"""Support judges: how well an evidence sentence backs a claim.

The default judge measures topical and lexical support, not entailment: the mean of the claim's cosine
similarity to the evidence (MiniLM embeddings) and the share of the claim's content words (stemmed, stop
words removed, less those of the question itself) that the evidence contains. It catches claims about things the evidence never mentions and
citations that point at the wrong sentence; it cannot catch a negation or a swapped number in an otherwise
matching sentence. One hard rule guards against the commonest small-model error: a claim that names something
(a capitalised word or a number) found in none of its evidence gets no support, which catches invented places,
people and figures. A stronger judge (an NLI model, an LLM) can replace it by implementing `SupportJudge`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

import numpy as np

from ingest.embedding.embedder import Embedder
from ingest.store.lexical import tokenize


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    return frozenset(tokenize([text])[0])


def word_share(claim: str, text: str) -> float:
    """How many of the claim's words (stemmed) the text holds, as a share."""
    words = content_words(claim)
    return len(words & content_words(text)) / len(words) if words else 0.0


_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'-]*[a-z][\w'-]*|[A-Z]{2,}|\d[\d,.:/]*\d|\d)\b")


@lru_cache(maxsize=4096)
def names_and_numbers(text: str) -> frozenset[str]:
    """Capitalised words and numbers, less the ones that are capitalised only for starting a sentence."""
    found = set()
    for match in _NAME_OR_NUMBER.finditer(text):
        word = match.group(0)
        if word[0].isalpha() and (word.lower() in _COMMON or not content_words(word)):
            continue
        for part in word.split("-"):
            if part and (part[0].isdigit() or (part.lower() not in _COMMON and content_words(part))):
                found.add(re.sub(r"['’]s$", "", part.lower()).replace(",", ""))
    return frozenset(found)


_COMMON = {
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "this",
    "that",
    "these",
    "those",
    "in",
    "on",
    "at",
    "according",
    "however",
    "also",
    "after",
    "before",
    "while",
    "during",
    "both",
    "his",
    "her",
    "their",
    "its",
    "there",
    "what",
    "when",
    "where",
    "who",
    "whom",
    "whose",
    "which",
    "why",
    "how",
    "did",
    "does",
    "do",
    "is",
    "are",
    "was",
    "were",
    "can",
    "could",
    "would",
    "should",
    "will",
    "has",
    "have",
    "had",
    "tell",
    "give",
    "list",
    "describe",
    "explain",
    "name",
    "yes",
    "no",
    "i",
    "we",
    "you",
    "our",
    "my",
    "and",
    "but",
    "or",
    "so",
}


def unmentioned(claim: str, evidence: str, given: str = "") -> set[str]:
    """Names and numbers of the claim that neither the evidence nor the question (`given`) mentions."""
    haystack = f"{evidence} {given}".lower().replace(",", "")
    return {w for w in names_and_numbers(claim) if w not in haystack}


class SupportJudge(Protocol):
    name: str

    def scores(
        self, claims: list[str], evidence: list[str], evidence_vectors: np.ndarray | None = None, given: str = ""
    ) -> np.ndarray:
        """A [claims x evidence] matrix of support scores in [0, 1]; `given` is the question, whose own
        names a claim may repeat without evidence for them."""


class OverlapSimilarityJudge:
    name = "embedding-similarity+content-word-recall"

    def __init__(self, embedder: Embedder, cosine_weight: float = 0.5):
        self.embedder = embedder
        self.cosine_weight = cosine_weight

    def scores(
        self, claims: list[str], evidence: list[str], evidence_vectors: np.ndarray | None = None, given: str = ""
    ) -> np.ndarray:
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
        asked = content_words(given) if given else frozenset()
        for i, claim in enumerate(claims):
            words = (content_words(claim) - asked) or content_words(claim)
            if words:
                recall[i] = [len(words & ew) / len(words) for ew in ev_words]
        score = self.cosine_weight * cos + (1.0 - self.cosine_weight) * recall
        for i, claim in enumerate(claims):
            for j, text in enumerate(evidence):
                if unmentioned(claim, text, given):
                    score[i, j] = 0.0
        return score
