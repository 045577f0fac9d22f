"""Feeds that refresh themselves, politely (issue 26): conditional GET against a real HTTP server on loopback that
changes its feeds, counting requests, bytes and 304s; Retry-After, backoff and pausing; the feed's ttl; leases
between processes; the background job; and a refresh killed half way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer

import pytest
from test_web_ingest import Site

from conftest import RUN_DIR

WORDS = "The harbour authority said on Monday that repairs to the quay would take three more weeks. " * 3


class FeedSite(Site):
    """Feeds /feed/N.xml whose entries a test adds to; pages /page/ID.html. Counts what it serves."""

    entries: dict[int, list[str]] = {}
    versions: Counter = Counter()
    only_last_modified: set[int] = set()
    busy: set[int] = set()
    ttl: dict[int, int] = {}
    slow_pages: set[str] = set()
    hits: Counter = Counter()
    sent_bytes = 0
    not_modified = 0
    validators_seen: list[tuple[int, str | None, str | None]] = []

    def _send(self, status: int, body: bytes = b"", kind: str = "text/html; charset=utf-8", headers: dict | None = None):
        self.send(status, body, kind, headers)
        FeedSite.sent_bytes += len(body)

    def do_GET(self):
        FeedSite.hits[self.path] += 1
        host = f"http://{self.headers['Host']}"
        if self.path.startswith("/feed/"):
            n = int(self.path.split("/")[2].split(".")[0])
            if n in FeedSite.busy:
                self._send(503, b"busy", headers={"Retry-After": "120"})
                return
            version = FeedSite.versions[n]
            etag, modified = f'"f{n}-v{version}"', f"Mon, 0{1 + version % 9} Dec 2026 10:00:00 GMT"
            headers = (
                {"Last-Modified": modified} if n in FeedSite.only_last_modified else {"ETag": etag, "Last-Modified": modified}
            )
            given = (self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
            FeedSite.validators_seen.append((n, *given))
            if (n not in FeedSite.only_last_modified and given[0] == etag) or (
                n in FeedSite.only_last_modified and given[1] == modified
            ):
                FeedSite.not_modified += 1
                self._send(304, headers=headers)
                return
            ttl = f"<ttl>{FeedSite.ttl[n]}</ttl>" if n in FeedSite.ttl else ""
            items = "".join(f"<item><title>{e}</title><link>{host}/page/{e}.html</link></item>" for e in FeedSite.entries[n])
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {n}</title>{ttl}{items}</channel></rss>"
            self._send(200, body.encode(), "application/rss+xml", headers)
        elif self.path.startswith("/page/"):
            name = self.path.split("/")[2].removesuffix(".html")
            if name in FeedSite.slow_pages:
                time.sleep(1.0)
            html = f"<html><head><title>Story {name}</title></head><body><article><h1>Story {name}</h1><p>{name}: {WORDS}</p></article></body></html>"
            self._send(200, html.encode())
        else:
            self._send(404, b"no")


@pytest.fixture
def site():
    FeedSite.entries, FeedSite.versions = {}, Counter()
    FeedSite.only_last_modified, FeedSite.busy, FeedSite.ttl, FeedSite.slow_pages = set(), set(), {}, set()
    FeedSite.hits, FeedSite.sent_bytes, FeedSite.not_modified, FeedSite.validators_seen = Counter(), 0, 0, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _settings(tmp_path, **extra):
    from ingest.settings import Settings

    return Settings(store=tmp_path / "store", allow_private_urls=True, **extra)


def _follow(settings, site: str, feeds: dict[int, list[str]]):
    from ingest.web.feeds import FeedList

    FeedSite.entries.update(feeds)
    followed = FeedList(settings)
    for n in feeds:
        followed.add(f"{site}/feed/{n}.xml")
    return followed


def _add_entry(n: int, name: str) -> None:
    FeedSite.entries[n].append(name)
    FeedSite.versions[n] += 1


def test_unchanged_feeds_cost_one_request_and_nothing_is_stored_twice(site, tmp_path, fake_embedder):
    from ingest.refresh import refresh_feeds
    from ingest.store.store import Store

    settings = _settings(tmp_path)
    FeedSite.only_last_modified = {4}
    feeds = _follow(settings, site, {n: [f"s{n}a", f"s{n}b"] for n in range(5)})
    store = Store(settings)
    first = refresh_feeds(settings, store, feeds)
    assert first.added == 10 and not first.failed
    polls = changed = 0
    for round_ in range(10):
        if round_ in (3, 6):
            _add_entry(round_ % 5, f"new{round_}")
            changed += 1
        before = FeedSite.not_modified
        report = refresh_feeds(settings, store, feeds)
        polls += 5
        assert not report.failed
        assert FeedSite.not_modified - before >= 5 - (1 if round_ in (3, 6) else 0)
    unchanged_polls = polls - changed
    share_304 = FeedSite.not_modified / unchanged_polls
    ids = [a.id for a in store.articles()]
    print(
        f"\n{polls} polls, {changed} changed, {FeedSite.not_modified} answered 304 ({share_304:.0%} of unchanged polls), "
        f"{FeedSite.sent_bytes} bytes served, {sum(FeedSite.hits.values())} requests"
    )
    assert share_304 >= 0.8 and len(ids) == len(set(ids)) == 12
    assert all(FeedSite.hits[f"/page/{e}.html"] == 1 for n in range(5) for e in FeedSite.entries[n])  # each page once
    sent = FeedSite.validators_seen
    assert all(etag is None for n, etag, _ in sent if n == 4)  # feed 4 gives no ETag: none is made up
    assert (4, None, "Mon, 01 Dec 2026 10:00:00 GMT") in sent  # its date sent back exactly as given
    assert (0, '"f0-v0"', "Mon, 01 Dec 2026 10:00:00 GMT") in sent
    assert all(f.entries_added == (3 if n in (3, 1) else 2) for n, f in enumerate(feeds.all()))


def test_a_busy_server_is_left_alone_and_five_failures_pause_a_feed(site, tmp_path, fake_embedder):
    from ingest.refresh import refresh_feeds

    settings = _settings(tmp_path, feed_interval_s=60.0)
    feeds = _follow(settings, site, {0: ["b0"]})
    FeedSite.busy = {0}
    t0 = time.time()
    report = refresh_feeds(settings, feeds=feeds, only_due=True)
    (feed,) = feeds.all()
    assert "busy (HTTP 503)" in report.failed[0].error and feed.failures == 1
    assert feed.next_due >= t0 + 120  # Retry-After beats the 60 s interval
    assert refresh_feeds(settings, feeds=feeds, only_due=True).failed == []  # not due: not even asked
    assert FeedSite.hits["/feed/0.xml"] == 1
    for _ in range(4):
        refresh_feeds(settings, feeds=feeds)  # by hand
    (feed,) = feeds.all()
    assert feed.paused(settings) and "paused after 5 failures" in feed.status(settings)
    FeedSite.busy = set()
    hits = FeedSite.hits["/feed/0.xml"]
    refresh_feeds(settings, feeds=feeds, only_due=True)
    assert FeedSite.hits["/feed/0.xml"] == hits  # a paused feed waits for a person
    refresh_feeds(settings, feeds=feeds)
    (feed,) = feeds.all()
    assert feed.failures == 0 and not feed.paused(settings) and feed.entries_added == 1


def test_backoff_doubles_per_failure_and_the_feed_ttl_is_honoured(site, tmp_path, fake_embedder):
    from ingest.refresh import next_due, refresh_feeds
    from ingest.web.feeds import Feed

    settings = _settings(tmp_path, feed_interval_s=60.0)
    waits = [next_due(Feed("u", failures=n), settings, 0.0) for n in range(1, 5)]
    assert all(0.9 * 60 * 2**n <= w <= 1.1 * 60 * 2**n for n, w in enumerate(waits))
    FeedSite.ttl = {0: 90}  # minutes
    feeds = _follow(settings, site, {0: ["t0"]})
    t0 = time.time()
    refresh_feeds(settings, feeds=feeds)
    (feed,) = feeds.all()
    assert feed.ttl_s == 5400 and feed.next_due >= t0 + 0.9 * 5400


def test_only_one_process_refreshes_a_feed_at_a_time_and_a_dead_ones_lease_expires(site, tmp_path):
    from ingest.web.feeds import FeedList

    settings = _settings(tmp_path, feed_lease_s=60.0)
    feeds = _follow(settings, site, {0: ["l0"], 1: ["l1"]})
    urls = [f.url for f in feeds.all()]
    now = time.time()
    assert [f.url for f in feeds.take_leases(urls, "replica-a", now)] == urls
    other = FeedList(settings)  # another process on the same store
    assert other.take_leases(urls, "replica-b", now + 30) == []
    assert [f.url for f in other.take_leases(urls, "replica-b", now + 61)] == urls  # a's lease ran out
    feeds.release([feeds.get(urls[0])], "replica-a")  # too late: b holds it now, and a writes nothing
    assert other.get(urls[0]).lease_owner == "replica-b"


def test_the_background_job_takes_new_entries_without_a_click(site, tmp_path, fake_embedder):
    from ingest.refresh import FeedScheduler
    from ingest.store.store import Store

    settings = _settings(tmp_path, feed_interval_s=1.0, feed_tick_s=0.3)
    _follow(settings, site, {0: ["g0"]})
    store = Store(settings)
    scheduler = FeedScheduler(settings, store).start()
    try:
        deadline = time.time() + 30
        while time.time() < deadline and len(store.articles()) < 1:
            time.sleep(0.2)
        _add_entry(0, "g1")
        while time.time() < deadline and len(store.articles()) < 2:
            time.sleep(0.2)
    finally:
        scheduler.stop()
    assert sorted(a.title for a in store.articles()) == ["Story g0", "Story g1"]


def _refresh_command(settings) -> list[str]:
    return [sys.executable, "-m", "ingest", "feeds", "refresh", "--allow-private-urls", "--store", str(settings.store.path)]


def test_a_refresh_killed_half_way_stores_nothing_by_halves_and_the_next_completes_it(site, tmp_path):
    from ingest.store.store import Store

    settings = _settings(tmp_path)
    fast, slow = [f"k{n}" for n in range(3)], [f"z{n}" for n in range(6)]
    FeedSite.slow_pages = set(slow)
    _follow(settings, site, {0: fast, 1: slow})
    proc = subprocess.Popen(_refresh_command(settings), cwd=RUN_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and FeedSite.hits["/page/z2.html"] == 0:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)  # while the slow feed's pages are still arriving
    proc.wait(timeout=30)
    stored = {a.title: a.passages for a in Store(settings).articles()}
    assert set(stored) <= {f"Story {e}" for e in fast}  # the slow feed's entries: none yet, none by halves
    done = subprocess.run(_refresh_command(settings), cwd=RUN_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    articles = Store(settings).articles()
    assert sorted(a.title for a in articles) == sorted(f"Story {e}" for e in fast + slow)
    for article in articles:  # what the killed run stored is whole
        assert stored.get(article.title, article.passages) == article.passages


def test_fifty_unchanged_feeds_refresh_quickly(site, tmp_path, fake_embedder):
    """A figure, not a limit (machines differ): the time of one refresh of 50 feeds that all answer 304."""
    from ingest.refresh import refresh_feeds

    settings = _settings(tmp_path)
    feeds = _follow(settings, site, {n: [f"p{n}"] for n in range(50)})
    refresh_feeds(settings, feeds=feeds)
    before = FeedSite.not_modified
    t0 = time.perf_counter()
    report = refresh_feeds(settings, feeds=feeds)
    seconds = time.perf_counter() - t0
    print(f"\n50 feeds, all 304: {seconds:.2f} s")
    assert FeedSite.not_modified - before == 50 and report.added == 0 and not report.failed
