"""Questions across articles: a search per named outlet, evidence lines with outlet and date, Yes or No first."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core.assistant import Assistant
from assistant.core.checks.unreported import NOT_REPORTED
from assistant.core.checks.yes_no import with_verdict
from assistant.core.question import Question, asks_yes_no
from ingest.records import PassageFilter

from conftest import outlet_store

HARBOUR = [
    (
        "v1",
        "The Verge",
        "2023-11-20",
        "Harbour reopens",
        "The harbour of Port Elin reopened after repairs, the port authority said.",
    ),
    ("v2", "The Verge", "2023-11-21", "Harbour traffic", "Harbour traffic at Port Elin doubled after the harbour reopened."),
    ("v3", "The Verge", "2023-11-22", "Harbour fees", "The Port Elin harbour raised its fees for ferries and harbour tugs."),
    ("t1", "TechCrunch", "2023-11-25", "Port app", "A startup launched an app that books berths in Port Elin."),
    ("t2", "TechCrunch", "2023-10-01", "Chip plant", "A chip maker opened a plant far from any port."),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return outlet_store(tmp_path_factory.mktemp("multi"), HARBOUR)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does The Verge report that the harbour reopened?", True),
        ("Between the report from The Verge on 2023-11-20 and TechCrunch's, is there consistency in the focus?", True),
        ("After TechCrunch reported on the app, was there a change?", True),
        ("Who is the official who, after the storm, is also quoted?", False),
        ("Considering The Verge and TechCrunch, which company launched an app?", False),
        ("Was the app reported before or after the reopening?", False),
        ("What did the port authority say?", False),
    ],
)
def test_yes_no_questions_are_recognised(question, expected):
    assert asks_yes_no(question) is expected


def test_the_models_verdict_opens_the_verified_answer():
    assert with_verdict("The harbour reopened [1].", "Yes") == "Yes. The harbour reopened [1]."
    assert with_verdict("No, it stayed shut [1].", "No") == "No, it stayed shut [1]."
    assert with_verdict("The harbour reopened [1].", None) == "The harbour reopened [1]."
    assert with_verdict("Yes, the harbour reopened [1].", "No") == "No. The harbour reopened [1]."  # the chosen verdict wins


def test_each_named_outlet_gets_its_own_search(settings):
    assert Question("q?", "q?", PassageFilter(outlets=("The Verge",))).outlet_parts == []
    responses = ["Yes. The Verge reported that the harbour reopened [1]. TechCrunch reported a berth app [2]."]
    assistant = Assistant(settings, chat_model=FakeListChatModel(responses=responses), model_name="scripted")
    question = "Does The Verge report that the Port Elin harbour reopened, while TechCrunch reports an app for it?"
    events = list(assistant.stream(question))
    evidence = next(e.data for e in events if e.kind == "evidence")
    answer = next(e.data for e in events if e.kind == "answer")
    assert {e.passage.outlet for e in evidence} == {"The Verge", "TechCrunch"}
    assert any(e.prompt_line().startswith(f"[{e.number}] (TechCrunch, 2023-11-25) ") for e in evidence)
    assert answer.answer.startswith("Yes. ") and answer.citations
    assert answer.scope_from_question and "The Verge" in (answer.scope or "")


def test_one_article_keeps_its_short_lines(settings):
    assistant = Assistant(settings, chat_model=FakeListChatModel(responses=["The fees rose [1]."]), model_name="scripted")
    events = list(assistant.stream("What fees did the harbour raise?", where=PassageFilter(article_ids=("v3",))))
    evidence = next(e.data for e in events if e.kind == "evidence")
    assert evidence and all(not e.prompt_line().split("] ", 1)[1].startswith("(") for e in evidence)


@pytest.mark.model
def test_the_local_model_answers_across_outlets_yes_first(settings):
    assistant = Assistant(settings)
    question = (
        "Does The Verge report that the Port Elin harbour reopened, while TechCrunch reports an app that books berths there?"
    )
    answer = assistant.ask(question)
    assert answer.answer.startswith("Yes"), answer.answer
    assert {c.outlet for c in answer.citations} == {"The Verge", "TechCrunch"}, answer.citations
    assert answer.answer_check is not None and 0.0 < answer.answer_check < 1.0


def test_a_bare_verdict_keeps_the_sentences_it_cites(settings):
    responses = ["No [1]. The Verge says the harbour was never built [2]."]
    assistant = Assistant(settings, chat_model=FakeListChatModel(responses=responses), model_name="scripted")
    answer = assistant.ask("Does The Verge report that the Port Elin harbour stayed closed, while TechCrunch reports an app?")
    assert answer.answer.startswith("No [1]") and not answer.refused and len(answer.citations) == 1
    assert answer.unsupported == ["The Verge says the harbour was never built."]
    refusal = ["No, the articles do not say [1]."]
    refusing = Assistant(settings, chat_model=FakeListChatModel(responses=refusal), model_name="x")
    said_no = refusing.ask("Does The Verge report that the harbour stayed closed?")
    assert said_no.answer == NOT_REPORTED and not said_no.refused and not said_no.citations
    strict = settings.model_copy(deep=True)
    strict.answering.unreported_no = False
    refusing = Assistant(strict, chat_model=FakeListChatModel(responses=refusal), model_name="x")
    assert refusing.ask("Does The Verge report that the harbour stayed closed?").refused
