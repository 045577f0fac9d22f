"""Two `byline serve` replicas and writers on one `chroma run` server, for real: a replica killed mid-catch-up,
a writer killed mid-write, a restart that does not rescan, and in the end every replica answers from the same
articles as the collection holds."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from ingest.settings import Settings
from ingest.store.store import Store

from conftest import RUN_DIR, SAMPLE, SHARED, byline, serve_app

DIES_MID_WRITE = """
import os, sys
from pathlib import Path
from ingest.pipeline import ingest_paths
from ingest.settings import Settings
from ingest.store.store import Store
store = Store(Settings(chroma_url=sys.argv[1], store=Path(sys.argv[2])))
claim = store.changes.append
def append(write_id, phase, article_ids):
    if phase == "end":
        os.kill(os.getpid(), 9)  # the passages are in Chroma; the write's end never is
    return claim(write_id, phase, article_ids)
store.changes.append = append
ingest_paths([Path(sys.argv[3])], store.settings, store=store)
"""

VOLCANO = "Volcano erupts near Grindavik\nThe volcano erupted near Grindavik on Tuesday, Mayor Fannar Jonasson said.\n"


def health(url: str) -> dict:
    with urllib.request.urlopen(f"{url}health", timeout=120) as response:
        return json.loads(response.read())["index"]


def ask(url: str, question: str) -> dict:
    body = json.dumps({"model": "byline", "messages": [{"role": "user", "content": question}]}).encode()
    request = urllib.request.Request(f"{url}v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())["choices"][0]["message"]


def test_replicas_stay_in_step_through_kills_and_restarts(chroma_server, tmp_path):
    flags = ["--chroma-url", chroma_server]
    env = {"BYLINE_FEED_INTERVAL_S": "0", "BYLINE_OPEN_WRITE_TIMEOUT_S": "5"}
    assert byline("ingest", str(SAMPLE), *flags, env={"BYLINE_STORE": str(tmp_path / "w0")}).returncode == 0
    r1, url1 = serve_app(tmp_path / "r1", *flags, env=env)
    r2, url2 = serve_app(tmp_path / "r2", *flags, env=env)
    writer = None
    try:
        assert health(url1)["digest"] == health(url2)["digest"]
        start = health(url1)["log_position"]

        corpus = tmp_path / "news.jsonl"
        lines = (SHARED / "benchmarks" / "squad8" / "corpus.jsonl").read_text().splitlines()[:120]
        corpus.write_text("\n".join(lines) + "\n")
        writer = subprocess.Popen(
            [sys.executable, "-m", "assistant.delivery.cli", "ingest", str(corpus), *flags],
            cwd=RUN_DIR,
            env={**os.environ, "BYLINE_STORE": str(tmp_path / "w1")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 300
        while health(url1)["log_position"] < start + 2 and time.time() < deadline:  # a batch in
            time.sleep(0.2)
        catching_up = threading.Thread(target=lambda: _quietly(health, url1))
        catching_up.start()
        time.sleep(0.05)
        r1.send_signal(signal.SIGKILL)  # killed with a catch-up in flight
        r1.wait(timeout=30)
        catching_up.join()

        volcano = tmp_path / "volcano.txt"
        volcano.write_text(VOLCANO)
        died = subprocess.run(
            [sys.executable, "-c", DIES_MID_WRITE, chroma_server, str(tmp_path / "w2"), str(volcano)],
            cwd=RUN_DIR,
            timeout=300,
        )
        assert died.returncode == -signal.SIGKILL

        r1, url1 = serve_app(tmp_path / "r1", *flags, env=env)  # the same index folder: a restart
        restarted = health(url1)
        assert restarted["last_catch_up"] is not None and not restarted["last_catch_up"]["rebuilt"]

        assert writer.wait(timeout=600) == 0, writer.stderr.read().decode() if writer.stderr else ""
        time.sleep(5.5)  # the dead writer's write is taken as ended
        truth = Store(Settings(chroma_url=chroma_server, store=tmp_path / "check"))
        expected = truth.replica.current()
        seen = [health(url1), health(url2)]
        for state in seen:
            assert state["passages"] == truth.count() == len(expected.lexical)
            assert state["digest"] == expected.digest() and state["writes_in_flight"] == 0
        assert not seen[1]["last_catch_up"]["rebuilt"]  # the replica never killed caught up by the change only

        for url in (url1, url2):
            answer = ask(url, "Where did the volcano erupt?")
            assert "Grindavik" in answer["content"] and any(
                c["title"] == "Volcano erupts near Grindavik" for c in answer["citations"]
            ), answer
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
        for proc in (r1, r2):
            proc.terminate()
            proc.wait(timeout=60)


def _quietly(call, *args) -> None:
    with contextlib.suppress(OSError):
        call(*args)
