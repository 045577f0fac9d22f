"""Which stored articles are copies of one story: a small Chroma collection beside the passages (one record per
article: its story id, outlet, date, MinHash signature and shingle hashes), so every process on the store shares
it; a new article finds its copies through the signature's bands, held in memory, not by a scan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest.records import Article
from ingest.stories.fingerprint import SAME_STORY, Fingerprint, containment, same_story


@dataclass(frozen=True)
class Copy:
    """One outlet's copy of a story."""

    article_id: str
    story_id: str
    title: str
    outlet: str | None
    published_at: str | None


@dataclass(frozen=True)
class StoryRecord:
    copy: Copy
    fingerprint: Fingerprint


def _metadata(record: StoryRecord) -> dict[str, Any]:
    c, fp = record.copy, record.fingerprint
    signature, hashes = fp.encode()
    meta: dict[str, Any] = {"story_id": c.story_id, "title": c.title, "signature": signature, "shingles": hashes}
    meta.update(_band_fields(fp))
    if c.outlet:
        meta["outlet"] = c.outlet
    if c.published_at:
        meta["published_at"] = c.published_at
    return meta


def _band_fields(fp: Fingerprint) -> dict[str, str]:
    """Each band's key as a field of its own, so a few articles find their candidates with one indexed filter."""
    return {f"b{i}": key for i, key in enumerate(fp.bands())}


def _copy(article_id: str, meta: dict[str, Any]) -> Copy:
    return Copy(article_id, str(meta["story_id"]), str(meta.get("title", "")), meta.get("outlet"), meta.get("published_at"))


_BANDED = "byline_band_fields"
_LOOKUP_AT_MOST = 20
"""A batch of at most this many articles, in a process that has not read every record, looks its candidates up."""


class StoryIndex:
    def __init__(self, client: Any, name: str):
        self._collection = client.get_or_create_collection(name, embedding_function=None)
        self._bands: dict[str, set[str]] | None = None
        self._known: dict[str, tuple[str, np.ndarray]] = {}
        self._seen = -1
        """Every record's band keys, story and shingle hashes, held in memory for a large batch (a Chroma filter
        over 64 keys and a read of the candidates costs milliseconds an article, reading every record seconds at
        100k passages); read again when the collection's count moves, as when another process added articles."""

    def _band_map(self) -> dict[str, set[str]]:
        count = self._collection.count()
        if self._bands is None or count != self._seen:
            bands: dict[str, set[str]] = defaultdict(set)
            known: dict[str, tuple[str, np.ndarray]] = {}
            unbanded: dict[str, dict[str, Any]] = {}
            offset = 0
            while True:
                page = self._collection.get(include=["metadatas"], limit=2000, offset=offset)
                if not page["ids"]:
                    break
                for article_id, meta in zip(page["ids"], page["metadatas"] or [], strict=False):
                    fp = Fingerprint.decode(str(meta["signature"]), str(meta["shingles"]))
                    for i, key in enumerate(fp.bands()):
                        bands[f"{i}:{key}"].add(article_id)
                    known[article_id] = (str(meta["story_id"]), fp.hashes)
                    if "b0" not in meta:
                        unbanded[article_id] = {**meta, **_band_fields(fp)}
                offset += len(page["ids"])
            self._add_band_fields(unbanded)
            self._bands, self._known, self._seen = bands, known, count
        return self._bands

    def _add_band_fields(self, records: dict[str, dict[str, Any]]) -> None:
        """Records stored before band keys had fields of their own get them once, so lookups can trust them."""
        ids = list(records)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self._collection.update(ids=chunk, metadatas=[records[i] for i in chunk])
        meta = dict(self._collection.metadata or {})
        if not meta.get(_BANDED):
            self._collection.modify(metadata={**meta, _BANDED: True})

    def _lookup(self, fp: Fingerprint) -> dict[str, tuple[str, np.ndarray]]:
        """Stored articles sharing a band with this fingerprint: story and shingle hashes, by article id."""
        where = {"$or": [{f"b{i}": key} for i, key in enumerate(fp.bands())]}
        found = self._collection.get(where=where, include=["metadatas"])
        return {
            i: (str(m["story_id"]), Fingerprint.decode(str(m["signature"]), str(m["shingles"])).hashes)
            for i, m in zip(found["ids"], found["metadatas"] or [], strict=False)
        }

    def assign(self, articles: list[Article], threshold: float = SAME_STORY) -> list[StoryRecord]:
        """Each article's story: that of the stored (or earlier in this list) article it is a copy of, else its own
        id. Nothing is written: `record` does that once the articles are stored."""
        out: list[StoryRecord] = []
        looked_up = (
            self._bands is None and len(articles) <= _LOOKUP_AT_MOST and bool((self._collection.metadata or {}).get(_BANDED))
        )
        bands = {} if looked_up else self._band_map()
        for article in articles:
            fp = Fingerprint.of(article.text)
            known = self._lookup(fp) if looked_up else self._known
            if looked_up:
                bands = {f"{i}:{key}": set(known) for i, key in enumerate(fp.bands())}
            story = self._match(article.id, fp, bands, known, threshold) or next(
                (r.copy.story_id for r in out if same_story(fp, r.fingerprint, threshold)), article.id
            )
            copy = Copy(article.id, story, article.title, article.outlet, article.published_at)
            out.append(StoryRecord(copy, fp))
        return out

    def _match(
        self,
        article_id: str,
        fp: Fingerprint,
        bands: dict[str, set[str]],
        known: dict[str, tuple[str, np.ndarray]],
        threshold: float,
    ) -> str | None:
        candidates = set().union(*(bands.get(f"{i}:{key}", set()) for i, key in enumerate(fp.bands()))) - {article_id}
        best, best_score = None, 0.0
        for other in candidates:
            story, hashes = known[other]
            score = containment(fp.hashes, hashes)
            if score >= threshold and score > best_score:
                best, best_score = story, score
        return best

    def record(self, records: list[StoryRecord]) -> None:
        if not records:
            return
        if self._bands is None and not self._collection.count():
            self._add_band_fields({})  # a new collection: every record it will hold has its band fields
        self._collection.upsert(
            ids=[r.copy.article_id for r in records],
            embeddings=[[0.0]] * len(records),
            metadatas=[_metadata(r) for r in records],
        )
        if self._bands is None:
            return
        for r in records:
            for i, key in enumerate(r.fingerprint.bands()):
                self._bands[f"{i}:{key}"].add(r.copy.article_id)
            self._known[r.copy.article_id] = (r.copy.story_id, r.fingerprint.hashes)
        self._seen = self._collection.count()

    def remove(self, article_ids: list[str]) -> None:
        if article_ids:
            self._collection.delete(ids=article_ids)
            self._bands = None

    def story_of(self, article_ids: list[str]) -> dict[str, str]:
        """Article id → story id; an article without a record (stored before stories were kept) is its own."""
        found = self._collection.get(ids=list(dict.fromkeys(article_ids)), include=["metadatas"])
        known = {i: str(m["story_id"]) for i, m in zip(found["ids"], found["metadatas"] or [], strict=False)}
        return {a: known.get(a, a) for a in article_ids}

    def copies(self, story_ids: list[str]) -> dict[str, list[Copy]]:
        """Every stored copy of each story, earliest first."""
        wanted = list(dict.fromkeys(story_ids))
        if not wanted:
            return {}
        where = {"story_id": wanted[0]} if len(wanted) == 1 else {"story_id": {"$in": wanted}}
        found = self._collection.get(where=where, include=["metadatas"])
        out: dict[str, list[Copy]] = defaultdict(list)
        for article_id, meta in zip(found["ids"], found["metadatas"] or [], strict=False):
            copy = _copy(article_id, meta)
            out[copy.story_id].append(copy)
        for group in out.values():
            group.sort(key=lambda c: (c.published_at or "9999", c.article_id))
        return dict(out)

    def all(self) -> list[Copy]:
        found = self._collection.get(include=["metadatas"])
        return [_copy(i, m) for i, m in zip(found["ids"], found["metadatas"] or [], strict=False)]


__all__ = ["Copy", "StoryIndex", "StoryRecord"]
