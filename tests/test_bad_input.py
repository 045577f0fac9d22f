"""Bad input everywhere it enters, as one table: each case gets a specific message and breaks nothing else.

Entry points: the Python API (Assistant / ingest), the CLI, and the evaluation harness's file readers. The UI and
its API routes call the same functions; test_ui_browser.py and test_load.py drive those through Gradio.
"""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from conftest import SAMPLE, byline

QUESTION_CASES = [
    # (id, question, the error's message, or the cleaned question that must be answered or refused normally)
    ("empty", "", "empty"),
    ("whitespace", " \t \n ", "empty"),
    ("100KB", "Vance? " * 15_000, "characters long"),
    ("control-chars", "\x00\x07What\x1b did Vance say?\x7f", "=What did Vance say?"),
    ("rtl-mixed", "ماذا قال Vance؟ \u202eWhat did Vance say?", "=ماذا قال Vance؟ What did Vance say?"),
    ("other-language", "¿Qué dijo Vance sobre la situación?", "=¿Qué dijo Vance sobre la situación?"),
    ("emoji-only", "🤔🤔🤔", "=🤔🤔🤔"),
]


@pytest.mark.parametrize("case,question,message", QUESTION_CASES, ids=[c[0] for c in QUESTION_CASES])
def test_questions_through_the_python_api(sample_settings, case, question, message):
    from assistant.core.assistant import Assistant, QuestionError

    assistant = Assistant(sample_settings, chat_model=FakeListChatModel(responses=["Vance saw a stalemate [1]."] * 3))
    if not message.startswith("="):
        with pytest.raises(QuestionError, match=message):
            assistant.ask(question)
    else:
        answer = assistant.ask(question)
        assert answer.question == message[1:] and answer.error is None
        assert answer.citations if answer.question == "What did Vance say?" else (answer.refused or answer.citations)
    assert not assistant.ask("What did Vance say?").error  # still working afterwards


def test_questions_through_the_cli(sample_settings):
    store = ["--store", str(sample_settings.store.path)]
    for question, message in [("", "empty"), ("x" * 100_000, "characters long")]:
        out = byline("ask", question, *store, env={"BYLINE_BACKEND": "openai", "BYLINE_OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    # invalid UTF-8 on stdin is replaced, not a crash; each line is answered on its own
    raw = b"What did Vance say?\n" + b"\xff\xfe broken \xc3\x28\n"
    import subprocess
    import sys

    from conftest import RUN_DIR

    out = subprocess.run(
        [sys.executable, "-m", "assistant.delivery.cli", "ask", "--json", *store],
        input=raw,
        capture_output=True,
        cwd=RUN_DIR,
        timeout=600,
        env={
            **__import__("os").environ,
            "BYLINE_BACKEND": "openai",
            "BYLINE_OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "BYLINE_REQUEST_TIMEOUT_S": "3",
        },
    )
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(lines) == 2 and "Traceback" not in out.stderr.decode()
    assert "BYLINE_OPENAI_BASE_URL" in lines[0]["error"]  # the backend was down: said so, passages kept
    assert lines[0]["sources"]


def test_empty_store_everywhere(tmp_path):
    out = byline("ask", "What did Vance say?", "--store", str(tmp_path / "empty"))
    assert out.returncode == 2 and "store is empty" in out.stderr
    listed = byline("articles", "--store", str(tmp_path / "empty"))
    assert listed.returncode == 0 and "empty" in listed.stdout


INGEST_CASES = [
    ("one-word.txt", b"Hello", None),
    ("five-mb.txt", b"The committee met again on Tuesday to discuss the budget. " * 90_000, "over the 1,000,000 limit"),
    ("broken.jsonl", b'{"text": "Fine article."}\n{"text": \n', "line 2"),
    ("latin1.txt", "Caf\xe9".encode("latin-1"), "not valid UTF-8"),
    ("empty.md", b"", "empty"),
    ("binary.pdf", b"%PDF-1.4 garbage \x00\x01", "not a readable PDF"),
]


@pytest.mark.parametrize("name,content,message", INGEST_CASES, ids=[c[0] for c in INGEST_CASES])
def test_articles_through_ingest(tmp_path, name, content, message):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings
    from ingest.store.store import Store

    path = tmp_path / name
    path.write_bytes(content)
    settings = Settings(store=tmp_path / "store")
    ingest_paths([SAMPLE], settings)
    before = Store(settings).count()
    report = ingest_paths([path], settings)
    if message:
        assert message in report.failed[0].error and name in report.failed[0].error
    else:
        assert report.ok and report.added == 1
    assert Store(settings).count() >= before  # nothing already stored was lost


QUESTION_SET_CASES = [
    ("missing-column.csv", "prompt,answers\nWhat?,x\n", "'question' column"),
    ("broken.jsonl", '{"question": "A?"}\nnot json\n', "line 2"),
    ("no-question.jsonl", '{"answers": ["x"]}\n', "no 'question'"),
]


@pytest.mark.parametrize("name,content,message", QUESTION_SET_CASES, ids=[c[0] for c in QUESTION_SET_CASES])
def test_question_sets_through_the_cli(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    out = byline("eval", str(path), "--store", str(tmp_path / "store"), "--quiet")
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_model_file_missing_or_corrupt(tmp_path):
    from assistant.models.chat_models import BackendError, make_chat_model
    from assistant.models.model_files import MODEL_FILE, MODEL_SHA256, ModelFileError, chat_model_path
    from ingest.settings import Settings

    with pytest.raises(BackendError, match="BYLINE_CHAT_MODEL_PATH"):
        make_chat_model(Settings(chat_model_path=tmp_path / "nope.gguf"))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / MODEL_FILE).write_bytes(b"not a model")
    (cache / MODEL_FILE).with_suffix(".sha256").write_text(MODEL_SHA256)
    with pytest.raises(ModelFileError, match="wrong size"):
        chat_model_path(Settings(cache_dir=cache))


def test_read_only_and_locked_store(tmp_path, sample_settings):
    import os
    import shutil

    from assistant.core.assistant import Assistant

    store = tmp_path / "ro"
    shutil.copytree(sample_settings.store.path, store)
    for root, _dirs, files in os.walk(store):
        for f in files:
            os.chmod(os.path.join(root, f), 0o444)
    # Reading still works from a read-only copy of the store (root ignores file modes, so only the path is checked here).
    answer = Assistant(
        sample_settings.with_overrides(store=store), chat_model=FakeListChatModel(responses=["Vance saw a stalemate [1]."])
    ).ask("What did Vance say?")
    assert answer.citations
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    out = byline("ingest", str(SAMPLE), "--store", str(blocked / "store"))
    assert out.returncode != 0 and "fix BYLINE_STORE" in out.stderr and "Traceback" not in out.stderr


def test_names_are_printed_safely_in_the_terminal():
    from ingest.cli import terminal_safe

    assert terminal_safe("evil\x1b]0;owned\x07name.txt") == "evil\\x1b]0;owned\\x07name.txt"
    assert terminal_safe("title \u202eevil") == "title \\u202eevil"
    assert terminal_safe("two\nlines\ttab") == "two\nlines\ttab"


def test_odd_folder_entries_are_reported_each(tmp_path):
    import os

    from ingest.text.readers import iter_files

    (tmp_path / "good.txt").write_text("Harbour reopens\nThe harbour reopened on Tuesday.\n")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop-a.txt").symlink_to(tmp_path / "loop-b.txt")
    (tmp_path / "loop-b.txt").symlink_to(tmp_path / "loop-a.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    found = {f.path.name: f.error for f in iter_files([tmp_path])}
    assert found["good.txt"] is None
    assert "leads nowhere" in str(found["broken.txt"]) and "leads nowhere" in str(found["loop-a.txt"])
    assert "named pipe" in str(found["pipe.txt"])


def test_a_bad_collection_name_is_a_specific_error(tmp_path):
    out = byline("articles", "--store", str(tmp_path / "store"), "--collection", "x")
    assert out.returncode != 0 and "collection name 'x' is not allowed" in out.stderr and "Traceback" not in out.stderr
