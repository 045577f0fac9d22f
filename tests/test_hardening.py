"""Regressions from the adversarial pass (issue 16): each test failed on the code before its fix."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import SAMPLE

PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1"><script>window.__xss=(window.__xss||0)+1</script>'


def _result_row(n: int) -> dict:
    p = f"{PAYLOAD}#{n}"
    return {
        "id": f"q{n}{PAYLOAD}",
        "type": p,
        "question": p,
        "turns": [p, p],
        "standalone_question": p + "?",
        "answer": f"<div>{p}</div>",
        "refused": False,
        "error": None,
        "citations": [{"marker": 1, "quote": p, "title": p, "article_id": p, "passage_id": p, "source": p, "start": 0, "end": 1}],
        "gold": {"answers": [p, "<div>" + p], "gold_support": [p], "gold_doc_ids": [p], "answerable": True},
        "scores": {"answer_presence": 1.0, "total_s": 1.0},
        "pass": bool(n % 2),
    }


@pytest.mark.browser
def test_report_runs_no_script_from_any_field(tmp_path):
    from playwright.sync_api import sync_playwright
    from ui_kit import CHROMIUM, FLAGS

    from evals.report import write_report
    from evals.summary import build_summary

    rows = [_result_row(1), _result_row(2)]
    summary = build_summary(rows)
    summary["model"] = PAYLOAD
    report = tmp_path / "report.html"
    write_report(report, f"title {PAYLOAD}", summary, rows, None)
    html = report.read_text()
    assert "<script>window" not in html and "<img src=x" not in html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(report.as_uri())
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None
        assert page.locator("img[src=x]").count() == 0
        assert PAYLOAD in page.inner_text("body")  # shown as text
        browser.close()


def test_batch_csv_neutralises_formulas(sample_settings, tmp_path):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.core.assistant import Assistant
    from evals.batch_tab import run_batch

    questions = tmp_path / "q.csv"
    questions.write_text('id,question\n=HYPERLINK("http://127.0.0.1:9/x"),"=1+2 What did Vance say?"\n@SUM(A1),+cmd|calc\n')
    assistant = Assistant(sample_settings, chat_model=FakeListChatModel(responses=["-Vance saw a stalemate [1]."] * 2))
    _table, _summary, files = run_batch(assistant, questions)
    with open(next(f for f in files if f.endswith(".csv")), newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://127.0.0.1:9/x")' in cells
    results = json.loads(Path(next(f for f in files if f.endswith(".json"))).read_text())
    assert results["results"][0]["id"].startswith("=HYPERLINK")  # the JSON keeps the data as it was


def test_jsonl_id_of_another_sources_article_is_refused_not_overwritten(settings, tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.store.store import Store

    assert ingest_paths([SAMPLE], settings).added == 1
    (sample,) = Store(settings).articles()
    hijack = tmp_path / "hijack.jsonl"
    hijack.write_text(json.dumps({"id": sample.id, "title": "Hijacked title", "text": "Nothing to see here at all."}) + "\n")
    report = ingest_paths([hijack], settings)
    assert report.added == report.updated == 0 and len(report.failed) == 1
    message = report.failed[0].error
    assert sample.id in message and sample.title in message and "hijack.jsonl" in message
    (still,) = Store(settings).articles()
    assert (still.title, still.passages) == (sample.title, sample.passages)
    # the same source may still update its own article
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"id": "own-1", "title": "Mine", "text": "First version of the story."}) + "\n")
    ingest_paths([own], settings)
    own.write_text(json.dumps({"id": "own-1", "title": "Mine", "text": "Second version of the story."}) + "\n")
    assert ingest_paths([own], settings).updated == 1


def test_jsonl_bad_record_keeps_the_good_ones_after_it(settings, tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.store.store import Store

    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "a", "title": "A", "text": "The first story is fine."},
        {"id": "b", "title": "B", "text": "\u200b\u200c\u200d\ufeff"},
        "not json",
        {"id": "c", "title": "C", "text": "The third story is fine too."},
        {"id": "d", "title": "D", "text": "And so is the fourth one."},
    ]
    feed.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    report = ingest_paths([feed], settings)
    assert sorted(a.id for a in Store(settings).articles()) == ["a", "c", "d"]
    assert len(report.failed) == 1 and "line 2" in report.failed[0].error and "line 3" in report.failed[0].error


RUN_ON = " ".join(
    f"the flood barrier at Dunmore held for hour {i} while volunteers stacked sandbags and the council counted costs"
    for i in range(400)
)  # ~43,000 characters and not one full stop


def test_run_on_text_is_cut_into_bounded_sentences(settings, tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.store.store import Store
    from ingest.text.passages import MAX_SENTENCE_CHARS, split_sentences

    assert len(RUN_ON) > 40_000
    spans = split_sentences(RUN_ON)
    assert len(spans) > 60 and max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    assert RUN_ON[spans[0][0] : spans[0][1]].split()[0] == "the" and spans[-1][1] == len(RUN_ON)
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("Dunmore flood\n" + RUN_ON)
    assert ingest_paths([pasted], settings).added == 1
    assert Store(settings).count() > 20


def test_prompt_is_fitted_to_the_context_window(sample_settings):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.core.assistant import Assistant, QuestionError
    from assistant.core.prompts import answer_prompt_tokens

    small = sample_settings.with_overrides(n_ctx=900, max_tokens=160)
    assistant = Assistant(small, chat_model=FakeListChatModel(responses=["Vance saw a stalemate [1]."] * 3))
    seen = []
    for event in assistant.stream("What did Vance say?"):
        if event.kind == "answer":
            seen.append(event.data)
    (answer,) = seen
    assert answer.citations and not answer.error
    with pytest.raises(QuestionError, match=r"context window.*BYLINE_N_CTX"):
        assistant.ask("What did Vance say about the stalemate and the economic benefits for Russia? " * 20)
    assert answer_prompt_tokens(["x" * 600] * 4, "q?") > 700  # four full sentences would not have fitted 900 - 160
    assert not assistant.ask("What did Vance say?").error  # still usable afterwards


@pytest.mark.model
def test_run_on_article_is_answered_by_the_local_model(tmp_path):
    from assistant.core.assistant import Assistant
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    settings = Settings(store=tmp_path / "store")
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("Dunmore flood\n" + RUN_ON)
    ingest_paths([pasted], settings)
    answer = Assistant(settings).ask("What did volunteers stack at Dunmore?")
    assert answer.error is None, answer.error
    assert "sandbag" in answer.answer.lower() and answer.citations


def test_login_guessing_is_braked_per_client_not_for_everyone():
    from assistant.delivery.access import _CLIENT, Brake, LoginGuard

    guard = LoginGuard("ana", "s3cret", Brake(free=3, base_s=0.3, max_s=2.0))
    _CLIENT.set("10.0.0.9")  # the guesser
    assert not any(guard("ana", f"guess{i}") for i in range(30))
    assert not guard("ana", "s3cret")  # braked: even the right password waits
    assert guard.brake.wait_s("client:10.0.0.9") > 0
    _CLIENT.set("10.0.0.1")  # the owner, elsewhere, is not locked out by the guesser
    assert guard("ana", "s3cret") and not guard("bob", "s3cret")


def test_the_brake_grows_exponentially_and_wears_off():
    from assistant.delivery.access import Brake

    brake = Brake(free=2, base_s=1.0, max_s=8.0, window_s=100.0)
    waits = []
    for n in range(6):
        brake.failed("k", now=float(n))
        waits.append(round(brake.wait_s("k", now=float(n)), 3))
    assert waits == [0.0, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert brake.wait_s("k", now=13.5) == 0.0 and brake.wait_s("other", now=5.0) == 0.0


def test_status_and_streaming_text_is_inert():
    from assistant.delivery.ui.render import status_html, streaming_message

    hostile = "id`![x](http://127.0.0.1:9/logger)`<img src=x>[link](javascript:alert(1))"
    assert "<img" not in status_html(hostile) and "&lt;img src=x&gt;" in status_html(hostile)
    streamed = streaming_message(hostile + "\n\n![y](http://127.0.0.1:9/second)", None)
    assert "<img" not in streamed and "\n" not in streamed  # no blank line lets Markdown resume inside the block
    assert streamed.startswith('<div class="byline-streaming">') and streamed.endswith("</div>")


def test_huge_csv_cell_is_a_specific_error(tmp_path):
    from evals.datasets import DatasetError, load_dataset

    path = tmp_path / "big.csv"
    path.write_text('question,answers\n"What did Vance say?","' + "x" * 200_000 + '"\n')
    with pytest.raises(DatasetError, match=r"big.csv line \d+: not readable as CSV.*at most 128 KB"):
        load_dataset(path)


def test_sources_never_show_server_paths(settings, tmp_path, fake_embedder):
    from ingest.pipeline import ingest_files
    from ingest.records import SourceFile
    from ingest.store.store import Store

    path = tmp_path / "story.txt"
    path.write_text("Quay repairs\nThe quay at Kilronan was repaired in March.\n")
    ingest_files([SourceFile(path, name=str(path.resolve()))], settings)  # as stores written before the fix hold
    store = Store(settings)
    assert [a.source for a in store.articles()] == ["story.txt"]
    assert {p.source for p in store.passages(store.lexical().ids).values()} == {"story.txt"}


def test_a_reader_crash_is_named_and_the_rest_goes_in(settings, tmp_path, fake_embedder, monkeypatch):
    import ingest.text.readers
    from ingest.pipeline import ingest_paths

    def broken(html, source):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(ingest.text.readers, "_from_html", broken)
    (tmp_path / "bad.html").write_text("<html><body><p>Text</p></body></html>")
    (tmp_path / "good.txt").write_text("Bridge opens\nThe new bridge opened on Sunday.\n")
    report = ingest_paths([tmp_path / "bad.html", tmp_path / "good.txt"], settings)
    assert report.added == 1 and len(report.failed) == 1
    assert "bad.html" in report.failed[0].error and "RuntimeError" not in report.failed[0].error
