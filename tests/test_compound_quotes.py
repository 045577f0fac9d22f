"""Compound quote checks: "Did Macron say A, and did Vance say B?" judges each claim against its own speaker's
sentences; a part that is not about words said is named, not judged."""

from datetime import date

from test_quote_check import index  # noqa: F401  (the fixture)

from assistant.core.answer import QuoteVerdict
from assistant.core.question import understand
from ingest.records import PassageFilter


def read(question: str, speakers):
    return understand(question, question, PassageFilter(), speakers, 0.8, date(2026, 1, 1))


def test_each_part_of_a_compound_quote_question_is_a_claim_of_its_own(index):  # noqa: F811
    both = read("Did Vance say that Europe must pay for defence, and did Ana Ruiz say 'the port will reopen Monday'?", index)
    assert [c.name if c else None for c in both.part_quotes] == ["Vance", "Ana Ruiz"]
    assert both.quote == both.part_quotes[0] and both.quote.words == "Europe must pay for defence"
    mixed = read("Did Vance say that Europe must pay for defence, while the port reopened on Monday?", index)
    assert mixed.quote is not None and mixed.quote.words == "Europe must pay for defence"
    assert mixed.part_quotes[1] is None and mixed.parts[1] == "Does the port reopened on Monday?"
    whole = read("Did Vance say that Europe must pay for defence?", index)
    assert whole.parts == () and whole.part_quotes == ()


def test_two_claims_are_judged_apart_and_a_deed_is_named_not_judged(sample_settings):
    """The real store and sample article; words found as said need no model."""
    from assistant.core.assistant import Assistant

    assistant = Assistant(sample_settings)
    two = assistant.ask("Did Macron say 'peace at any price' is not true peace, and did Vance say there is a stalemate?")
    assert two.answer.startswith("Verbatim. Emmanuel Macron said these words"), two.answer
    assert "JD Vance said these words" in two.answer and "[2]" in two.answer
    assert [c.marker for c in two.citations] == [1, 2] and "stalemate" in two.citations[1].quote
    assert two.quote_check is not None and two.quote_check.verdict is QuoteVerdict.VERBATIM
    mixed = assistant.ask("Did Macron say 'peace at any price' is not true peace, while Vance proposed a ceasefire?")
    assert mixed.answer.startswith("Verbatim."), mixed.answer
    assert "The other part, “Did Vance propose a ceasefire?”, is not about words someone said" in mixed.answer
    assert len(mixed.citations) == 1 and not mixed.refused
