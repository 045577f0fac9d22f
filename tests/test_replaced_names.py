"""The cited-names check on a place or a date the answer's sentence swaps for the question's (real spaCy parser)."""

import json
from dataclasses import replace

import pytest
from test_checks import context, evidence

from assistant.core.checks.check import Draft
from assistant.core.checks.citations import number_citations
from assistant.core.checks.traps import CitedNamesCheck, replaced_places_and_dates

KHERSON = (
    "On Sunday, Russian bombardments targeted residential areas in the eastern Ukrainian city of Kherson, resulting "
    "in the death of a 75-year-old woman and injuring two others."
)
KYIV = "Russia launched a large-scale invasion aimed at capturing Kyiv."


def one_article(*texts: str):
    """Sentences of one article, so that the question's names are all in the article (the older check passes)."""
    return [replace(e, passage=replace(e.passage, article_id="a1")) for e in evidence(*texts)]


def cited_first(raw: str, shown) -> Draft:
    """The answer as the citation check would leave it, citing the first sentence."""
    text, citations = number_citations([(raw, [1])], shown)
    return Draft(text, citations)


def checked(question: str, raw: str, *texts: str):
    shown = one_article(*texts)
    return CitedNamesCheck().run(cited_first(raw, shown), context(question, shown, raw))


def test_an_answer_about_another_city_is_refused_naming_both():
    verdict = checked("How many people died in Kyiv?", "Two.", KHERSON, KYIV)
    assert not verdict.passed
    assert verdict.draft.refusal == (
        "The articles don't say. The closest sentences name Kherson, not Kyiv, which the question asks about; "
        "they are listed below."
    )


def test_the_same_city_passes():
    assert checked("How many people died in Kherson?", "One woman died.", KHERSON, KYIV).passed


def test_an_answer_from_another_year_is_refused_though_the_article_has_the_asked_year():
    verdict = checked(
        "Who described a steam turbine in 1690?",
        "Taqi al-Din described a steam turbine.",
        "Taqi al-Din described a steam turbine in 1551.",
        "Denis Papin built a pressure cooker in 1690.",
    )
    assert not verdict.passed and "1551, not 1690" in (verdict.draft.refusal or "")


def test_a_century_and_a_description_are_not_compared():
    century = checked("Which settlement was founded in the 16th century?", "Fort Caroline.", "Fort Caroline was founded in 1564.")
    assert century.passed
    group = checked(
        "What did Amnesty International report?",
        "The London-based group reported abuses.",
        "The London-based group reported abuses in Kherson.",
        "Amnesty International is banned in Russia.",
    )
    assert group.passed


def test_a_date_may_be_the_cited_articles_own():
    shown = one_article("The company cut its forecast for the year, citing weak demand in 2021.")
    ctx = context("What did the report published on November 1, 2023 say?", shown, "It cut its forecast.")
    draft = cited_first(ctx.raw, shown)
    undated = replaced_places_and_dates(ctx.question.asking, draft.citations, [])
    assert [r.asked for r in undated] == ["November 1, 2023"]
    dated = [c.model_copy(update={"published_at": "2023-11-01T08:00:00+00:00"}) for c in draft.citations]
    assert replaced_places_and_dates(ctx.question.asking, dated, []) == []


@pytest.mark.model
def test_a_span_about_another_city_in_the_sample_is_refused(local_assistant):
    answer = local_assistant.ask("How many people died in Kyiv?")
    assert answer.refused and "Kherson, not Kyiv" in answer.answer, answer.raw_answer
    assert answer.sources, "a refusal still lists the closest passages"


def test_the_replay_counts_what_the_test_would_refuse_in_stored_results(tmp_path):
    from evals.replay import Replay, replay

    def row(question: str, quote: str, answerable: bool, refused: bool = False) -> str:
        cited = {"passage_id": "p", "article_id": "a", "title": "t", "source": "s", "start": 0, "end": 1}
        return json.dumps(
            {
                "standalone_question": question,
                "refused": refused,
                "citations": [{**cited, "marker": 1, "quote": quote}],
                "gold": {"answerable": answerable},
            }
        )

    results = tmp_path / "run.jsonl"
    results.write_text(
        "\n".join(
            [
                row("How many people died in Kyiv?", KHERSON, answerable=False),
                row("How many people died in Kherson?", KHERSON, answerable=True),
                row("Who died in Kyiv?", KHERSON, answerable=False, refused=True),
            ]
        )
    )
    assert replay(results, names_max=2) == Replay(1, 2, 0, 1)
