"""Backend faults, for real over loopback: a server that never answers, and one that dies mid-stream."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core.assistant import Assistant


class _Server:
    """A loopback HTTP server with one behaviour, stopped after the test."""

    def __init__(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _Silent(BaseHTTPRequestHandler):
    def do_POST(self):  # reads the request, then says nothing until the client gives up
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        threading.Event().wait(8)

    def log_message(self, *args):
        pass


class _DiesMidStream(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Vance said"}, "finish_reason": None}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    "handler,expected",
    [(_Silent, "timed out"), (_DiesMidStream, "stream ended before the answer was finished")],
    ids=["slow", "mid-stream"],
)
def test_backend_faults_keep_passages_and_the_next_question_works(sample_settings, handler, expected):
    server = _Server(handler)
    try:
        settings = sample_settings.with_overrides(backend="openai", openai_base_url=server.url, request_timeout_s=2)
        answer = Assistant(settings).ask("What did Vance say?")
        assert answer.error and "BYLINE_OPENAI_BASE_URL" in answer.error and expected in answer.error
        assert "Error:" not in answer.error and "Error(" not in answer.error  # no exception class names
        assert answer.answer.startswith("Could not generate an answer") and not answer.citations
        assert any("Vance" in s.text for s in answer.sources)
    finally:
        server.close()
    working = Assistant(sample_settings, chat_model=FakeListChatModel(responses=["Vance saw a stalemate [1]."]))
    assert working.ask("What did Vance say?").citations


def test_locked_store_still_answers(sample_settings):
    """A second process holding the store (another Byline, an ingest) does not stop questions."""
    import sqlite3

    lock = sqlite3.connect(sample_settings.store.path / "chroma.sqlite3", timeout=1)
    lock.execute("BEGIN IMMEDIATE")  # a writer holds the database
    try:
        answer = Assistant(sample_settings, chat_model=FakeListChatModel(responses=["Vance saw a stalemate [1]."])).ask(
            "What did Vance say?"
        )
        assert answer.citations
    finally:
        lock.rollback()
        lock.close()
