"""Outlets and dates: stored with each article, filtered on, and read out of questions ("… Reuters … last week")."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core.assistant import Assistant
from assistant.core.retrieval import HybridSearch
from assistant.core.scope import named_outlets, relative_dates, scope_from_question
from ingest.pipeline import ingest_paths
from ingest.records import PassageFilter
from ingest.settings import Settings

from conftest import byline

TODAY = date.today()
ARTICLES = [
    (
        "w1",
        "Wire Service",
        2,
        "Port Elin harbour reopens",
        "The harbour of Port Elin reopened after repairs, officials said on Monday.",
    ),
    (
        "d1",
        "Daily Planet",
        3,
        "Harbour reopening delayed",
        "The reopening of the Port Elin harbour was delayed by a storm, the mayor said.",
    ),
    (
        "w2",
        "Wire Service",
        60,
        "Harbour repairs begin",
        "Repairs to the Port Elin harbour began in the autumn, the port authority said.",
    ),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outlets")
    corpus = folder / "news.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(
                {"id": i, "source": outlet, "published_at": (TODAY - timedelta(days=age)).isoformat(), "title": t, "text": x}
            )
            for i, outlet, age, t, x in ARTICLES
        )
    )
    settings = Settings(store=folder / "store")
    assert ingest_paths([corpus], settings).added == 3
    return settings


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("What happened yesterday?", (1, 1)),
        ("What did Reuters say today?", (0, 0)),
        ("What happened in the last week?", (7, 0)),
        ("Any news from the past 3 days?", (3, 0)),
        ("What happened in the past two weeks?", (14, 0)),
        ("What was reported last month?", (30, 0)),
        ("What did the mayor say about the harbour?", None),
        ("Who won the 2022 final?", None),
    ],
)
def test_relative_dates(question, days):
    today = date(2026, 11, 25)
    expected = None if days is None else (today - timedelta(days=days[0]), today - timedelta(days=days[1]))
    assert relative_dates(question, today) == expected


def test_outlets_named_in_questions():
    outlets = {"Reuters", "The Guardian", "The Age", "TechCrunch"}
    assert named_outlets("What did the guardian report?", outlets) == ("The Guardian",)
    assert named_outlets("Did TechCrunch and Reuters agree?", outlets) == ("TechCrunch", "Reuters")
    assert named_outlets("How old is the star, by spectral type and age?", outlets) == ()
    assert named_outlets("What did The Age report?", outlets) == ("The Age",)


def test_scope_needs_a_store_that_knows_outlets_and_dates():
    where = scope_from_question("What did Reuters say last week?", PassageFilter(), set(), False, date(2026, 11, 25))
    assert where == PassageFilter()
    set_by_user = PassageFilter(published_after="2026-01-01")
    assert scope_from_question("… last week?", set_by_user, {"Reuters"}, True, date(2026, 11, 25)) == set_by_user


def test_outlet_filter_in_both_searches(settings):
    search = HybridSearch(settings)
    for mode in ("dense", "bm25", "hybrid"):
        found = search.retrieve("harbour reopening", 5, PassageFilter(outlets=("Daily Planet",)), mode=mode)
        assert [p.article_id for p in found] == ["d1"], mode


def test_a_question_naming_an_outlet_and_a_time_is_answered_within_them(settings):
    model = FakeListChatModel(responses=["The harbour reopened after repairs [1]."])
    answer = Assistant(settings, chat_model=model).ask("What did Wire Service report in the last week about the harbour?")
    assert answer.scope_from_question
    week_ago, today = (TODAY - timedelta(days=7)).isoformat(), TODAY.isoformat()
    assert answer.scope == f"from Wire Service; published {week_ago} to {today}"
    assert {s.article_id for s in answer.sources} == {"w1"}  # not the other outlet, not the old article
    (citation,) = answer.citations
    assert (citation.outlet, citation.published_at[:10]) == ("Wire Service", (TODAY - timedelta(days=2)).isoformat())


def test_cli_outlet_flag_and_stated_scope(settings):
    """Refused without a generation (nobody called Zorblax is quoted), so the sources show what the filter let in."""
    out = byline(
        "ask",
        "What did Zorblax say about the harbour?",
        "--outlet",
        "Wire Service",
        "--store",
        str(settings.store.path),
        "--json",
    )
    answer = json.loads(out.stdout)
    assert answer["refused"] and answer["scope"] == "from Wire Service" and not answer["scope_from_question"]
    assert {s["article_id"] for s in answer["sources"]} == {"w1", "w2"}
    assert {s["outlet"] for s in answer["sources"]} == {"Wire Service"}
