"""Whether reports agree: read from the question, answered with each report's sentence side by side."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from test_multi import HARBOUR

from assistant.core.assistant import Assistant
from assistant.core.compound import question_parts
from assistant.core.consistency import consistency_question
from assistant.core.question import asking_part, asks_yes_no
from assistant.core.routes.consistency import NO_CONTRADICTION

from conftest import byline, outlet_store

SCRIPTED = "Yes. The reports are consistent [1]."


def read(question: str) -> str | None:
    yes_no, asking = asks_yes_no(question), asking_part(question)
    found = consistency_question(asking, yes_no, question_parts(asking) if yes_no else ())
    return None if found is None else found.no_contradiction


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        (
            "Between the Verge report on the harbour and the TechCrunch report on the app, was there consistency in the coverage?",
            "Yes",
        ),
        (
            "Between the Verge report on the harbour and the TechCrunch report on the app, was there inconsistency in the coverage?",
            "No",
        ),
        ("Did the TechCrunch article disagree with the Verge report about the harbour?", "No"),
        ("Has the coverage of the harbour remained consistent between the report of 20 November and the later article?", "Yes"),
        (
            "Between the Verge report and the TechCrunch article, was the account of the harbour consistent or inconsistent?",
            "Consistent",
        ),
        ("Is there a discrepancy between the two reports on the harbour fees?", "No"),
    ],
)
def test_a_question_about_reports_agreeing_is_read(question, reply):
    assert read(question) == reply


@pytest.mark.parametrize(
    "question",
    [
        "Is the harbour consistent with safety rules?",  # one report at most: about the world
        "Do both articles agree that the harbour reopened?",  # a claim to check in both
        "Was the Verge report inconsistent with the TechCrunch article, while the berth app was launched in November?",  # compound
        "Was the Verge report not consistent with the TechCrunch article?",  # negated
        "Did the Verge report show a change or consistency in the TechCrunch article's figures?",  # an alternative
        "Did the Verge report say the harbour reopened, and did the TechCrunch article mention it?",  # no agreement word
        "Which report was consistent with the TechCrunch article?",  # not yes/no
    ],
)
def test_other_questions_are_not_read_as_agreement(question):
    assert read(question) is None


def ask(settings, question: str):
    return Assistant(settings, chat_model=FakeListChatModel(responses=[SCRIPTED]), model_name="scripted").ask(question)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return outlet_store(tmp_path_factory.mktemp("consistency"), HARBOUR)


def test_each_reports_sentence_is_shown_under_the_verdict(settings):
    answer = ask(
        settings,
        "Between the report from The Verge on the Port Elin harbour reopening and the TechCrunch report on the berth "
        "app, was there inconsistency in the coverage of the harbour?",
    )
    assert answer.answer.startswith(
        f"No. {NO_CONTRADICTION} The Verge (2023-11-20) and TechCrunch (2023-11-25) report. The harbour of Port Elin reopened"
    ), answer.answer
    assert [c.outlet for c in answer.citations] == ["The Verge", "TechCrunch"]
    assert answer.citations[0].article_id in {"v1", "v2"} and answer.citations[1].article_id == "t1"
    assert answer.model == "reports side by side" and not answer.raw_answer and not answer.refused


def test_reports_from_one_outlet_are_two_of_its_articles(settings):
    question = "Has the Verge's coverage of the Port Elin harbour remained consistent between its report on the reopening and its article on fees?"
    answer = ask(settings, question)
    assert answer.answer.startswith(f"Yes. {NO_CONTRADICTION}"), answer.answer
    cited = [c.article_id for c in answer.citations]
    assert len(set(cited)) == 2 and {c.outlet for c in answer.citations} == {"The Verge"}, cited


def test_weak_evidence_goes_back_to_the_usual_path(settings):
    answer = ask(settings, "Between the two reports on the Mars colony, was there inconsistency in the coverage of its budget?")
    assert NO_CONTRADICTION not in answer.answer and answer.model != "reports side by side"


def test_the_setting_turns_the_route_off(settings):
    off = settings.model_copy(deep=True)
    off.answering.consistency_answers = False
    answer = ask(off, "Between the Verge report on the harbour and the TechCrunch report on the app, was there consistency?")
    assert answer.model == "scripted" and NO_CONTRADICTION not in answer.answer


def test_the_terminal_shows_the_verdict_and_each_report(settings):
    question = (
        "Between the Verge report on the Port Elin harbour and the TechCrunch report on the berth app, was there consistency?"
    )
    done = byline("ask", "--json", "--store", str(settings.store.path), question)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answer"].startswith(f"Yes. {NO_CONTRADICTION} The Verge (2023-11-20) and TechCrunch (2023-11-25) report.")
    assert [c["outlet"] for c in answer["citations"]] == ["The Verge", "TechCrunch"]
