"""Hybrid retrieval: dense search in Chroma and BM25, fused by reciprocal rank fusion, near-duplicates removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ingest.embedder import get_embedder
from ingest.settings import Settings
from ingest.store import Store, published_timestamp

Mode = Literal["hybrid", "dense", "bm25"]
_WORDS = re.compile(r"\w+")


@dataclass
class Filters:
    article_ids: list[str] | None = None
    published_after: str | None = None
    published_before: str | None = None

    def timestamps(self) -> tuple[float | None, float | None]:
        after = published_timestamp(self.published_after) if self.published_after else None
        after = max(after, 0.0) if after is not None else None
        before = published_timestamp(self.published_before) if self.published_before else None
        return after, before

    def chroma_where(self) -> dict | None:
        after, before = self.timestamps()
        clauses: list[dict] = []
        if self.article_ids:
            clauses.append({"article_id": {"$in": list(self.article_ids)}})
        if after is not None:
            clauses.append({"published_ts": {"$gte": after}})
        if before is not None:
            clauses.append({"published_ts": {"$lte": before}})
            if after is None:
                clauses.append({"published_ts": {"$gte": 0.0}})  # undated articles match no date range
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class RetrievedPassage:
    id: str
    article_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    sentences: list[tuple[int, int]]
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    published_at: str | None = None
    ranks: dict = field(default_factory=dict)

    def sentence_texts(self) -> list[tuple[int, int, str]]:
        """(article start, article end, text) of each sentence, cut from the passage's own text."""
        return [(s, e, self.text[s - self.start : e - self.start]) for s, e in self.sentences]

    def to_document(self) -> Document:
        return Document(
            page_content=self.text,
            id=self.id,
            metadata={
                "passage_id": self.id,
                "article_id": self.article_id,
                "title": self.title,
                "source": self.source,
                "start": self.start,
                "end": self.end,
                "score": self.score,
                "published_at": self.published_at,
            },
        )


def _passage(pid: str, text: str, meta: dict, score: float) -> RetrievedPassage:
    return RetrievedPassage(
        id=pid,
        article_id=meta["article_id"],
        title=meta.get("title", ""),
        source=meta.get("source", ""),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        sentences=Store.sentence_spans(meta),
        score=score,
        published_at=meta.get("published_at"),
    )


def _near_duplicate(a: str, b: str, threshold: float) -> bool:
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not wa or not wb:
        return a == b
    return len(wa & wb) / len(wa | wb) >= threshold


class HybridSearch:
    """The retrieval component; holds no per-query state, so one instance serves every request."""

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings)
        self.embedder = get_embedder(settings.embedding_model_path, settings.embedding_batch_size)

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None, mode: Mode | None = None) -> list[RetrievedPassage]:
        k = k or self.settings.top_k
        mode = mode or self.settings.retrieval_mode
        filters = filters or Filters()
        depth = max(self.settings.candidate_k, k)
        found: dict[str, RetrievedPassage] = {}
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed([query])[0]
            for rank, (pid, sim, text, meta) in enumerate(self.store.dense_search(vector, depth, filters.chroma_where())):
                p = found.setdefault(pid, _passage(pid, text, meta, 0.0))
                p.dense_score, p.ranks["dense"] = sim, rank
        if mode in ("hybrid", "bm25"):
            lexical = self.store.lexical()
            after, before = filters.timestamps()
            hits = lexical.search(query, depth, lexical.filter_mask(filters.article_ids, after, before))
            missing = [pid for pid, _ in hits if pid not in found]
            stored = self.store.passages(missing)
            for rank, (pid, score) in enumerate(hits):
                if pid not in found:
                    if pid not in stored:
                        continue
                    found[pid] = _passage(pid, stored[pid]["text"], stored[pid]["metadata"], 0.0)
                found[pid].lexical_score, found[pid].ranks["bm25"] = score, rank
        for p in found.values():
            p.score = sum(1.0 / (self.settings.rrf_k + 1 + r) for r in p.ranks.values())
        ranked = sorted(found.values(), key=lambda p: p.score, reverse=True)
        kept: list[RetrievedPassage] = []
        for p in ranked:
            if not any(_near_duplicate(p.text, q.text, self.settings.duplicate_similarity) for q in kept):
                kept.append(p)
            if len(kept) == k:
                break
        return kept


class BylineRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever, so it composes with the rest of the ecosystem."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    search: HybridSearch
    k: int = 5
    filters: Filters | None = None
    mode: Mode | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [p.to_document() for p in self.search.retrieve(query, self.k, self.filters, self.mode)]


def parse_date(value: str) -> str:
    """Validate a --after/--before date early, with a message that shows the expected form."""
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"'{value}' is not a date; use YYYY-MM-DD") from None
