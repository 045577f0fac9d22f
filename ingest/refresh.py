"""Refreshing the followed feeds, politely: one code path for `byline feeds refresh`, the Articles tab's button and
the background job of `byline serve`.

Each feed is fetched with the validators the server gave last time (a 304 costs one request and no parsing),
entries already stored are not fetched again, a feed's `<ttl>` and the server's Retry-After are honoured, errors
back off exponentially, and five failures in a row pause a feed until it is refreshed by hand. Feeds are fetched a
few at a time, one host's feeds one after another; their articles are stored by the calling thread, and a feed's
validators are saved only after its new articles are, so a refresh killed half way is completed by the next one.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from ingest.pipeline import ingest_articles
from ingest.records import Article, IngestError
from ingest.report import IngestFailure, IngestReport
from ingest.settings import Settings
from ingest.store.store import Store
from ingest.web.feeds import Feed, FeedList, now_iso
from ingest.web.fetch import TryLater, fetch
from ingest.web.pages import is_feed, parse_feed
from ingest.web.sources import entry_articles

log = logging.getLogger("byline")

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
MAX_BACKOFF_S = 86400.0
JITTER = 0.1
"""Each feed's next time is spread by ±10%, so feeds added together (often of one host) drift apart."""


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class _FeedFetch:
    """What a worker learnt of one feed; the calling thread stores the articles and saves the state."""

    feed: Feed
    articles: list[Article] = field(default_factory=list)
    report: IngestReport = field(default_factory=IngestReport)
    not_modified: bool = False
    error: str | None = None
    retry_after_s: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    ttl_s: float | None = None


def interval_s(feed: Feed, settings: Settings) -> float:
    base = feed.interval_s or settings.fetching.feed_interval_s
    return max(base, feed.ttl_s or 0.0)


def next_due(feed: Feed, settings: Settings, now: float, retry_after_s: float | None = None) -> float:
    """Success: one interval on. Failure: the interval doubled per failure in a row (at most a day), and never
    before the server's Retry-After."""
    wait = interval_s(feed, settings)
    if feed.failures:
        wait = min(wait * 2 ** (feed.failures - 1), MAX_BACKOFF_S)
    wait *= random.uniform(1 - JITTER, 1 + JITTER)
    return now + max(wait, retry_after_s or 0.0)


def _fetch_feed(feed: Feed, settings: Settings, store: Store, deadline: float) -> _FeedFetch:
    out = _FeedFetch(feed)
    try:
        got = fetch(feed.url, settings, accept=FEED_ACCEPT, etag=feed.etag, last_modified=feed.last_modified)
        out.etag, out.last_modified = got.etag, got.last_modified
        if got.status == 304:
            out.not_modified = True
            return out
        if not is_feed(got):
            raise IngestError(f"{feed.url}: not an RSS or Atom feed; add a single page with Fetch and add instead")
        parsed = parse_feed(got, feed.url)
        out.ttl_s = parsed.ttl_s
        entries = parsed.entries[: settings.fetching.max_feed_entries]
        out.articles = list(entry_articles(entries, settings, store, out.report, deadline))
    except TryLater as err:
        out.error, out.retry_after_s = str(err), err.retry_after_s
    except IngestError as err:
        out.error = str(err)
    except Exception:
        log.info("refreshing the feed %s failed", feed.url, exc_info=True)
        out.error = f"{feed.url}: could not be read (details in the server log)"
    return out


def _by_host(feeds: list[Feed], settings: Settings, store: Store, deadline: float) -> Iterator[list[_FeedFetch]]:
    """Each host's feeds one after another; a few hosts at once."""
    hosts: dict[str, list[Feed]] = defaultdict(list)
    for feed in feeds:
        hosts[urlparse(feed.url).hostname or ""].append(feed)

    def one_host(group: list[Feed]) -> list[_FeedFetch]:
        return [_fetch_feed(f, settings, store, deadline) for f in group]

    workers = max(1, min(settings.fetching.max_concurrent_fetches, len(hosts)))
    with ThreadPoolExecutor(workers, thread_name_prefix="feeds") as pool:
        for done in as_completed([pool.submit(one_host, group) for group in hosts.values()]):
            yield done.result()


def _learnt(got: _FeedFetch, settings: Settings, added: int, now: float) -> Feed:
    feed = got.feed
    if got.error:
        failed = replace(feed, failures=feed.failures + 1, last_error=got.error, last_fetched=now_iso())
        return replace(failed, next_due=next_due(failed, settings, now, got.retry_after_s))
    fresh = replace(
        feed,
        etag=got.etag,
        last_modified=got.last_modified,
        ttl_s=got.ttl_s if not got.not_modified else feed.ttl_s,
        last_fetched=now_iso(),
        failures=0,
        last_error=None,
        entries_added=feed.entries_added + added,
        last_new_entry=now_iso() if added else feed.last_new_entry,
    )
    return replace(fresh, next_due=next_due(fresh, settings, now))


def refresh_feeds(
    settings: Settings,
    store: Store | None = None,
    feeds: FeedList | None = None,
    only_due: bool = False,
    owner: str | None = None,
) -> IngestReport:
    """Refresh the followed feeds (only those due, and not paused, when `only_due`); a feed another process is
    refreshing is left to it. By hand, every feed is refreshed, paused ones too."""
    store = store or Store(settings)
    feeds = feeds or FeedList(settings)
    owner = owner or owner_name()
    now = time.time()
    chosen = [f.url for f in feeds.all() if not only_due or (f.due(now) and not f.paused(settings))]
    held = feeds.take_leases(chosen, owner, now)
    report = IngestReport()
    if len(held) < len(chosen):
        report.notes.append(f"{len(chosen) - len(held)} feed(s) are being refreshed by another process right now; left to it")
    if only_due and not held:
        return report
    deadline = time.monotonic() + settings.fetching.refresh_deadline_s
    for fetched_group in _by_host(held, settings, store, deadline):
        unchanged = []
        for got in fetched_group:
            _merge(report, got.report)
            if got.error:
                report.failed.append(IngestFailure(got.feed.url, got.error))
            if got.error or not got.articles:
                unchanged.append(_learnt(got, settings, 0, time.time()))
                continue
            before = report.added
            try:
                ingest_articles(iter(got.articles), settings, store, report)
            except IngestError as err:
                got.error = str(err)
                report.failed.append(IngestFailure(got.feed.url, got.error))
            feeds.release([_learnt(got, settings, report.added - before, time.time())], owner)  # after its articles
        feeds.release(unchanged, owner)
    return report


def _merge(into: IngestReport, part: IngestReport) -> None:
    into.unchanged += part.unchanged
    into.failed += part.failed
    into.outcomes += part.outcomes
    into.notes += part.notes


class FeedScheduler:
    """`byline serve`'s background job: every `feed_tick_s`, the feeds that are due. One failure never stops it."""

    def __init__(self, settings: Settings, store: Store):
        self.settings, self.store = settings, store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feed-refresh", daemon=True)
        self.rounds = 0

    def start(self) -> FeedScheduler:
        if self.settings.fetching.feed_interval_s > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        feeds = FeedList(self.settings)
        owner = owner_name()
        while not self._stop.is_set():
            try:
                report = refresh_feeds(self.settings, self.store, feeds, only_due=True, owner=owner)
                if report.added or report.failed:
                    log.info("feeds: %d new articles, %d failures", report.added, len(report.failed))
            except Exception:
                log.exception("the feed refresh failed; trying again at the next tick")
            self.rounds += 1
            self._stop.wait(self.settings.fetching.feed_tick_s)
