"""Issue 16 regressions against a running `byline serve`: stale delete choices, leftover uploads, batch size and
stop, per-session question limits, login guessing. Loopback only; every request has a time limit."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import SAMPLE, serve_app

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _text(result) -> str:
    if isinstance(result, tuple):
        return " ".join(_text(r) for r in result)
    messages = result if isinstance(result, list) else [result]
    return " ".join(m.get("content", "") if isinstance(m, dict) else str(m) for m in messages)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    root = tmp_path_factory.mktemp("served")
    settings = Settings(store=root / "store")
    ingest_paths([SAMPLE], settings)
    uploads = root / "gradio"
    uploads.mkdir()
    proc, url = serve_app(settings.store.path, env={"GRADIO_TEMP_DIR": str(uploads), "BYLINE_MAX_BATCH_QUESTIONS": "3"})
    yield url, settings, uploads, root
    proc.terminate()
    proc.wait(timeout=30)


def test_articles_added_later_can_be_deleted_from_a_fresh_session(served):
    from gradio_client import Client

    from ingest.store.store import Store

    url, settings, _, _ = served
    Client(url, verbose=False)  # a page opened before the article exists
    Client(url, verbose=False).predict("Later story", "The ferry to Inishmore resumed on Monday.", api_name="/add_text")
    later = next(a for a in Store(settings).articles() if a.title == "Later story")
    fresh = Client(url, verbose=False)
    status = _text(fresh.predict(later.id, api_name="/delete_article"))
    assert "Deleted the article “Later story”" in status, status
    assert all(a.id != later.id for a in Store(settings).articles())
    missing = _text(fresh.predict("no-such-article", api_name="/delete_article"))
    assert "No stored article has that id" in missing
    assert not any(a.id in missing for a in Store(settings).articles())  # the refusal lists no stored ids


def test_uploaded_files_do_not_stay_in_the_temp_folder(served, tmp_path):
    from gradio_client import Client, handle_file

    url, _, uploads, _ = served
    article = tmp_path / "quay-repairs.txt"
    article.write_text("Quay repairs\nThe quay at Kilronan was repaired in March for 2 million euro.\n")
    status = _text(Client(url, verbose=False).predict([handle_file(str(article))], api_name="/add_files"))
    assert "1 added" in status, status
    assert not [p for p in uploads.rglob("*") if p.is_file() and p.name == article.name]


def test_batch_size_is_limited_in_the_ui(served, tmp_path):
    from gradio_client import Client, handle_file

    url = served[0]
    questions = tmp_path / "five.txt"
    questions.write_text("\n".join(f"What did Vance say? ({n})" for n in range(5)))
    status = _text(Client(url, verbose=False).predict(handle_file(str(questions)), api_name="/run_batch"))
    assert "at most 3" in status and "byline eval" in status, status


def test_batch_stops_between_questions(served, tmp_path):
    from gradio_client import Client, handle_file

    url = served[0]
    questions = tmp_path / "three.txt"
    questions.write_text("What did Vance say?\nWhat did Macron propose?\nWhere did the delegates meet?\n")
    client = Client(url, verbose=False)
    job = client.submit(handle_file(str(questions)), api_name="/run_batch")
    deadline = time.time() + 120
    while time.time() < deadline and "so far" not in _text(job.outputs()[-1] if job.outputs() else ""):
        time.sleep(0.2)  # the first question is being answered
    assert "stopping" in _text(client.predict(api_name="/stop_batch")).lower()
    final = _text(job.result(timeout=300))
    assert "Stopped after" in final and "of 3" in final, final


def test_one_session_cannot_fill_the_queue(served):
    from gradio_client import Client

    url = served[0]
    client = Client(url, verbose=False)
    jobs = [client.submit("What did Macron propose?", api_name="/ask") for _ in range(3)]
    texts = [_text(job.result(timeout=300)) for job in jobs]
    assert sum("already have 2 question" in t for t in texts) == 1, texts
    assert sum("30-day" in t for t in texts) == 2
    other = Client(url, verbose=False)
    assert "30-day" in _text(other.predict("What did Macron propose?", api_name="/ask"))


def _login(base: str, user: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + "/login", data=data, method="POST"), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def test_login_attempts_are_rate_limited(tmp_path):
    proc, url = serve_app(tmp_path / "store", "--auth", "editor:s3cret")
    try:
        base = url.rstrip("/")
        assert _login(base, "editor", "s3cret") == 200
        assert all(_login(base, "editor", f"guess-{n}") != 200 for n in range(30))
        assert _login(base, "editor", "s3cret") != 200  # locked for a while after the burst of guesses
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_old_batch_results_are_removed(tmp_path, monkeypatch):
    import os
    import tempfile

    from evals.batch_tab import remove_old_results

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, new = tmp_path / "byline-batch-old", tmp_path / "byline-batch-new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "results.csv").write_text("id\n")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    remove_old_results(3600)
    assert not old.exists() and new.exists()


def test_session_control_routes_need_a_login(tmp_path):
    import json

    from gradio_client import Client

    proc, url = serve_app(tmp_path / "store", "--auth", "editor:s3cret")
    try:
        base = url.rstrip("/")
        for route in ("/gradio_api/cancel", "/gradio_api/reset"):
            body = json.dumps({"session_hash": "victim", "fn_index": 0, "event_id": "x"}).encode()
            request = urllib.request.Request(base + route, data=body, headers={"Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 401, route
        client = Client(url, auth=("editor", "s3cret"), verbose=False)  # a signed-in client still works
        assert client.predict("no-such-article", api_name="/delete_article")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
