"""The store against a real `chroma run` server, and an ingest killed mid-way then restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from ingest.store.store import Store

from conftest import RUN_DIR, SAMPLE, SHARED, byline, free_port


def test_ingest_and_search_through_a_chroma_server(chroma_server, tmp_path):
    flags = ["--chroma-url", chroma_server]
    env = {"BYLINE_STORE": str(tmp_path / "local")}
    first = byline("ingest", str(SAMPLE), "--json", *flags, env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 1
    assert json.loads(byline("ingest", str(SAMPLE), "--json", *flags, env=env).stdout)["unchanged"] == 1
    listed = json.loads(byline("articles", "--json", *flags, env=env).stdout)
    assert listed[0]["title"].startswith("US President seeks")

    from assistant.core.retrieval import HybridSearch
    from ingest.settings import Settings

    search = HybridSearch(Settings(chroma_url=chroma_server, store=tmp_path / "local"))
    top = search.retrieve("Amnesty International undesirable organization", k=3)
    assert "Amnesty International" in top[0].text


def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    out = byline("articles", "--chroma-url", f"http://127.0.0.1:{free_port()}", env={"BYLINE_STORE": str(tmp_path)})
    assert out.returncode != 0
    assert "Chroma server" in out.stderr and "--chroma-url" in out.stderr and "Traceback" not in out.stderr


def test_ingest_killed_midway_completes_without_duplicates(tmp_path):
    corpus = SHARED / "benchmarks" / "squad8" / "corpus.jsonl"
    store_dir = tmp_path / "store"
    cmd = [sys.executable, "-m", "ingest", str(corpus), "--store", str(store_dir)]
    proc = subprocess.Popen(
        cmd, cwd=RUN_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TQDM_MININTERVAL": "0"}
    )
    probe_settings = None
    deadline = time.time() + 300
    from ingest.settings import Settings

    probe_settings = Settings(store=store_dir)
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if (store_dir / "chroma.sqlite3").exists():
            try:
                if Store(probe_settings).count() > 0:
                    break
            except Exception:
                continue
    assert proc.poll() is None, "ingest finished before it could be killed; the test needs a larger corpus"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = Store(probe_settings).count()
    again = subprocess.run([*cmd, "--json"], cwd=RUN_DIR, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    store = Store(Settings(store=store_dir))
    ids = store.lexical().ids
    assert report["articles"] == 294 and report["unchanged"] > 0 and report["added"] > 0, (partial, report)
    assert store.count() == report["passages"] == len(ids) == len(set(ids))
    assert sorted(ids) == sorted(store.passages(ids).keys())
