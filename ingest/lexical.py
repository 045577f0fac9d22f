"""The BM25 index that hybrid retrieval needs, built at ingest time and persisted beside the store.

Chroma stays the source of truth: the index records the collection's `generation` token, which every write
changes first, so an index that missed a write (a killed ingest, another client on a shared Chroma server)
is detected as stale and rebuilt from the collection rather than trusted.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_META = "byline.json"


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str], *, return_ids: bool = True):
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=return_ids)


@dataclass
class LexicalIndex:
    """BM25 over passages; `ids[i]` is the passage id of document i, with its article and date for filters."""

    ids: list[str]
    article_ids: np.ndarray
    published_ts: np.ndarray
    generation: str
    _bm25: Any = None
    outlets: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        ids: list[str],
        texts: list[str],
        article_ids: list[str],
        published_ts: list[float],
        generation: str,
        outlets: list[str] | None = None,
    ):
        import bm25s

        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index(tokenize(texts), show_progress=False)
        outlet_array = np.array(outlets if outlets is not None else [""] * len(ids), dtype=object)
        return cls(
            ids, np.array(article_ids, dtype=object), np.array(published_ts, dtype=np.float64), generation, bm25, outlet_array
        )

    def save(self, directory: Path) -> None:
        """Write to a fresh folder, then swap it in, so a crash never leaves a half-written index."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if self._bm25 is not None:
            self._bm25.save(str(tmp), show_progress=False)
        meta = {
            "generation": self.generation,
            "ids": self.ids,
            "article_ids": self.article_ids.tolist(),
            "published_ts": self.published_ts.tolist(),
            "outlets": self.outlets.tolist() if self.outlets is not None else [""] * len(self.ids),
        }
        (tmp / _META).write_text(json.dumps(meta))
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        import bm25s

        meta_path = directory / _META
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            bm25 = bm25s.BM25.load(str(directory), mmap=False) if meta["ids"] else None
            outlets = np.array(meta["outlets"], dtype=object)  # an index written before outlets were kept is rebuilt
        except (OSError, ValueError, KeyError):
            return None
        return cls(
            meta["ids"],
            np.array(meta["article_ids"], dtype=object),
            np.array(meta["published_ts"], dtype=np.float64),
            meta["generation"],
            bm25,
            outlets,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-k (passage id, BM25 score); documents outside `mask` and zero scores are left out."""
        if self._bm25 is None or not query.strip():
            return []
        words = [[w for w in tokenize([query], return_ids=False)[0] if w in self._bm25.vocab_dict]]
        if not words[0]:
            return []
        with _search_lock:
            docs, scores = self._bm25.retrieve(words, k=min(k, len(self.ids)), show_progress=False, weight_mask=mask, n_threads=0)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def filter_mask(
        self, article_ids: list[str] | None, after_ts: float | None, before_ts: float | None, outlets: list[str] | None = None
    ) -> np.ndarray | None:
        if not article_ids and after_ts is None and before_ts is None and not outlets:
            return None
        mask = np.ones(len(self.ids), dtype=np.float32)
        if article_ids:
            mask *= np.isin(self.article_ids, list(article_ids))
        if outlets:
            mask *= np.isin(self.outlets if self.outlets is not None else np.array([""] * len(self.ids), dtype=object), outlets)
        if after_ts is not None:
            mask *= self.published_ts >= after_ts
        if before_ts is not None:
            mask *= (self.published_ts <= before_ts) & (self.published_ts >= 0)
        return mask


_search_lock = threading.Lock()
