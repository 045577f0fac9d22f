"""Load and access: 8 concurrent users through Gradio's client API, ingest during questions, auth on every route.

Bounded: 8 users x 2 questions, loopback only, a time limit on every request.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import numpy as np
import psutil
import pytest

from conftest import ARTIFACTS, RUN_DIR, SAMPLE, free_port, serve_app

pytestmark = [pytest.mark.model, pytest.mark.slow]

QUESTIONS = [
    ("What did Macron propose?", "30-day"),
    ("Where did Russian and Ukrainian delegates meet?", "Istanbul"),
    ("Who designated Amnesty International an undesirable organization?", "Prosecutor General"),
    ("How old was the woman killed in Kherson?", "75"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    store = tmp_path_factory.mktemp("load") / "store"
    ingest_paths([SAMPLE], Settings(store=store))
    proc, url = serve_app(store)
    yield proc, url
    proc.terminate()
    proc.wait(timeout=30)


def _text(result) -> str:
    messages = result if isinstance(result, list) else [result]
    return " ".join(m.get("content", "") if isinstance(m, dict) else str(m) for m in messages)


def test_eight_concurrent_users_with_an_ingest_in_between(server):
    from gradio_client import Client

    proc, url = server
    server_proc = psutil.Process(proc.pid)
    Client(url, verbose=False).predict("What did Vance say?", api_name="/ask")  # warm
    rss_before = server_proc.memory_info().rss
    latencies, errors, wrong = [], [], []
    lock = threading.Lock()

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        for question, expected in (QUESTIONS[n % 4], QUESTIONS[(n + 1) % 4]):
            t0 = time.perf_counter()
            try:
                job = client.submit(question, api_name="/ask")
                text = _text(job.result(timeout=600))
            except Exception as err:  # any failure is counted, not raised, so every user finishes
                with lock:
                    errors.append(f"{question}: {err!r}")
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)
                if expected not in text:
                    wrong.append((question, text[:200]))

    def ingest_meanwhile() -> None:
        time.sleep(5)
        Client(url, verbose=False).predict(
            "Tram line approved",
            "The council approved a tram line to the harbour on Wednesday with 31 votes.",
            api_name="/add_text",
        )

    threads = [threading.Thread(target=user, args=(n,)) for n in range(8)] + [threading.Thread(target=ingest_meanwhile)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    wall = time.perf_counter() - started
    rss_after = server_proc.memory_info().rss
    figures = {
        "users": 8,
        "requests": 16,
        "answered": len(latencies),
        "errors": errors,
        "wrong": wrong,
        "wall_s": wall,
        "p50_s": float(np.percentile(latencies, 50)) if latencies else None,
        "p95_s": float(np.percentile(latencies, 95)) if latencies else None,
        "rss_before_mb": rss_before / 2**20,
        "rss_after_mb": rss_after / 2**20,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))
    assert not errors and not wrong and len(latencies) == 16
    assert rss_after - rss_before < 400 * 2**20, "memory grew under load"
    answer = _text(Client(url, verbose=False).predict("How many votes did the tram line get?", api_name="/ask"))
    assert "31" in answer


# Gradio answers these without credentials because the login page itself needs them; none carries app data.
PUBLIC = ("/", "/manifest.json", "/gradio_api/startup-events", "/theme.css")


def test_auth_guards_every_route(tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    ingest_paths([SAMPLE], Settings(store=tmp_path / "store"))
    proc, url = serve_app(tmp_path / "store", "--auth", "editor:s3cret")
    try:
        base = url.rstrip("/")
        get_routes = [
            "/",
            "/config",
            "/info",
            "/gradio_api/info",
            "/gradio_api/config",
            "/gradio_api/queue/status",
            "/gradio_api/startup-events",
            "/theme.css",
            "/gradio_api/file=README.md",
            "/file=README.md",
            "/gradio_api/upload_progress?upload_id=x",
            "/monitoring",
            "/gradio_api/call/ask/x",
            "/manifest.json",
            "/gradio_api/mcp/schema",
        ]
        for route in get_routes:
            try:
                with urllib.request.urlopen(base + route, timeout=10) as resp:
                    body = resp.read().decode(errors="replace")
                    # only the page shell (which shows the login form) answers; no app, article or config leaks
                    assert route in PUBLIC and "byline-chat" not in body and "Amnesty" not in body, route
            except urllib.error.HTTPError as err:
                assert err.code in (401, 403, 404, 405), (route, err.code)
        with urllib.request.urlopen(base + "/gradio_api/heartbeat/x", timeout=10) as beat:  # keep-alive stream only
            assert beat.readline().strip() == b"data: ALIVE"
        post_routes = [
            "/gradio_api/queue/join",
            "/gradio_api/run/ask",
            "/gradio_api/call/ask",
            "/gradio_api/upload",
            "/gradio_api/api/ask",
            "/run/predict",
            "/api/predict",
        ]
        for route in post_routes:
            request = urllib.request.Request(
                base + route,
                data=b'{"data": ["What did Vance say?"], "fn_index": 0}',
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code in (401, 403, 404, 405, 422), (route, refused.value.code)
        from gradio_client import Client

        client = Client(url, auth=("editor", "s3cret"), verbose=False)
        assert "30-day" in _text(client.predict("What did Macron propose?", api_name="/ask"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_binding_and_warning(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.delivery.cli",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
            "--store",
            str(tmp_path),
        ],
        cwd=RUN_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "without --auth" in proc.stderr.readline()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    from ingest.settings import Settings

    assert Settings().serving.host == "127.0.0.1"
