"""Pages and feeds from a real HTTP server on loopback: what goes in, what is refused and why."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.pipeline import ingest_urls
from ingest.settings import Settings
from ingest.store.store import Store
from ingest.web.fetch import FetchError, check_url, fetch

from conftest import byline

BODY = "The harbour of Port Elin reopened on Tuesday after three weeks of repairs, the port authority said. " * 3


def page(title: str, body: str, site: str = "Harbour Times", date: str = "2026-11-20") -> bytes:
    return (
        f"<html><head><title>{title} | {site}</title><meta property='og:site_name' content='{site}'>"
        f"<meta name='author' content='Ana Ruiz'><meta property='article:published_time' content='{date}T09:00:00Z'>"
        f"</head><body><nav>Home News Sport</nav><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
        "</body></html>"
    ).encode()


class Site(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the slow page)
            self.wfile.write(body)

    def do_GET(self):
        Site.hits.append(self.path)
        host = f"http://{self.headers['Host']}"
        if self.path == "/harbour.html":
            self.send(200, page("Port Elin harbour reopens", BODY))
        elif self.path == "/bridge.html":
            self.send(
                200,
                page(
                    "Bridge repairs start",
                    "Engineers began repairs on the Elin bridge on Monday, the mayor said. " * 4,
                    date="2026-11-22",
                ),
            )
        elif self.path == "/feed.xml":
            items = "".join(
                f"<item><title>{t}</title><link>{host}{p}</link><pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate></item>"
                for t, p in (("Harbour", "/harbour.html"), ("Bridge", "/bridge.html"), ("Gone", "/gone.html"))
            )
            self.send(
                200,
                f"<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour Times</title>{items}</channel></rss>".encode(),
                "application/rss+xml",
            )
        elif self.path == "/atom.xml":
            self.send(
                200,
                f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><entry><title>Bridge</title>"
                f"<link href='{host}/bridge.html'/><updated>2026-11-22T09:00:00Z</updated></entry></feed>".encode(),
                "application/atom+xml",
            )
        elif self.path == "/moved":
            self.send(301, b"", headers={"Location": "/harbour.html"})
        elif self.path == "/loop":
            self.send(302, b"", headers={"Location": "/loop"})
        elif self.path == "/to-internal":
            self.send(302, b"", headers={"Location": f"http://localhost:{self.server.server_port}/secret"})
        elif self.path == "/slow":
            time.sleep(3)
            self.send(200, page("Slow", BODY))
        elif self.path == "/huge":
            self.send(200, b"<html><body><p>" + b"x" * 2_500_000 + b"</p></body></html>")
        elif self.path == "/photo.png":
            self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        elif self.path == "/empty.html":
            self.send(200, b"<html><head><title>Index</title></head><body><nav><a href='/a'>A</a></nav></body></html>")
        else:
            self.send(404, b"not found")


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def settings(tmp_path):
    return Settings(store=tmp_path / "store", allow_private_urls=True, fetch_timeout_s=1.0, max_fetch_mb=1.0)


def test_a_feed_brings_in_its_entries_once(site, settings):
    report = ingest_urls([f"{site}/feed.xml"], settings)
    assert (report.added, report.unchanged, len(report.failed)) == (2, 0, 1)
    assert "/gone.html" in report.failed[0].error and "HTTP 404" in report.failed[0].error
    assert {(o.source.removeprefix(site), o.status) for o in report.outcomes} == {
        ("/harbour.html", "added"),
        ("/bridge.html", "added"),
    }
    stored = {a.id: a for a in Store(settings).articles()}
    expected = {
        "/harbour.html": ("Port Elin harbour reopens", "2026-11-20"),
        "/bridge.html": ("Bridge repairs start", "2026-11-22"),
    }
    for path, (title, date) in expected.items():
        article = stored[f"{site}{path}"]
        assert article.title == title and (article.published_at or "").startswith(date)
        passage = Store(settings).article_passages(article.id)[0]
        assert (passage.outlet, passage.author, passage.url) == ("Harbour Times", "Ana Ruiz", f"{site}{path}")

    Site.hits.clear()
    again = ingest_urls([f"{site}/feed.xml", f"{site}/atom.xml"], settings)
    assert (again.added, again.unchanged) == (0, 3)  # two RSS entries and the Atom one, none fetched again
    assert "/harbour.html" not in Site.hits and "/bridge.html" not in Site.hits


def test_a_page_by_itself_is_fetched_and_compared(site, settings):
    first = ingest_urls([f"{site}/harbour.html", f"{site}/moved"], settings)
    assert first.added == 2 and first.ok  # the redirect is followed; its article keeps the link asked for
    second = ingest_urls([f"{site}/harbour.html"], settings)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/nowhere", "HTTP 404"),
        ("/loop", "more than 5 redirects"),
        ("/slow", "no answer within 1 s"),
        ("/huge", "over the 1.0 MB limit"),
        ("/photo.png", "not an HTML page or a feed (the server says image/png)"),
        ("/empty.html", "no article text found"),
    ],
)
def test_each_failure_is_named_and_the_rest_go_in(site, settings, path, words):
    report = ingest_urls([f"{site}{path}", f"{site}/bridge.html"], settings)
    assert report.added == 1, report.failed
    (failure,) = report.failed
    assert failure.error.startswith(f"{site}{path}: ") and words in failure.error, failure.error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/admin",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://192.168.0.10/",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "javascript:alert(1)",
    ],
)
def test_internal_addresses_and_other_schemes_are_refused(url):
    with pytest.raises(FetchError) as err:
        check_url(url, allow_private=False)
    assert url in str(err.value)


def test_a_redirect_to_an_internal_address_is_refused(site, settings, monkeypatch):
    """Every hop is checked: the loopback test server stands in for a public host, `localhost` for an internal one."""
    import ingest.web.fetch

    def policy(url, allow_private):
        if "//localhost" in url:
            raise FetchError(f"{url}: internal")

    monkeypatch.setattr(ingest.web.fetch, "check_url", policy)
    Site.hits.clear()
    with pytest.raises(FetchError, match="internal"):
        fetch(f"{site}/to-internal", settings)
    assert "/secret" not in Site.hits


def test_private_urls_are_refused_unless_allowed(site, tmp_path):
    report = ingest_urls([f"{site}/harbour.html"], Settings(store=tmp_path / "store"))
    assert report.added == 0 and "BYLINE_ALLOW_PRIVATE_URLS=1" in report.failed[0].error


def test_cli_ingest_and_feeds(site, tmp_path):
    store = ["--store", str(tmp_path / "store")]
    out = byline("ingest", f"{site}/bridge.html", f"{site}/nowhere", "--allow-private-urls", *store)
    assert out.returncode == 1 and "added" in out.stdout and f"{site}/nowhere: the server answered HTTP 404" in out.stderr
    assert byline("feeds", "add", f"{site}/feed.xml", "--name", "Harbour", *store).returncode == 0
    (listed,) = json.loads(byline("feeds", "list", "--json", *store).stdout)
    assert (listed["url"], listed["name"], listed["last_fetched"], listed["paused"]) == (
        f"{site}/feed.xml",
        "Harbour",
        None,
        False,
    )
    refreshed = byline("feeds", "refresh", "--allow-private-urls", *store)
    assert "added    " in refreshed.stdout and "unchanged" in refreshed.stdout  # the bridge page was already in
    status = byline("feeds", "list", *store).stdout
    assert "last fetched just now" in status and "1 entry added" in status
    assert byline("feeds", "remove", f"{site}/feed.xml", *store).returncode == 0
    assert "No feeds yet" in byline("feeds", "list", *store).stdout
