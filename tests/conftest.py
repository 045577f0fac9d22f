"""Shared fixtures. Everything is real: Chroma on disk, the packaged embedding model, the local chat model."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "us-mediates-ceasefire-talks.txt"
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "artifacts"
RUN_DIR = Path(tempfile.mkdtemp(prefix="byline-tests-"))
"""Working folder of every command a test starts: no stray `.env`, and any default store lands here."""

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
for _key in [k for k in os.environ if k.startswith("BYLINE_")]:
    del os.environ[_key]  # commands the tests start inherit a clean environment too


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch):
    """Every test's settings come from its own arguments: no BYLINE_* variable and no `.env` file leaks in."""
    from ingest.settings import Settings

    for key in [k for k in os.environ if k.startswith("BYLINE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setitem(Settings.model_config, "env_file", None)


class FakeEmbedder:
    """Hashed bag-of-words vectors: for tests of control flow where the real MiniLM adds only load time."""

    name = "fake-hashing"
    dimension = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture
def fake_embedder(monkeypatch):
    """Ingest with FakeEmbedder instead of MiniLM."""
    embedder = FakeEmbedder()
    monkeypatch.setattr("ingest.pipeline.get_embedder", lambda *args, **kwargs: embedder)
    return embedder


@pytest.fixture
def settings(tmp_path):
    from ingest.settings import Settings

    return Settings(store=tmp_path / "store")


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory):
    """A store holding only the sample article, shared by the answer tests (read-only for them)."""
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    settings = Settings(store=tmp_path_factory.mktemp("sample") / "store")
    report = ingest_paths([SAMPLE], settings)
    assert report.ok and report.added == 1
    return settings


@pytest.fixture(scope="session")
def local_assistant(sample_settings):
    """The real assistant with the real local model, loaded once for the session."""
    from assistant.core.assistant import Assistant

    return Assistant(sample_settings)


@pytest.fixture(scope="session")
def local_chat_model(sample_settings):
    """The bundled local model behind LangChain's interface, for tests that read its probabilities."""
    from assistant.models.chat_models import LocalChatModel, make_chat_model

    chat, _ = make_chat_model(sample_settings)
    assert isinstance(chat, LocalChatModel)
    return chat


def outlet_store(folder: Path, articles: list[tuple[str, str, str, str, str]]) -> Settings:
    """A store of short articles, each (id, outlet, date, title, text), ingested from one JSON Lines file."""
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    corpus = folder / "news.jsonl"
    rows = [{"id": i, "source": o, "published_at": d, "title": t, "text": x} for i, o, d, t, x in articles]
    corpus.write_text("\n".join(json.dumps(r) for r in rows))
    settings = Settings(store=folder / "store")
    assert ingest_paths([corpus], settings).added == len(articles)
    return settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


def byline(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real `byline` command as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.delivery.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=RUN_DIR,
        env={**os.environ, **(env or {})},
    )


def served(command: list[str], port: int, url: str, timeout: float = 60.0):
    """A server process on loopback for as long as the caller holds it: `url` once its port answers."""
    proc = subprocess.Popen(command, cwd=RUN_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, timeout, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    yield from served(command, port, f"http://127.0.0.1:{port}")


def serve_app(store: Path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`byline serve` on a free loopback port, as a user starts it; returns the process and its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.delivery.cli", "serve", "--store", str(store), "--port", str(port), *extra],
        cwd=RUN_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
    )
    wait_for_port(port, 180, proc)
    return proc, f"http://127.0.0.1:{port}/"


from ui_kit import app_url, browser, page, phone  # noqa: E402, F401  (the browser tests' fixtures, shared)
