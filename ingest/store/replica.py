"""This process's BM25 and speaker indexes, kept in step with the shared collection by its change log.

Every process that reads the store (a `byline serve` replica, the CLI, a writer) holds both indexes in memory,
labelled with the last change-log record they reflect. Before it answers from them it reads the records that
came after, reads the current passages of the articles they name, and applies those articles to copies of the
indexes: the cost follows the change, not the corpus. It rebuilds from a scan of the collection only when it
has no saved indexes, when the log was compacted past its position, or when, with no write in flight, its
passage count disagrees with the collection's (an index that is wrong for any reason is not trusted).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.speakers.index import SpeakerIndex
from ingest.store.changes import READ_CHUNK, SAVE_AFTER_ARTICLES, Change, ChangeLog, local_writes
from ingest.store.metadata import ChromaPassage

if TYPE_CHECKING:
    from ingest.store.lexical import LexicalIndex

SAVE_EVERY_S = 30.0
"""How often a process that only catches up saves its indexes (a writer saves after each ingest), so a restart
reads only the records since."""
CHECK_EVERY_S = 0.5
"""Each look at the log costs a search a few ms at 100k passages; another process's write is seen within this."""
COUNT_EVERY_S = 30.0
"""The passage count, checked against the collection's after applying changes, at load, and this often besides."""
REBUILD_SHARE = 0.5
"""A backlog that names more articles than this share of those held is applied by a rebuild."""
_PAGE = 5000
_ROUNDS = 3


@dataclass(frozen=True)
class OpenWrite:
    write_id: str
    article_ids: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class Indexes:
    seq: int
    """The change-log record both indexes reflect."""
    lexical: LexicalIndex
    speakers: SpeakerIndex
    open: tuple[OpenWrite, ...] = ()
    """Writes begun and not yet ended at `seq`: their articles are read again when they end."""

    def digest(self) -> str:
        """Of the passage ids held: two processes in step on one store give the same."""
        return hashlib.sha256("\n".join(sorted(self.lexical.ids)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CatchUp:
    """What the last catch-up did, for the benchmark and the log."""

    records: int
    articles: int
    rebuilt: bool
    seconds: float


def _label(seq: int) -> str:
    return f"{seq}:{uuid.uuid4().hex[:8]}"


class Replica:
    def __init__(self, collection: Any, log: ChangeLog, folder: Path, open_for_s: float = 120.0):
        self._collection = collection
        self._open_for_s = open_for_s
        """A write is bracketed by its two records within seconds (its passages are embedded before `begin`), so
        one still open after this long died: its articles are read again as they are, and it is no longer waited for."""
        self._log = log
        self._lexical_dir = folder
        self._speakers_path = folder.with_name(folder.name + ".speakers.json")
        self._state_path = folder.with_name(folder.name + ".state.json")
        self._lock = threading.RLock()
        self._indexes: Indexes | None = None
        self._written: dict[str, dict[str, list[ChromaPassage]]] = {}
        """This process's own writes, by write and article, so catching up with them needs no read of Chroma."""
        self._saved_seq = -1
        self._saved_at = 0.0
        self._unsaved = 0
        self._seen_local = -1
        self._checked_at = self._counted_at = 0.0
        self.last: CatchUp | None = None

    # --- catching up -------------------------------------------------------------------------------

    def current(self) -> Indexes:
        """The indexes as of the newest record in the log (looked at once every `CHECK_EVERY_S` at most, and at once
        after a write made in this process)."""
        with self._lock:
            local = local_writes()
            if self._indexes is not None and local == self._seen_local and time.monotonic() - self._checked_at < CHECK_EVERY_S:
                return self._indexes
            started = time.perf_counter()
            records = articles = 0
            rebuilt = False
            indexes = self._indexes or self._load()
            due = self._indexes is None or time.monotonic() - self._counted_at > COUNT_EVERY_S
            if indexes is None and self._written and self._log.since(0) is not None:
                indexes = self._empty()  # a writer into a new store: its own passages are in memory, the log complete
            elif indexes is None:
                indexes, rebuilt = self._rebuild(), True
            for _ in range(_ROUNDS):
                count = self._collection.count() if due else None  # read before the log, so a write can't slip between
                changes = self._log.since(indexes.seq)
                if changes is None:
                    indexes, rebuilt = self._rebuild(), True
                    continue
                now = time.time()
                expired = [w for w in indexes.open if now - w.at > self._open_for_s]
                if changes or expired:
                    mine = {a for w in self._written.values() for a in w}
                    unread = {a for c in changes for a in c.article_ids} - mine
                    if len(unread) > REBUILD_SHARE * max(len(indexes.speakers.articles), 1000):
                        indexes, rebuilt = self._rebuild(), True  # one scan beats reading most articles one by one
                        continue
                    indexes, touched = self._apply(indexes, changes, expired)
                    records, articles = records + len(changes), articles + touched
                    due = True
                    continue
                if indexes.open or count is None or count == len(indexes.lexical):
                    break
                indexes, rebuilt = self._rebuild(), True
            self._indexes = indexes
            self._seen_local, self._checked_at = local, time.monotonic()
            if due:
                self._counted_at = self._checked_at
            if records or rebuilt:
                self.last = CatchUp(records, articles, rebuilt, time.perf_counter() - started)
                self._unsaved += articles
                if rebuilt or self._unsaved >= SAVE_AFTER_ARTICLES or time.time() - self._saved_at > SAVE_EVERY_S:
                    self.save()
            return indexes

    def written(self, write_id: str, passages: dict[str, list[ChromaPassage]]) -> None:
        with self._lock:
            self._written[write_id] = passages

    @property
    def loaded(self) -> bool:
        return self._indexes is not None

    def written_articles(self) -> int:
        return sum(len(w) for w in self._written.values())

    def forget_written(self) -> None:
        with self._lock:
            self._written.clear()

    def _apply(self, indexes: Indexes, changes: list[Change], expired: list[OpenWrite]) -> tuple[Indexes, int]:
        last: dict[str, Change | None] = {aid: None for w in expired for aid in w.article_ids}
        open_writes = {w.write_id: w for w in indexes.open if w not in expired}
        for change in changes:
            for aid in change.article_ids:
                last[aid] = change
            if change.phase == "begin":
                open_writes[change.write_id] = OpenWrite(change.write_id, change.article_ids, change.at)
            else:
                open_writes.pop(change.write_id, None)
        entries: list[ChromaPassage] = []
        to_read = []
        for aid, latest in last.items():
            mine = self._written.get(latest.write_id, {}) if latest and latest.phase == "end" else {}
            if aid in mine:
                entries.extend(mine[aid])
            else:
                to_read.append(aid)
        entries.extend(self._read_articles(to_read))
        for change in changes:
            if change.phase == "end":
                self._written.pop(change.write_id, None)
        seq = changes[-1].seq if changes else indexes.seq
        label = _label(seq)
        touched = set(last)
        lexical = indexes.lexical.apply([e.lexical for e in entries], indexes.lexical.ids_of_articles(touched), label)
        speakers = indexes.speakers.copy()
        speakers.generation = label
        for aid in touched:
            speakers.remove_article(aid)
        for entry in entries:
            entry.add_to(speakers)
        return Indexes(seq, lexical, speakers, tuple(open_writes.values())), len(touched)

    def _read_articles(self, article_ids: list[str]) -> list[ChromaPassage]:
        found: list[ChromaPassage] = []
        for start in range(0, len(article_ids), READ_CHUNK):
            chunk = article_ids[start : start + READ_CHUNK]
            where = {"article_id": chunk[0]} if len(chunk) == 1 else {"article_id": {"$in": chunk}}
            found.extend(self._scan(where))
        return found

    def _scan(self, where: dict | None = None) -> Iterable[ChromaPassage]:
        offset = 0
        while True:
            page = self._collection.get(where=where, include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield from (ChromaPassage(i, d, m) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"]))
            offset += len(page["ids"])

    def _empty(self) -> Indexes:
        from ingest.store.lexical import LexicalIndex

        label = _label(0)
        return Indexes(0, LexicalIndex.build([], label), SpeakerIndex(label))

    def _rebuild(self) -> Indexes:
        """Both indexes from one scan, at the log's head as read before the scan: records written during the
        scan are applied after it, and applying one twice does no harm."""
        seq = self._log.head()
        label = _label(seq)
        entries = list(self._scan())
        speakers = SpeakerIndex(label)
        for entry in entries:
            entry.add_to(speakers)
        self._written.clear()
        from ingest.store.lexical import LexicalIndex

        return Indexes(seq, LexicalIndex.build([e.lexical for e in entries], label), speakers)

    # --- persistence -------------------------------------------------------------------------------

    def save(self) -> None:
        """Both indexes and the record they reflect; the state file goes last and names the label both carry,
        so a save cut short (or two processes saving into one folder) is read as no saved indexes."""
        with self._lock:
            indexes = self._indexes
            if indexes is None or (indexes.seq == self._saved_seq and not indexes.open):
                return
            with contextlib.suppress(OSError):  # a read-only folder still answers; the next process rebuilds
                indexes.lexical.save(self._lexical_dir)
                indexes.speakers.save(self._speakers_path)
                state = {
                    "label": indexes.lexical.generation,
                    "seq": indexes.seq,
                    "open": [[w.write_id, list(w.article_ids), w.at] for w in indexes.open],
                }
                tmp = self._state_path.with_name(f"{self._state_path.name}.{uuid.uuid4().hex[:8]}.tmp")
                tmp.write_text(json.dumps(state))
                os.replace(tmp, self._state_path)
                self._saved_seq, self._saved_at, self._unsaved = indexes.seq, time.time(), 0

    def _load(self) -> Indexes | None:
        try:
            state = json.loads(self._state_path.read_text())
            label, seq = str(state["label"]), int(state["seq"])
            open_writes = tuple(OpenWrite(str(w), tuple(a), float(t)) for w, a, t in state["open"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        from ingest.store.lexical import LexicalIndex  # scipy, loaded only by a process that reads

        lexical = LexicalIndex.load(self._lexical_dir)
        speakers = SpeakerIndex.load(self._speakers_path)
        if lexical is None or speakers is None or lexical.generation != label or speakers.generation != label:
            return None
        self._saved_seq, self._saved_at = seq, time.time()
        return Indexes(seq, lexical, speakers, open_writes)


__all__ = ["CatchUp", "Indexes", "OpenWrite", "Replica"]
