"""The fetcher against hostile servers on loopback: compression bombs, a resolver that changes its answer, a body
that trickles, IPv6 forms that carry a loopback address."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ingest.web.fetch as fetch_module
from ingest.settings import Settings
from ingest.web.fetch import FetchError, check_url, embedded_ipv4, fetch

BOMB = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 KB on the wire, 200 MB inflated
PAGE = b"<html><body><p>The harbour reopened on Tuesday.</p></body></html>"


class Hostile(BaseHTTPRequestHandler):
    hits: list[str] = []
    name = "internal"

    def log_message(self, *args):
        pass

    def send(self, body: bytes, encoding: str | None = None):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self):
        Hostile.hits.append(f"{self.name}{self.path} Host={self.headers['Host']} AE={self.headers['Accept-Encoding']}")
        if self.path == "/gzip-bomb":
            self.send(BOMB, "gzip")
        elif self.path == "/stacked":
            self.send(gzip.compress(gzip.compress(PAGE)), "gzip, gzip")
        elif self.path == "/brotli":
            self.send(b"\x1b\x00", "br")
        elif self.path == "/deflate-bomb":
            self.send(zlib.compress(b"\0" * 50_000_000, 9), "deflate")
        elif self.path == "/raw-deflate":
            packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            self.send(packer.compress(PAGE) + packer.flush(), "deflate")
        elif self.path == "/gzip":
            self.send(gzip.compress(PAGE), "gzip")
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(30):
                    self.wfile.write(b"<p>x</p>")
                    self.wfile.flush()
                    time.sleep(0.5)
        else:
            self.send(f"<html><body><p>{self.name} page</p></body></html>".encode())


class Public(Hostile):
    name = "public"


def _serve(handler, host: str = "127.0.0.1"):
    server = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def hostile():
    server = _serve(Hostile)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def settings(**extra) -> Settings:
    return Settings(**{"allow_private_urls": True, "fetch_timeout_s": 2.0, "max_fetch_mb": 10.0, **extra})


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb"])
def test_a_compression_bomb_stops_at_the_cap_in_little_memory(hostile, path):
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"over the 10.0 MB limit"):
            fetch(f"{hostile}{path}", settings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000_000, f"peak {peak / 1e6:.0f} MB"
    assert Hostile.hits[-1].endswith("AE=gzip, deflate")


def test_stacked_and_unknown_encodings_are_refused_by_name(hostile):
    with pytest.raises(FetchError, match=r"stacked encodings \(gzip, gzip\)"):
        fetch(f"{hostile}/stacked", settings())
    with pytest.raises(FetchError, match="sent br, which Byline does not accept"):
        fetch(f"{hostile}/brotli", settings())


@pytest.mark.parametrize("path", ["/gzip", "/raw-deflate"])
def test_ordinary_compressed_pages_still_read(hostile, path):
    assert fetch(f"{hostile}{path}", settings()).body == PAGE


def test_a_trickling_body_meets_the_deadline(hostile):
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"still arriving after 2 s"):
        fetch(f"{hostile}/trickle", settings(fetch_deadline_s=2.0))
    assert time.monotonic() - started < 5


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """A resolver that answers a 'public' address to the check and the internal one after (DNS rebinding): the
    fetch must connect to the address checked. 127.0.0.2 stands in for the public host; nothing leaves loopback."""
    internal = _serve(Hostile, "127.0.0.1")
    port = internal.server_port
    public = ThreadingHTTPServer(("127.0.0.2", port), Public)
    threading.Thread(target=public.serve_forever, daemon=True).start()
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(fetch_module, "is_public", lambda address: str(address) == "127.0.0.2")
    Hostile.hits.clear()
    try:
        got = fetch(f"http://news.example:{port}/story", settings(allow_private_urls=False))
    finally:
        internal.shutdown()
        public.shutdown()
    assert b"public page" in got.body and got.url == f"http://news.example:{port}/story"
    assert [h for h in Hostile.hits if h.startswith("internal")] == []
    assert any(h.startswith(f"public/story Host=news.example:{port}") for h in Hostile.hits)


@pytest.mark.parametrize(
    "url", ["http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/", "http://[::ffff:127.0.0.1]/"]
)
def test_ipv6_forms_of_loopback_are_refused(url):
    with pytest.raises(FetchError, match="private, loopback or reserved"):
        check_url(url, allow_private=False)


def test_embedded_ipv4_forms():
    import ipaddress

    assert str(embedded_ipv4(ipaddress.ip_address("64:ff9b::7f00:1"))) == "127.0.0.1"
    assert str(embedded_ipv4(ipaddress.ip_address("2002:7f00:1::1"))) == "127.0.0.1"
    assert embedded_ipv4(ipaddress.ip_address("2606:4700::1111")) is None


class Feeds(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        host = f"http://{self.headers['Host']}"
        if self.path == "/bad-entry.xml":
            links = ["http://127.0.0.1:99999/x", f"{host}/story-1", "ftp://example.org/x", f"{host}/story-2"]
        elif self.path == "/huge.xml":
            links = [f"{host}/story-{n}" for n in range(1, 60)]
        else:
            n = self.path.rsplit("-", 1)[-1]
            text = f"Story {n} reports the harbour reopened on Tuesday, the port said. " * 4
            body = f"<html><head><title>Story {n}</title></head><body><article><p>{text}</p></article></body></html>"
            return self._send(body.encode(), "text/html")
        items = "".join(f"<item><title>E{i}</title><link>{link}</link></item>" for i, link in enumerate(links))
        self._send(
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{items}</channel></rss>".encode(),
            "application/rss+xml",
        )

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def feeds():
    server = _serve(Feeds)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_one_bad_feed_entry_fails_alone(feeds, tmp_path):
    from ingest.pipeline import ingest_urls

    report = ingest_urls([f"{feeds}/bad-entry.xml"], settings(store=tmp_path / "store"), show_progress=False)
    assert report.added == 2
    assert {f.path for f in report.failed} == {"http://127.0.0.1:99999/x", "ftp://example.org/x"}
    assert any("port is not a number" in f.error for f in report.failed)


def test_a_huge_feed_is_cut_and_a_refresh_has_a_deadline(feeds, tmp_path):
    from ingest.pipeline import ingest_urls

    capped = settings(store=tmp_path / "store", max_feed_entries=5)
    report = ingest_urls([f"{feeds}/huge.xml"], capped, show_progress=False)
    assert report.added == 5 and report.notes == [
        f"{feeds}/huge.xml: 59 entries; the first 5 were taken (BYLINE_MAX_FEED_ENTRIES)"
    ]
    late = ingest_urls([f"{feeds}/huge.xml"], settings(store=tmp_path / "late", refresh_deadline_s=0.0), show_progress=False)
    assert late.added == 0 and "the refresh ran past 0 s" in late.failed[0].error
