"""Who may reach a running `byline serve`, over loopback with real HTTP: host names (DNS rebinding), /v1 under
--auth, the Bearer scheme, braked wrong keys, a login posted from another site, and /v1 answers whose client left."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import SAMPLE, serve_app

pytestmark = pytest.mark.slow


def request(base: str, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    root = tmp_path_factory.mktemp("guarded")
    proc, url = serve_app(root / "store", "--auth", "editor:s3cret", "--api-key", "K3Y")
    yield url.rstrip("/")
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def open_ui(tmp_path_factory):
    root = tmp_path_factory.mktemp("open")
    proc, url = serve_app(root / "store", "--auth", "editor:s3cret")
    yield url.rstrip("/")
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.parametrize("path", ["/", "/v1/models", "/gradio_api/info", "/config"])
def test_a_foreign_host_name_is_refused_on_every_route(guarded, path):
    port = urllib.parse.urlparse(guarded).port
    status, _, body = request(guarded, "GET", path, {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"})
    assert status == 400 and b"not served here" in body
    assert (
        request(
            guarded,
            "POST",
            "/gradio_api/run/delete_article",
            {"Host": f"evil.example:{port}", "Content-Type": "application/json"},
            b"{}",
        )[0]
        == 400
    )
    for name in ("127.0.0.1", "localhost"):
        assert request(guarded, "GET", "/v1/models", {"Host": f"{name}:{port}", "Authorization": "Bearer K3Y"})[0] == 200


def test_the_bearer_scheme_in_any_case_and_wrong_keys_braked(guarded):
    assert request(guarded, "GET", "/v1/models", {"Authorization": "bearer K3Y"})[0] == 200
    assert request(guarded, "GET", "/v1/models", {"Authorization": "BEARER K3Y"})[0] == 200
    codes = [request(guarded, "GET", "/v1/models", {"Authorization": f"Bearer wrong-{n}"})[0] for n in range(12)]
    assert codes[:5] == [401] * 5 and 429 in codes
    status, _, body = request(guarded, "GET", "/v1/models", {"Authorization": "Bearer K3Y"})
    assert status == 429 and json.loads(body)["error"]["code"] == "too_many_wrong_keys"


def test_under_auth_the_api_needs_a_login_when_there_is_no_key(open_ui):
    status, _, body = request(open_ui, "GET", "/v1/models")
    assert status == 401 and json.loads(body)["error"]["code"] == "login_required"
    form = urllib.parse.urlencode({"username": "editor", "password": "s3cret"}).encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = request(open_ui, "POST", "/login", form_headers, form)
    assert status == 200
    cookie = headers["set-cookie"].split(";")[0]
    assert request(open_ui, "GET", "/v1/models", {"Cookie": cookie})[0] == 200


def test_a_login_posted_from_another_site_is_refused(open_ui):
    form = urllib.parse.urlencode({"username": "editor", "password": "wrong"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"}
    assert request(open_ui, "POST", "/login", headers, form)[0] == 403
    headers["Origin"] = urllib.parse.urlparse(open_ui)._replace(path="").geturl()
    assert request(open_ui, "POST", "/login", headers, form)[0] == 400  # its own page: a wrong password, no brake yet


class SlowUpstream(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that streams one token every 0.3 s for 30 s, noting when each stream started and
    when its client hung up."""

    streams: list[dict] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        stream = {"started": time.monotonic(), "hung_up": None}
        SlowUpstream.streams.append(stream)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for _ in range(100):
                delta = {"role": "assistant", "content": " Vance"}
                chunk = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            stream["hung_up"] = time.monotonic()


def test_an_abandoned_api_request_stops_generating(tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), SlowUpstream)
    upstream.daemon_threads = True
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    settings = Settings(store=tmp_path / "store")
    ingest_paths([SAMPLE], settings, show_progress=False)
    env = {
        "BYLINE_BACKEND": "openai",
        "BYLINE_OPENAI_BASE_URL": f"http://127.0.0.1:{upstream.server_address[1]}/v1",
        "BYLINE_ANSWER_CHECK": "0",
        "BYLINE_SENTENCE_CHOICE": "0",  # this upstream streams every reply, a one-token choice too
    }
    proc, url = serve_app(settings.store.path, env=env)
    base = urllib.parse.urlparse(url)
    body = json.dumps({"model": "byline", "messages": [{"role": "user", "content": "What did Vance say about the stalemate?"}]})
    try:
        time.sleep(2)  # the server's warm-up call to the backend is not one of ours
        for _ in range(3):  # three clients that give up after 3 s, one after another
            before = len(SlowUpstream.streams)
            sock = socket.create_connection((base.hostname, base.port), timeout=10)
            sock.sendall(
                f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{base.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
            )
            time.sleep(3)
            sock.close()
            gave_up = time.monotonic()
            ours = SlowUpstream.streams[before:]
            assert ours, "the question never reached the backend"
            while any(s["hung_up"] is None for s in ours) and time.monotonic() < gave_up + 10:
                time.sleep(0.2)
            assert all(s["hung_up"] is not None and s["hung_up"] - gave_up < 5 for s in ours), "generation went on"
        assert request(url.rstrip("/"), "GET", "/v1/models")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        upstream.shutdown()
