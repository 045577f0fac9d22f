"""Timelines: the question read, relative dates resolved against the publication date, and the route end to end
on the three-article dock-strike story with the real store and embedder (no generation)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.core.timeline.dates import resolve
from assistant.core.timeline.request import TimelineRequest, timeline_request
from evals.datasets import QUOTE_CORPUS

from conftest import byline

WEDNESDAY = date(2026, 3, 4)


@pytest.mark.parametrize(
    ("question", "request_"),
    [
        ("How did the ceasefire talks unfold?", TimelineRequest("the ceasefire talks")),
        ("What happened in the dock strike, in order?", TimelineRequest("the dock strike")),
        ("Timeline of the port strike", TimelineRequest("the port strike")),
        ("What has happened since Monday?", TimelineRequest("", "Monday")),
        ("Give me the chronology of the school closures", TimelineRequest("the school closures")),
    ],
)
def test_timeline_questions(question, request_):
    assert timeline_request(question) == request_


@pytest.mark.parametrize("question", ["What happened to Amnesty?", "How did the vote go?", "What did Vance say?"])
def test_other_questions_are_no_timelines(question):
    assert timeline_request(question) is None


@pytest.mark.parametrize(
    ("expression", "forward", "expected", "precision"),
    [
        ("Wednesday", False, date(2026, 3, 4), "day"),  # the day of publication
        ("on Tuesday", False, date(2026, 3, 3), "day"),
        ("late on Thursday", False, date(2026, 2, 26), "day"),
        ("Saturday", True, date(2026, 3, 7), "day"),  # "will return to work on Saturday"
        ("Sunday night", False, date(2026, 3, 1), "day"),
        ("yesterday", False, date(2026, 3, 3), "day"),
        ("March 3", False, date(2026, 3, 3), "day"),
        ("last week", False, date(2026, 2, 23), "week"),
        ("last month", False, date(2026, 2, 1), "month"),
        ("a week ago", False, date(2026, 2, 25), "day"),
        ("next Monday", False, date(2026, 3, 9), "day"),
        ("last Wednesday", False, date(2026, 2, 25), "day"),
        ("earlier this month", False, date(2026, 3, 1), "month"),
        ("mid-June", True, date(2026, 6, 1), "month"),
        ("2009", False, date(2009, 1, 1), "year"),
        ("last year", False, date(2025, 1, 1), "year"),
    ],
)
def test_relative_dates_resolve_against_the_publication_day(expression, forward, expected, precision):
    found = resolve(expression, WEDNESDAY, forward)
    assert found is not None and (found.day, found.precision) == (expected, precision)


@pytest.mark.parametrize("expression", ["three years", "within ten days", "the weekend", "one afternoon", "the other day"])
def test_durations_name_no_day(expression):
    assert resolve(expression, WEDNESDAY) is None


def test_a_timeline_end_to_end(tmp_path):
    """Every line dated, cited, in order; the strike's start before its end; the article's date marked when the
    sentence gives none."""
    store = str(tmp_path / "store")
    assert byline("ingest", str(QUOTE_CORPUS), "--store", store).returncode == 0
    asked = byline("ask", "--json", "--store", store, "How did the dock strike unfold?")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    lines = answer["timeline"]
    assert len(lines) >= 4 and answer["answer"].count("\n") == len(lines) - 1
    assert [x["date"] for x in lines] == sorted(x["date"] for x in lines)
    assert all(x["markers"] for x in lines) and len(answer["citations"]) >= len(lines)
    texts = [x["text"] for x in lines]
    walked_out = next(i for i, t in enumerate(texts) if "walked off the job on Monday" in t)
    returns = next(i for i, t in enumerate(texts) if "return to work on Saturday" in t)
    assert walked_out < returns and lines[walked_out]["date"] == "2026-03-02" and lines[returns]["date"] == "2026-03-07"
    assert {o for x in lines for o in x["outlets"]} == {"Harbour Daily", "Coastal Times"}


def test_relative_dates_set_is_resolved_right():
    """The annotated set (103 expressions; MultiHop-RAG's are the test split): the figure docs/EVALUATION.md reports."""
    from evals.dates_eval import load_dates, score_dates

    items = load_dates()
    assert len(items) >= 100 and {i.split for i in items} == {"dev", "test"}
    score = score_dates(load_dates(split="test"))
    print(f"\nrelative dates, test split: {score.accuracy:.3f} [{score.low:.3f}, {score.high:.3f}] (n={score.n})")
    assert score.accuracy >= 0.85, [(w.expression, w.published, f and f.label) for w, f in score.wrong]
