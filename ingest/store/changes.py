"""The change log that every process on one store shares, kept in Chroma beside the passages.

Each write to the passages is bracketed by two records, `begin` before its first Chroma call and `end` after its
last, naming the articles it touches. A record's sequence number is claimed with Chroma's `add`, which keeps the
first record stored under an id and ignores later ones: a writer tries the slot after the newest one it knows of
and reads the slot back; if another writer's record is there, it tries the next. Slots are only tried after the
one before them exists, so the log has no holes and gives every process the same order.

A record says which articles changed, not what they became: a process catching up reads those articles' current
passages from Chroma, so applying a record twice, late or after a writer died mid-write does no harm.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any, Literal

Phase = Literal["begin", "end"]

KEEP = 20_000
"""Records kept when the log is compacted; a process further behind than this rebuilds its indexes."""
_COMPACT_EVERY = 1_000
_PAGE = 5_000
_HEAD = "byline_head"
READ_CHUNK = 500
"""Articles read back from Chroma per call when catching up with the records that name them."""
SAVE_AFTER_ARTICLES = 200
"""Articles applied from the log after which a process saves what it caught up, so short-lived commands do not
each apply the same long backlog."""
_appended = [0]


def local_writes() -> int:
    """How many records this process has appended: a reader in it looks at the log at once after its own writes."""
    return _appended[0]


@dataclass(frozen=True)
class Change:
    seq: int
    write_id: str
    phase: Phase
    article_ids: tuple[str, ...]
    at: float
    """The writer's clock when the record was claimed: an open write this old is taken to have died."""


def _slot(seq: int) -> str:
    return f"{seq:016d}"


def _change(meta: dict[str, Any], doc: str) -> Change:
    return Change(int(meta["seq"]), str(meta["write_id"]), meta["phase"], tuple(json.loads(doc)), float(meta["at"]))


class ChangeLog:
    def __init__(self, client: Any, name: str):
        self._collection = client.get_or_create_collection(name, embedding_function=None)
        self._known = 0
        """The newest sequence number this process has seen, so `head` reads only what came after it."""

    def _read(self, after: int, with_docs: bool) -> list[Change]:
        include = ["metadatas", "documents"] if with_docs else ["metadatas"]
        found: list[Change] = []
        offset = 0
        while True:
            page = self._collection.get(where={"seq": {"$gt": after}}, include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                break
            docs = page["documents"] if with_docs else ["[]"] * len(page["ids"])
            found.extend(_change(m, d) for m, d in zip(page["metadatas"], docs, strict=True))
            offset += len(page["ids"])
        found.sort(key=lambda c: c.seq)
        return found

    def head(self) -> int:
        """The newest sequence number in the log (0 for an empty log)."""
        hint = int((self._collection.metadata or {}).get(_HEAD, 0)) if self._known == 0 else 0
        start = max(self._known, hint)
        newer = self._read(start, with_docs=False)
        self._known = max([start, *(c.seq for c in newer)])
        return self._known

    def since(self, seq: int) -> list[Change] | None:
        """Every record after `seq`, in order; None when the log no longer reaches back that far (compacted, or
        a different log from the one `seq` was read from)."""
        changes = self._read(seq, with_docs=True)
        if changes and changes[0].seq != seq + 1:
            return None
        if any(b.seq != a.seq + 1 for a, b in itertools.pairwise(changes)):
            return None
        if changes:
            self._known = max(self._known, changes[-1].seq)
        return changes

    def append(self, write_id: str, phase: Phase, article_ids: list[str]) -> int:
        """Claim the next sequence number for this record and return it."""
        meta = {"write_id": write_id, "phase": phase, "at": time.time()}
        doc = json.dumps(list(dict.fromkeys(article_ids)))
        seq = self.head() + 1
        while True:
            self._collection.add(ids=[_slot(seq)], embeddings=[[0.0]], metadatas=[{**meta, "seq": seq}], documents=[doc])
            got = self._collection.get(ids=[_slot(seq)], include=["metadatas"])
            held = got["metadatas"][0] if got["ids"] else {}
            if held.get("write_id") == write_id and held.get("phase") == phase:
                break
            seq += 1
        self._known = max(self._known, seq)
        _appended[0] += 1
        if phase == "end":
            self._publish(seq)
        if seq % _COMPACT_EVERY == 0:
            self._compact(seq)
        return seq

    def _publish(self, seq: int) -> None:
        """A hint of the newest number, so a process that starts reads only the records after it."""
        with contextlib.suppress(Exception):  # only a hint: `head` reads past it anyway
            meta = dict(self._collection.metadata or {})
            if int(meta.get(_HEAD, 0)) < seq:
                self._collection.modify(metadata={**meta, _HEAD: seq})

    def _compact(self, seq: int) -> None:
        if seq > KEEP:
            self._collection.delete(where={"seq": {"$lte": seq - KEEP}})


__all__ = ["KEEP", "Change", "ChangeLog", "Phase"]
