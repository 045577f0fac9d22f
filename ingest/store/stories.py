"""Which stored articles are copies of one story: a small Chroma collection beside the passages (one record per
article: its story id, outlet, date, MinHash signature and shingle hashes), so every process on the store shares
it; a new article finds its copies through the signature's bands, in a table each process keeps (and saves) and
catches up through the store's change log, like its other indexes."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.records import Article
from ingest.store.changes import READ_CHUNK, SAVE_AFTER_ARTICLES, ChangeLog
from ingest.stories.fingerprint import SAME_STORY, Fingerprint, same_story
from ingest.stories.table import BandTable


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
    if c.outlet:
        meta["outlet"] = c.outlet
    if c.published_at:
        meta["published_at"] = c.published_at
    return meta


def _copy(article_id: str, meta: dict[str, Any]) -> Copy:
    return Copy(article_id, str(meta["story_id"]), str(meta.get("title", "")), meta.get("outlet"), meta.get("published_at"))


_PAGE = 2000


class StoryIndex:
    def __init__(self, client: Any, name: str, log: ChangeLog, cache: Path):
        self._collection = client.get_or_create_collection(name, embedding_function=None)
        self._log = log
        self._cache = cache
        self._table: BandTable | None = None
        self._unsaved = 0
        self._lock = threading.RLock()

    def _current(self) -> BandTable:
        """The table as of the newest change-log record: loaded from its file and caught up by the articles the
        records since name (their story records are written inside the same bracket as their passages), or read
        whole when there is no file or the log no longer reaches back to it."""
        with self._lock:
            table = self._table or BandTable.load(self._cache)
            changes = self._log.since(table.seq) if table is not None else None
            if table is None or changes is None:
                table = self._read_all()
            elif changes:
                touched = list(dict.fromkeys(a for c in changes for a in c.article_ids))
                if len(touched) > max(1000, len(table) // 2):
                    table = self._read_all()
                else:
                    for aid in touched:
                        table.remove(aid)
                    for aid, meta in self._read(touched):
                        table.add(aid, str(meta["story_id"]), Fingerprint.decode(str(meta["signature"]), str(meta["shingles"])))
                    table.seq = changes[-1].seq
                    self._unsaved += len(touched)
            self._table = table
            if self._unsaved >= SAVE_AFTER_ARTICLES:
                self.save()
            return table

    def _read(self, article_ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        for start in range(0, len(article_ids), READ_CHUNK):
            got = self._collection.get(ids=article_ids[start : start + READ_CHUNK], include=["metadatas"])
            yield from zip(got["ids"], got["metadatas"] or [], strict=False)

    def _read_all(self) -> BandTable:
        table = BandTable(self._log.head())
        offset = 0
        while True:
            page = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            if not page["ids"]:
                break
            for aid, meta in zip(page["ids"], page["metadatas"] or [], strict=False):
                table.add(aid, str(meta["story_id"]), Fingerprint.decode(str(meta["signature"]), str(meta["shingles"])))
            offset += len(page["ids"])
        self._unsaved = SAVE_AFTER_ARTICLES
        return table

    def save(self) -> None:
        with self._lock:
            if self._table is not None:
                self._table.save(self._cache)
                self._unsaved = 0

    def assign(self, articles: list[Article], threshold: float = SAME_STORY) -> list[StoryRecord]:
        """Each article's story: that of the stored (or earlier in this list) article it is a copy of, else its own
        id. Nothing is written: `record` does that, with the articles' passages."""
        out: list[StoryRecord] = []
        table = self._current()
        for article in articles:
            fp = Fingerprint.of(article.text)
            story = table.match(article.id, fp, threshold) or next(
                (r.copy.story_id for r in out if same_story(fp, r.fingerprint, threshold)), article.id
            )
            out.append(StoryRecord(Copy(article.id, story, article.title, article.outlet, article.published_at), fp))
        return out

    def record(self, records: list[StoryRecord]) -> None:
        if not records:
            return
        self._collection.upsert(
            ids=[r.copy.article_id for r in records],
            embeddings=[[0.0]] * len(records),
            metadatas=[_metadata(r) for r in records],
        )
        with self._lock:
            if self._table is not None:  # at once for the next batch; catching up reads them again, to no harm
                for r in records:
                    self._table.add(r.copy.article_id, r.copy.story_id, r.fingerprint)

    def remove(self, article_ids: list[str]) -> None:
        if article_ids:
            self._collection.delete(ids=article_ids)
            with self._lock:
                for aid in article_ids if self._table is not None else []:
                    self._table.remove(aid)  # type: ignore[union-attr]

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
