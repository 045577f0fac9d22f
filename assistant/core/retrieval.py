"""Hybrid retrieval: dense search in Chroma and BM25, fused by reciprocal rank fusion, near-duplicates removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np

from ingest.embedding.embedder import Embedder, get_embedder
from ingest.records import Hit, PassageFilter, StoredPassage
from ingest.settings import Settings
from ingest.store.store import Store

Mode = Literal["hybrid", "dense", "bm25"]
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class RetrievedPassage(StoredPassage):
    """A stored passage with its fused score and its rank in each search that found it."""

    score: float = 0.0
    ranks: dict[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, passage: StoredPassage, score: float, ranks: dict[str, int]) -> RetrievedPassage:
        return cls(**{f.name: getattr(passage, f.name) for f in fields(StoredPassage)}, score=score, ranks=ranks)


def _near_duplicate(a: str, b: str, threshold: float) -> bool:
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not wa or not wb:
        return a == b
    return len(wa & wb) / len(wa | wb) >= threshold


def one_copy_per_story(ranked: list[RetrievedPassage], store: Store) -> list[RetrievedPassage]:
    """The passages of one copy of each story (the earliest published among those found; the filter already chose
    which copies could be found), so ten outlets running one wire story leave room for other facts."""
    if not ranked:
        return ranked
    story = store.stories.story_of([p.article_id for p in ranked])
    chosen: dict[str, StoredPassage] = {}
    for p in ranked:
        best = chosen.get(story[p.article_id])
        if best is None or (p.published_at or "9999") < (best.published_at or "9999"):
            chosen[story[p.article_id]] = p
    return [p for p in ranked if chosen[story[p.article_id]].article_id == p.article_id]


class HybridSearch:
    """The retrieval component; holds no per-query state, so one instance serves every request."""

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings)

    @property
    def embedder(self) -> Embedder:
        """Loaded on first use, so a server can show its page before the model is in memory."""
        return get_embedder(self.settings)

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        where: PassageFilter = PassageFilter(),
        mode: Mode | None = None,
        vector: np.ndarray | None = None,
    ) -> list[RetrievedPassage]:
        """The k best passages; `vector` is the query's embedding when the caller already has it."""
        k = k or self.settings.retrieval.top_k
        return self.rank(query, k, where, mode, vector)[:k]

    def rank(
        self,
        query: str,
        depth: int = 0,
        where: PassageFilter = PassageFilter(),
        mode: Mode | None = None,
        vector: np.ndarray | None = None,
    ) -> list[RetrievedPassage]:
        """Every candidate (at least `candidate_k`), fused and without near-duplicates, best first: the top k
        of it is `retrieve`'s answer, and the rest lets an evaluation score deeper without searching again."""
        mode = mode or self.settings.retrieval.retrieval_mode
        depth = max(self.settings.retrieval.candidate_k, depth)
        runs: dict[str, list[Hit]] = {}
        if mode in ("hybrid", "dense"):
            runs["dense"] = self.store.dense_search(self.embedder.embed([query])[0] if vector is None else vector, depth, where)
        if mode in ("hybrid", "bm25"):
            runs["bm25"] = self.store.lexical_search(query, depth, where)
        passages: dict[str, StoredPassage] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, hits in runs.items():
            for rank, hit in enumerate(hits):
                passages.setdefault(hit.passage.id, hit.passage)
                ranks.setdefault(hit.passage.id, {})[name] = rank
        fused = [
            RetrievedPassage.of(passages[pid], sum(1.0 / (self.settings.retrieval.rrf_k + 1 + r) for r in rk.values()), rk)
            for pid, rk in ranks.items()
        ]
        kept: list[RetrievedPassage] = []
        for p in one_copy_per_story(sorted(fused, key=lambda p: p.score, reverse=True), self.store):
            if not any(_near_duplicate(p.text, q.text, self.settings.retrieval.duplicate_similarity) for q in kept):
                kept.append(p)
            if len(kept) == depth:
                break
        return kept
