"""Checks, each with fakes: what each one keeps, re-points or refuses, and the order they run in."""

from __future__ import annotations

import pytest
from test_routes import passage

import assistant.core.checks.answer_check as answer_check
from assistant.core.answer import ClaimVerdict, Timings
from assistant.core.checks import CHECKS
from assistant.core.checks.answer_check import AnswerCheck
from assistant.core.checks.check import CheckContext, Draft, Verdict, run_checks
from assistant.core.checks.citations import CitationCheck, number_citations, parse_claims
from assistant.core.checks.echo import REFUSAL as ECHO_REFUSAL
from assistant.core.checks.echo import EchoCheck, echoes
from assistant.core.checks.traps import CitedNamesCheck
from assistant.core.checks.yes_no import YesNoFirst
from assistant.core.compose import compose_answer, final_claims
from assistant.core.evidence import Evidence, evidence_answers
from assistant.core.generation import Generation
from assistant.core.question import Question
from assistant.core.routes.route import Found
from assistant.core.support import OverlapSimilarityJudge
from assistant.core.yes_no_choice import YesNoChoice
from assistant.models.chat_models import LocalChatModel
from assistant.models.choices import choice_reader
from ingest.records import PassageFilter
from ingest.settings import Settings

from conftest import FakeEmbedder

EMBEDDER = FakeEmbedder()


def evidence(*texts: str, speaker: str | None = None) -> list[Evidence]:
    rows = []
    for n, text in enumerate(texts, start=1):
        p = passage(f"p{n}", text, speaker=speaker)
        rows.append(Evidence(n, p, 0, len(text), text, 1.0, EMBEDDER.embed([text])[0]))
    return rows


def context(
    standalone: str, shown: list[Evidence], raw: str, model=None, yes_no: bool = False, choice: YesNoChoice | None = None
) -> CheckContext:
    q = Question(standalone, standalone, PassageFilter(), yes_no=yes_no, asking=standalone)
    judge = OverlapSimilarityJudge(EMBEDDER)
    choices = choice_reader(model) if isinstance(model, LocalChatModel) else None
    return CheckContext(q, shown, [e.passage for e in shown], raw, [], Settings(), judge, model, choice, choices=choices)


def test_citation_check_repoints_a_wrong_marker_and_drops_what_nothing_supports():
    shown = evidence("The harbour reopened on Monday after repairs.", "Fishing boats returned on Tuesday.")
    raw = "The harbour reopened on Monday [2]. The mayor resigned over the scandal [1]."
    verdict = CitationCheck().run(Draft(raw), context("When did the harbour reopen?", shown, raw))
    assert verdict.passed and verdict.draft.text == "The harbour reopened on Monday [1]."
    assert verdict.draft.citations[0].quote == shown[0].text
    assert verdict.draft.unsupported == ["The mayor resigned over the scandal."]
    assert (verdict.markers_total, verdict.markers_valid) == (2, 2)
    assert [(c.verdict, c.by) for c in verdict.claims] == [
        (ClaimVerdict.REPOINTED, "citations"),
        (ClaimVerdict.DROPPED, "citations"),
    ]


def test_claim_verdicts_follow_the_answer_to_its_end():
    shown = evidence("The harbour reopened on Monday after repairs.", "Fishing boats returned on Tuesday.")
    raw = "The harbour reopened on Monday [1]. Fishing boats returned on Tuesday [1]."
    cited = CitationCheck().run(Draft(raw), context("What happened?", shown, raw))
    assert [c.verdict for c in cited.claims] == [ClaimVerdict.VERIFIED, ClaimVerdict.REPOINTED]
    assert cited.draft.text == "The harbour reopened on Monday [1]. Fishing boats returned on Tuesday [2]."
    kept = final_claims(list(cited.claims), [], cited.draft)
    assert [c.markers for c in kept] == [[1], [2]]
    trimmed = Verdict("fidelity", Draft("The harbour reopened on Monday [1].", cited.draft.citations[:1]))
    after = final_claims(list(cited.claims), [trimmed], trimmed.draft)
    assert [(c.verdict, c.by, c.markers) for c in after] == [
        (ClaimVerdict.VERIFIED, "citations", [1]),
        (ClaimVerdict.DROPPED, "fidelity", []),
    ]
    refused = Verdict("answer check", cited.draft.refuse())
    assert {(c.verdict, c.by) for c in final_claims(list(cited.claims), [refused], refused.draft)} == {
        (ClaimVerdict.DROPPED, "answer check")
    }


def test_citation_check_holds_words_to_the_person_who_spoke_them():
    shown = evidence("The port will reopen on Monday, Tomas Berg said.", speaker="Tomas Berg")
    raw = "Elena Varga said the port will reopen on Monday [1]."
    verdict = CitationCheck().run(Draft(raw), context("What did Varga say?", shown, raw))
    assert not verdict.passed and verdict.draft.unsupported


def test_yes_no_first_keeps_the_verdict_and_a_bare_verdict_its_citations():
    shown = evidence("The harbour stayed shut all week.")
    kept = YesNoFirst().run(
        Draft("The harbour stayed shut [1]."), context("Did it reopen?", shown, "No. The harbour stayed shut [1].", yes_no=True)
    )
    assert kept.draft.text == "No. The harbour stayed shut [1]."
    bare = YesNoFirst().run(Draft("", refused=True), context("Did it reopen?", shown, "No [1].", yes_no=True))
    assert bare.passed and bare.draft.text == "No [1]." and bare.draft.citations
    plain = YesNoFirst().run(Draft("x", refused=True), context("When?", shown, "No [1]."))
    assert not plain.passed


def test_a_verdict_read_from_probabilities_replaces_the_one_the_model_wrote():
    shown = evidence("The harbour reopened on Monday after repairs.")
    moved = YesNoChoice(probability=0.6, prior=0.1, floor=1.0)  # the evidence moved the log-odds of Yes by 2.6
    assert moved.score == pytest.approx(2.603, abs=0.01) and moved.verdict == "Yes"
    assert YesNoChoice(0.6, 0.1, floor=3.0).verdict == "No"
    ctx = context("Did the harbour reopen?", shown, "No, the harbour reopened [1].", yes_no=True, choice=moved)
    kept = YesNoFirst().run(Draft("No, the harbour reopened [1]."), ctx)
    assert kept.draft.text == "Yes. The harbour reopened [1]."
    bare = YesNoFirst().run(Draft("", refused=True), context("Did it reopen?", shown, "No [1].", yes_no=True, choice=moved))
    assert bare.draft.text == "Yes [1]." and bare.draft.citations


def test_cited_names_check_refuses_an_answer_about_another_year():
    shown = evidence("The Huguenots fled France in 1551.")
    ctx = context("Who fled France in 1690?", shown, "The Huguenots fled France [1].")
    draft = CitationCheck().run(Draft(ctx.raw), ctx).draft
    verdict = CitedNamesCheck().run(draft, ctx)
    assert not verdict.passed and "1690" in (verdict.draft.refusal or "")
    assert verdict.draft.unsupported[-1] == draft.text


def test_answer_check_refuses_below_its_floor_and_records_the_probability(monkeypatch):
    shown = evidence("The harbour reopened on Monday.")
    model = LocalChatModel(model_path="unused.gguf")
    monkeypatch.setattr(answer_check, "same_probability", lambda *args: 0.3)
    low = AnswerCheck().run(Draft("It reopened [1]."), context("When?", shown, "It reopened [1].", model))
    assert not low.passed and low.probability == 0.3 and low.draft.refusal == answer_check.REFUSAL
    monkeypatch.setattr(answer_check, "same_probability", lambda *args: 0.9)
    assert AnswerCheck().run(Draft("It reopened [1]."), context("When?", shown, "x", model)).passed
    unknown = AnswerCheck().run(Draft("It reopened [1]."), context("When?", shown, "x", model=object()))
    assert unknown.passed and unknown.probability is None and not unknown.ran


def test_checks_after_a_refusal_run_only_if_they_rescue():
    ran = []

    class Refuses:
        name, on_refused = "refuses", False

        def run(self, draft, context):
            ran.append(self.name)
            return Verdict(self.name, draft.refuse("no"))

    class Later:
        def __init__(self, name, on_refused):
            self.name, self.on_refused = name, on_refused

        def run(self, draft, context):
            ran.append(self.name)
            return Verdict(self.name, draft)

    verdicts = run_checks([Refuses(), Later("rescuer", True), Later("judge", False)], Draft("x"), None)  # type: ignore[list-item, arg-type]
    assert ran == ["refuses", "rescuer"] and [v.check for v in verdicts] == ["refuses", "rescuer"]
    assert [c.name for c in CHECKS] == [
        "citations",
        "fidelity",
        "quotation marks",
        "echo",
        "yes or no first",
        "cited names and numbers",
        "answer check",
        "part by part",
        "not reported",
    ]


@pytest.mark.parametrize(
    ("question", "score", "answerable"),
    [
        ("When did the harbour reopen?", 0.9, True),
        ("When did the harbour reopen?", 0.1, False),
        ("When did Oslo reopen?", 0.9, False),
    ],
)
def test_evidence_gate(question, score, answerable):
    shown = evidence("The harbour reopened on Monday.")
    shown[0].score = score
    assert evidence_answers(question, [e.passage for e in shown], shown, 0.3) is answerable


def test_the_answer_is_composed_from_the_last_verdict():
    q = Question("Who?", "Who?", PassageFilter())
    found = Found([], [], refusal=None)
    refused = Verdict("x", Draft("", refused=True, refusal="Not said."))
    answer = compose_answer(q, found, Generation(raw="raw"), [refused], None, Timings())
    assert answer.refused and answer.answer == "Not said." and answer.raw_answer == "raw"
    failed = compose_answer(q, found, Generation(error="down"), [], None, Timings())
    assert failed.answer == "Could not generate an answer: down" and not failed.refused
    default = compose_answer(q, found, Generation(), [], None, Timings())
    assert default.refused and "Nothing in them answers “Who?”" in default.answer


@pytest.mark.parametrize(
    ("question", "answer", "echo"),
    [
        ("Which town did the storm hit?", "The town was hit [1].", True),
        ("Which town did the storm hit?", "Hit by the storm was the town [1].", True),  # order
        ("Which town did the storm hit?", "Storms hit towns [1].", True),  # inflection
        ("Which town did the storm hit?", "The articles say the town was hit [2].", True),  # framing adds nothing
        ("Which town did the storm hit?", "The storm hit the town of Lewes [1].", False),
        ("Who decided to end the strike?", "The strike was ended [1].", True),
        ("Who decided to end the strike?", "The dockworkers' union decided to end the strike [1].", False),
        ("Did the storm hit the town?", "Yes, the storm hit the town [1].", False),  # the verdict is the answer
        ("Did the storm hit the town?", "No [1].", False),
        ("Did the storm hit the town?", "The storm hit the town [1].", False),  # a verdict's reason confirms
        ("How many boats sank?", "Three boats sank [1].", False),  # a number is content
        ("How many boats sank?", "3 boats sank [1].", False),
        ("Who is mediating the talks?", "The US is mediating the talks [1].", False),  # a name, though a stop word
    ],
)
def test_an_echo_adds_no_content_word_to_the_question(question, answer, echo):
    assert echoes(answer, question) is echo


def test_the_echo_check_refuses_a_restated_question_and_keeps_an_answer():
    shown = evidence("The storm hit the coast on Monday, flooding the town's harbour.")
    ask = "Which town did the storm hit?"
    refused = EchoCheck().run(Draft("The town was hit [1]."), context(ask, shown, "The town was hit [1]."))
    assert not refused.passed and refused.draft.refusal == ECHO_REFUSAL
    kept = EchoCheck().run(Draft("The storm hit Lewes [1]."), context(ask, shown, "The storm hit Lewes [1]."))
    assert kept.passed and kept.draft.text == "The storm hit Lewes [1]."


def test_a_claim_ending_in_an_abbreviation_keeps_its_dot():
    shown = evidence("The talks began at 9 a.m.", "The harbour reopened on Monday.")
    text, citations = number_citations([("The talks began at 9 a.m.", [1]), ("The harbour reopened on Monday.", [2])], shown)
    assert text == "The talks began at 9 a.m. [1]. The harbour reopened on Monday [2]." and len(citations) == 2
    assert [c.markers for c in parse_claims(text)] == [[1], [2]]
