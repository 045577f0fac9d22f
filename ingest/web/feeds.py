"""The feeds a user follows and what Byline knows of each (validators, when it is due, its errors), kept in the
store itself: a small Chroma collection beside the articles, so every process on one Chroma server shares the list
and a lease on each feed lets only one of them refresh it at a time."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.records import IngestError
from ingest.settings import Settings
from ingest.web.fetch import check_url

_LEGACY_FILE = "feeds.json"
_SETTLE_S = 0.2
"""How long a process waits after writing a lease before reading it back: of two that wrote at once, the later
write stands, and only its writer goes on."""


@dataclass(frozen=True)
class Feed:
    url: str
    name: str = ""
    interval_s: float | None = None
    """This feed's own refresh interval; the default applies when unset."""
    etag: str | None = None
    last_modified: str | None = None
    ttl_s: float | None = None
    """The feed's own `<ttl>`: the publisher asks not to be polled more often."""
    last_fetched: str | None = None
    last_new_entry: str | None = None
    entries_added: int = 0
    last_error: str | None = None
    failures: int = 0
    next_due: float = 0.0
    lease_owner: str | None = None
    lease_until: float = 0.0

    def paused(self, settings: Settings) -> bool:
        return self.failures >= settings.fetching.feed_pause_after

    def due(self, now: float) -> bool:
        return self.next_due <= now

    def status(self, settings: Settings) -> str:
        """The feed's state in words, for `byline feeds list` and the Articles tab."""
        parts = [f"last fetched {_ago(self.last_fetched)}" if self.last_fetched else "not fetched yet"]
        if self.last_new_entry:
            parts.append(f"last new entry {_ago(self.last_new_entry)}")
        parts.append(f"{self.entries_added} {'entry' if self.entries_added == 1 else 'entries'} added")
        if self.paused(settings):
            parts.append(f"paused after {self.failures} failures in a row (refresh it by hand to retry)")
        elif self.failures:
            parts.append(f"{self.failures} failure{'' if self.failures == 1 else 's'} in a row")
        if self.last_error:
            parts.append(f"last error: {self.last_error}")
        return "; ".join(parts)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ago(iso: str) -> str:
    try:
        seconds = (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds()
    except ValueError:
        return iso
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 129600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{iso[:10]}"


def holder_alive(owner: str) -> bool:
    """False only when the holder was a process on this machine that is gone (killed, crashed): its feeds need not
    wait for the lease to expire. A holder on another machine is taken to be alive."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _to_metadata(feed: Feed) -> dict[str, Any]:
    return {k: v for k, v in asdict(feed).items() if v is not None}


def _from_metadata(meta: dict[str, Any]) -> Feed:
    known = {f.name for f in fields(Feed)}
    return Feed(**{k: v for k, v in meta.items() if k in known})


class FeedList:
    def __init__(self, settings: Settings):
        from ingest.store.store import chroma_client

        self.settings = settings
        name = f"{settings.store.collection}-feeds"
        self._collection = chroma_client(settings).get_or_create_collection(name, embedding_function=None)
        self._import_legacy_file(settings.store.path / _LEGACY_FILE)

    def all(self) -> list[Feed]:
        found = self._collection.get(include=["metadatas"])
        feeds = [_from_metadata(dict(m)) for m in found["metadatas"] or []]
        return sorted(feeds, key=lambda f: f.url)

    def get(self, url: str) -> Feed | None:
        found = self._collection.get(ids=[_key(url)], include=["metadatas"])
        metas = found["metadatas"] or []
        return _from_metadata(dict(metas[0])) if metas else None

    def add(self, url: str, name: str = "", interval_s: float | None = None) -> bool:
        """False when the feed is already followed."""
        check_url(url, allow_private=True)  # the scheme now; addresses when it is fetched
        if interval_s is not None and interval_s <= 0:
            raise IngestError(f"{url}: the refresh interval must be a positive number of minutes")
        if self.get(url) is not None:
            return False
        self.save(Feed(url, name, interval_s))
        return True

    def remove(self, url: str) -> bool:
        if self.get(url) is None:
            return False
        self._collection.delete(ids=[_key(url)])
        return True

    def save(self, feed: Feed) -> None:
        self._collection.upsert(ids=[_key(feed.url)], embeddings=[[0.0]], metadatas=[_to_metadata(feed)])

    def take_leases(self, urls: list[str], owner: str, now: float | None = None) -> list[Feed]:
        """The feeds now held by `owner`, leaving out those another process holds (a lease it has not given back
        expires, so a process that died does not keep its feeds). One write and one read for all of them."""
        if not urls:
            return []
        now = time.time() if now is None else now
        keys = [_key(u) for u in urls]
        found = self._collection.get(ids=keys, include=["metadatas"])
        free = [
            replace(f, lease_owner=owner, lease_until=now + self.settings.fetching.feed_lease_s)
            for f in (_from_metadata(dict(m)) for m in found["metadatas"] or [])
            if f.lease_owner in (None, owner) or f.lease_until <= now or not holder_alive(f.lease_owner)
        ]
        if not free:
            return []
        self._collection.upsert(
            ids=[_key(f.url) for f in free], embeddings=[[0.0]] * len(free), metadatas=[_to_metadata(f) for f in free]
        )
        time.sleep(_SETTLE_S)
        back = self._collection.get(ids=[_key(f.url) for f in free], include=["metadatas"])
        return sorted(
            (f for f in (_from_metadata(dict(m)) for m in back["metadatas"] or []) if f.lease_owner == owner),
            key=lambda f: f.url,
        )

    def release(self, done: list[Feed], owner: str) -> None:
        """Saves what the refreshes learnt and gives the feeds back, except any whose lease passed to another
        process meanwhile. One read and one write for all of them."""
        if not done:
            return
        found = self._collection.get(ids=[_key(f.url) for f in done], include=["metadatas"])
        still = {m["url"] for m in found["metadatas"] or [] if m.get("lease_owner") in (None, owner)}
        kept = [replace(f, lease_owner=None, lease_until=0.0) for f in done if f.url in still]
        if kept:
            self._collection.upsert(
                ids=[_key(f.url) for f in kept], embeddings=[[0.0]] * len(kept), metadatas=[_to_metadata(f) for f in kept]
            )

    def _import_legacy_file(self, path: Path) -> None:
        """Feeds followed before the list moved into the store come along once."""
        if not path.is_file():
            return
        try:
            old = json.loads(path.read_text())
            for entry in old:
                if self.get(entry["url"]) is None:
                    self.save(Feed(entry["url"], entry.get("name", "")))
        except (ValueError, TypeError, KeyError) as err:
            raise IngestError(f"{path}: the old feed list is damaged ({err}); fix or delete the file") from None
        path.rename(path.with_name(path.name + ".imported"))
