"""A yes/no question about what the articles report, refused by the checks, is answered No; one about the world
is still refused."""

from dataclasses import replace

import pytest
from test_checks import context, evidence

from assistant.core.checks.check import Draft
from assistant.core.checks.unreported import NOT_REPORTED, UnreportedClaim, asks_about_reporting
from ingest.settings import Settings

SHOWN = evidence("The harbour reopened on Monday after repairs.")


@pytest.mark.parametrize(
    ("question", "about_reporting"),
    [
        ("Does the article say the harbour closed for good?", True),
        ("Did the TechCrunch report mention a recall?", True),
        ("Did Russia use chemical weapons?", False),
        ("Did the harbour close for good?", False),
    ],
)
def test_questions_about_reporting(question, about_reporting):
    assert asks_about_reporting(question, outlets_named=False) is about_reporting
    assert asks_about_reporting(question, outlets_named=True)


def test_a_refused_question_about_the_articles_is_answered_no():
    ctx = context("Does the article say the harbour closed for good?", SHOWN, "", yes_no=True)
    verdict = UnreportedClaim().run(Draft("The harbour closed [1].").refuse("The articles don't say."), ctx)
    assert verdict.draft == Draft(NOT_REPORTED, [], ["The harbour closed [1]."]) and not verdict.draft.refused


def test_a_question_about_the_world_an_answer_or_the_setting_off_is_left_alone():
    world = context("Did the harbour close for good?", SHOWN, "", yes_no=True)
    refused = Draft("x").refuse("The articles don't say.")
    assert UnreportedClaim().run(refused, world).draft is refused
    about = context("Does the article say the harbour reopened?", SHOWN, "", yes_no=True)
    answered = Draft("Yes. The harbour reopened on Monday [1].")
    assert UnreportedClaim().run(answered, about).draft is answered
    off = Settings()
    off.answering.unreported_no = False
    skipped = UnreportedClaim().run(refused, replace(about, settings=off))
    assert skipped.draft is refused and not skipped.ran
    plain = context("What does the article say?", SHOWN, "")
    assert not UnreportedClaim().run(refused, plain).ran


@pytest.mark.model
def test_the_sample_article_answers_no_to_a_claim_it_does_not_report(local_assistant):
    answer = local_assistant.ask("Does the article report that Germany sent troops to Kherson?")
    assert not answer.refused and answer.answer.startswith("No"), answer.answer
    assert "not reported" in answer.checks_run


def test_the_replay_counts_refusals_the_rule_answers_no(tmp_path):
    import json

    from evals.replay import NoReplay, replay_no

    def row(question: str, gold: str, refused: bool) -> str:
        return json.dumps({"standalone_question": question, "refused": refused, "gold": {"answers": [gold]}})

    results = tmp_path / "run.jsonl"
    results.write_text(
        "\n".join(
            [
                row("Does the article say the harbour closed?", "No", True),
                row("Does the report say the harbour reopened?", "Yes", True),
                row("Did the harbour close?", "No", True),
                row("Does the article say the harbour reopened?", "Yes", False),
                row("Where is the harbour?", "Kherson", True),
            ]
        )
    )
    assert replay_no(results) == NoReplay(yes_no=4, refused=3, answered_no=2, right=1)
