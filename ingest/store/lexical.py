"""The BM25 index that hybrid retrieval needs, kept beside the store and grown in place as articles come and go.

bm25s fixes every score at index time with the whole corpus's IDF, so one new article would mean re-indexing
everything. Here the index keeps raw term counts in segments (one per write, scipy sparse matrices) and a set of
removed passages, and scores at query time with the live corpus's statistics: the same Lucene BM25 that bm25s
computes (tests hold it to bm25s's scores), with bm25s's tokenizer and stemmer. Segments are merged when there
are many or when removals pile up.

Chroma stays the source of truth: the index is labelled with the position in the store's change log it
reflects (`ingest/store/replica.py` keeps it in step).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.store.files import remove_unused

_MANIFEST = "manifest.json"
_K1, _B = 1.5, 0.75
_MAX_SEGMENTS = 12
_MAX_DEAD_SHARE = 0.2


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)


@dataclass(frozen=True)
class LexicalEntry:
    """One passage as the index needs it."""

    id: str
    text: str
    article_id: str
    published_ts: float
    outlet: str = ""


@dataclass
class _Segment:
    name: str
    ids: list[str]
    article_ids: np.ndarray
    outlets: np.ndarray
    published_ts: np.ndarray
    lengths: np.ndarray
    counts: sparse.csc_matrix
    """Passages × terms, raw term counts; the terms are those known when the segment was written."""
    new_terms: list[str]


def _segment(entries: list[LexicalEntry], vocab: dict[str, int], terms: list[str]) -> _Segment:
    tokens = tokenize([e.text for e in entries]) if entries else []
    first_new = len(terms)
    rows, cols, data = [], [], []
    lengths = np.zeros(len(entries), dtype=np.float32)
    for row, words in enumerate(tokens):
        lengths[row] = len(words)
        for word, count in zip(*np.unique(np.array(words, dtype=object), return_counts=True)) if words else []:
            term = vocab.get(word)
            if term is None:
                term = vocab[word] = len(terms)
                terms.append(word)
            rows.append(row)
            cols.append(term)
            data.append(count)
    counts = sparse.csc_matrix(
        (np.array(data, dtype=np.float32), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(entries), len(terms)),
    )
    return _Segment(
        f"seg-{uuid.uuid4().hex[:12]}",
        [e.id for e in entries],
        np.array([e.article_id for e in entries], dtype=object),
        np.array([e.outlet for e in entries], dtype=object),
        np.array([e.published_ts for e in entries], dtype=np.float64),
        lengths,
        counts,
        terms[first_new:],
    )


@dataclass
class LexicalIndex:
    """BM25 over passages, with each passage's article, outlet and date for filters."""

    generation: str
    segments: list[_Segment] = field(default_factory=list)
    dead: set[int] = field(default_factory=set)
    """Positions of removed passages (a passage removed and added again lives at its new position)."""
    terms: list[str] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)

    _all_ids: list[str] = field(init=False, repr=False)
    _position: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._derive()

    def _derive(self, base: LexicalIndex | None = None) -> None:
        """Arrays over every stored position (live or not), rebuilt whenever segments or removals change. From
        `base` (this index is base's segments plus at most one more) the Python-level parts are extended rather
        than rebuilt, so that applying one article at 100k passages costs about a millisecond, not 30."""
        segs = self.segments
        extends = base is not None and segs[: len(base.segments)] == base.segments and len(segs) - len(base.segments) <= 1
        if base is not None and extends:
            added = segs[len(base.segments) :]
            self._all_ids = base._all_ids + [i for s in added for i in s.ids]
            self._position = dict(base._position)
        else:
            self._all_ids = [i for s in segs for i in s.ids]
            self._position = {}
        self.article_ids = np.concatenate([s.article_ids for s in segs]) if segs else np.array([], dtype=object)
        self.outlets = np.concatenate([s.outlets for s in segs]) if segs else np.array([], dtype=object)
        self.published_ts = np.concatenate([s.published_ts for s in segs]) if segs else np.array([], dtype=np.float64)
        self._lengths = np.concatenate([s.lengths for s in segs]) if segs else np.array([], dtype=np.float32)
        self._offsets = np.cumsum([0] + [len(s.ids) for s in segs])
        self._live = np.ones(len(self._all_ids), dtype=bool)
        self._live[list(self.dead)] = False
        first_new = len(base._all_ids) if base is not None and extends else 0
        for position in self.dead - (base.dead if base is not None and extends else set()):
            self._position.pop(self._all_ids[position], None)
        self._position.update(
            (pid, first_new + p) for p, pid in enumerate(self._all_ids[first_new:]) if self._live[first_new + p]
        )
        self._live_count = int(self._live.sum())
        self._avg_length = float(self._lengths[self._live].mean()) if self._live_count else 1.0
        self.__dict__.pop("ids", None)

    @cached_property
    def ids(self) -> list[str]:
        """Live passage ids in position order (built when first asked: a catch-up never needs them)."""
        return [i for i, alive in zip(self._all_ids, self._live) if alive]

    @classmethod
    def build(cls, entries: list[LexicalEntry], generation: str) -> LexicalIndex:
        index = cls(generation)
        return index.apply(entries, set(), generation)

    def apply(self, added: list[LexicalEntry], removed: set[str], generation: str) -> LexicalIndex:
        """A new index with these passages added and removed; this one is left as it was for readers holding it."""
        replaced = removed | {e.id for e in added}
        dead = self.dead | {self._position[pid] for pid in replaced if pid in self._position}
        terms, vocab = list(self.terms), dict(self.vocab)
        segments = list(self.segments)
        if added:
            segments.append(_segment(added, vocab, terms))
        index = LexicalIndex.__new__(LexicalIndex)
        index.generation, index.segments, index.dead, index.terms, index.vocab = generation, segments, dead, terms, vocab
        index._derive(self)
        total = len(index._all_ids)
        if len(segments) > _MAX_SEGMENTS or (total and len(dead) > _MAX_DEAD_SHARE * total):
            index = index.merged()
        return index

    def merged(self) -> LexicalIndex:
        """One segment of the live passages, terms kept as they are."""
        width = len(self.terms)
        counts = sparse.vstack([self._padded(s, width) for s in self.segments], format="csr")[self._live].tocsc()
        live = self._live
        segment = _Segment(
            f"seg-{uuid.uuid4().hex[:12]}",
            list(self.ids),
            self.article_ids[live],
            self.outlets[live],
            self.published_ts[live],
            self._lengths[live],
            counts,
            list(self.terms),
        )
        return LexicalIndex(self.generation, [segment] if self.ids else [], set(), list(self.terms), dict(self.vocab))

    @staticmethod
    def _padded(segment: _Segment, width: int) -> sparse.csc_matrix:
        counts = segment.counts.copy()
        counts.resize((counts.shape[0], width))
        return counts

    def __len__(self) -> int:
        return self._live_count

    def ids_of_articles(self, article_ids: set[str]) -> set[str]:
        """The live passages of these articles."""
        if not article_ids or not self._all_ids:
            return set()
        hits = np.flatnonzero(np.isin(self.article_ids, list(article_ids)) & self._live)
        return {self._all_ids[int(i)] for i in hits}

    def scores(self, query: str) -> np.ndarray:
        """Lucene BM25 of every stored position (zero for removed passages)."""
        scores = np.zeros(len(self._all_ids), dtype=np.float32)
        live_count = self._live_count
        if not live_count or not query.strip():
            return scores
        for word in tokenize([query])[0]:
            term = self.vocab.get(word)
            if term is None:
                continue
            positions, counts = self._postings(term)
            keep = self._live[positions]
            positions, counts = positions[keep], counts[keep]
            if not len(positions):
                continue
            df = len(positions)
            idf = np.log(1 + (live_count - df + 0.5) / (df + 0.5))
            norm = _K1 * (1 - _B + _B * self._lengths[positions] / self._avg_length)
            scores[positions] += (idf * counts / (counts + norm)).astype(np.float32)
        return scores

    def _postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        positions, counts = [], []
        for segment, offset in zip(self.segments, self._offsets):
            matrix = segment.counts
            if term >= matrix.shape[1]:
                continue
            start, end = matrix.indptr[term], matrix.indptr[term + 1]
            positions.append(matrix.indices[start:end].astype(np.int64) + offset)
            counts.append(matrix.data[start:end])
        if not positions:
            return np.array([], dtype=np.int64), np.array([], dtype=np.float32)
        return np.concatenate(positions), np.concatenate(counts)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-k (passage id, BM25 score); positions outside `mask` and zero scores are left out."""
        scores = self.scores(query)
        if mask is not None:
            scores = scores * mask
        candidates = np.flatnonzero(scores > 0)
        if not len(candidates):
            return []
        top = candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
        return [(self._all_ids[int(i)], float(scores[i])) for i in top]

    def filter_mask(
        self, article_ids: list[str] | None, after_ts: float | None, before_ts: float | None, outlets: list[str] | None = None
    ) -> np.ndarray | None:
        if not article_ids and after_ts is None and before_ts is None and not outlets:
            return None
        mask = np.ones(len(self._all_ids), dtype=np.float32)
        if article_ids:
            mask *= np.isin(self.article_ids, list(article_ids))
        if outlets:
            mask *= np.isin(self.outlets, outlets)
        if after_ts is not None:
            mask *= self.published_ts >= after_ts
        if before_ts is not None:
            mask *= (self.published_ts <= before_ts) & (self.published_ts >= 0)
        return mask

    # --- persistence -------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the segments the folder lacks, then swap in the manifest: a crash never leaves a half-written index."""
        directory.mkdir(parents=True, exist_ok=True)
        for segment in self.segments:
            if not (directory / f"{segment.name}.npz").exists():
                _write_segment(directory, segment)
        manifest = {"generation": self.generation, "segments": [s.name for s in self.segments], "dead": sorted(self.dead)}
        tmp = directory / f"{_MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(json.dumps(manifest))
        os.replace(tmp, directory / _MANIFEST)
        keep = {_MANIFEST} | {f"{s.name}{ext}" for s in self.segments for ext in (".npz", ".json")}
        remove_unused(directory, keep.__contains__)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it cannot be read (it is then rebuilt)."""
        try:
            manifest = json.loads((directory / _MANIFEST).read_text())
            segments = [_read_segment(directory, name) for name in manifest["segments"]]
        except (OSError, ValueError, KeyError):
            return None
        terms = [t for s in segments for t in s.new_terms]
        return cls(manifest["generation"], segments, set(manifest["dead"]), terms, {t: i for i, t in enumerate(terms)})


def _write_segment(directory: Path, segment: _Segment) -> None:
    m = segment.counts
    np.savez(
        directory / f"{segment.name}.npz",
        data=m.data,
        indices=m.indices,
        indptr=m.indptr,
        shape=np.array(m.shape),
        lengths=segment.lengths,
        published_ts=segment.published_ts,
    )
    meta = {
        "ids": segment.ids,
        "article_ids": segment.article_ids.tolist(),
        "outlets": segment.outlets.tolist(),
        "new_terms": segment.new_terms,
    }
    (directory / f"{segment.name}.json").write_text(json.dumps(meta))


def _read_segment(directory: Path, name: str) -> _Segment:
    with np.load(directory / f"{name}.npz") as arrays:
        counts = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
        lengths, published_ts = arrays["lengths"], arrays["published_ts"]
    meta = json.loads((directory / f"{name}.json").read_text())
    return _Segment(
        name,
        meta["ids"],
        np.array(meta["article_ids"], dtype=object),
        np.array(meta["outlets"], dtype=object),
        published_ts,
        lengths,
        counts,
        meta["new_terms"],
    )
