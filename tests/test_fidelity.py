"""The fidelity check: who does what to whom (spaCy's parse), numbers, days and negation of a claim against the
sentence it cites; the check in the answering core; and the swapped-claims set with the real store, embedder and
support judge (no generation)."""

from __future__ import annotations

import pytest
from test_checks import context, evidence

from assistant.core.answer import Citation
from assistant.core.checks.check import Draft
from assistant.core.checks.fidelity import FidelityCheck, departures, without_claims
from assistant.core.checks.roles import swapped_roles
from ingest.settings import Settings
from ingest.speakers.attribute import english_pipeline

CALL = "On Monday, US President Donald Trump conducted a two-hour phone conversation with Russian President Vladimir Putin."


@pytest.mark.parametrize(
    ("claim", "sentence", "swapped"),
    [
        ("Putin conducted a phone conversation with Trump.", CALL, True),
        ("Trump conducted a two-hour phone conversation with Putin.", CALL, False),
        ("The offer was rejected by Brightwell's board.", "Brightwell's board rejected the Holt Foods offer on Monday.", False),
        ("Holt Foods rejected the offer.", "Brightwell's board rejected the Holt Foods offer on Monday.", True),
        (
            "Regulators approved Brightwell's purchase of Holt Foods.",
            "Regulators approved Holt Foods' purchase of Brightwell.",
            True,
        ),
        ("Putin would challenge Trump.", "Vance suggested that Trump would challenge Putin on his intentions.", True),
        ("The French government issued a statement.", "The UK government issued a statement pressing Putin.", True),
        ("Ruiz said the port had offered a raise.", "She said the port had offered a 6 percent raise.", False),  # a pronoun
        ("Park urged both sides to settle.", "The mayor urged both sides to settle quickly.", False),  # a title
        (
            "Russia designated Amnesty International an undesirable group.",
            "The Russian Prosecutor General's Office designated Amnesty International as undesirable.",
            False,
        ),
    ],
)
def test_who_does_what_to_whom(claim, sentence, swapped):
    nlp = english_pipeline()
    assert bool(swapped_roles(nlp(claim), nlp(sentence))) is swapped


def test_numbers_days_and_negation_depart_and_several_sentences_share_the_numbers():
    sentence = "The union was asking for a 12 percent raise over two years."
    claims = [
        "The union asked for a 15 percent raise.",
        "The union was not asking for a raise.",
        "The union asked for 12 percent, and the port offered 6 percent.",
        "The union asked for a 12 percent raise.",
    ]
    cited = [[sentence], [sentence], [sentence, "The port offered a 6 percent raise."], [sentence]]
    found = departures(claims, cited)
    assert [d is not None for d in found] == [True, True, False, False]
    assert departures(claims[1:2], cited[1:2], negation=False) == [None]


def _citation(marker: int, quote: str) -> Citation:
    return Citation(marker=marker, quote=quote, passage_id="p", article_id="a", title="t", source="s", start=0, end=1)


def test_without_claims_renumbers_what_is_left():
    draft = Draft("A happened [1]. B happened [2][3]. C happened [3].", [_citation(1, "a"), _citation(2, "b"), _citation(3, "c")])
    left = without_claims(draft, {0})
    assert left.text == "B happened [1][2]. C happened [2]." and [c.quote for c in left.citations] == ["b", "c"]
    assert left.unsupported == ["A happened."] and not left.refused
    assert without_claims(draft, {0, 1, 2}).refused


def test_the_check_drops_a_swapped_claim_and_keeps_the_rest():
    shown = evidence("Trump called Putin on Monday.", "The Kremlin said the call lasted two hours.")
    raw = "Putin called Trump on Monday [1]. The call lasted two hours [2]."
    draft = Draft(raw, [_citation(1, shown[0].text), _citation(2, shown[1].text)])
    verdict = FidelityCheck().run(draft, context("Who called whom?", shown, raw))
    assert verdict.passed and verdict.draft.text == "The call lasted two hours [1]."
    assert verdict.departed[0].claim == "Putin called Trump on Monday." and "putin" in verdict.departed[0].how[0]


def test_a_yes_no_answer_may_negate_what_it_cites():
    shown = evidence("The port reopened on Saturday after the strike.")
    raw = "No, the port did not stay closed after the strike [1]."
    draft = Draft(raw, [_citation(1, shown[0].text)])
    verdict = FidelityCheck().run(draft, context("Did the port stay shut?", shown, raw, yes_no=True))
    assert verdict.passed and not verdict.departed
    raw = "Yes, the port reopened on Friday [1]."  # the question's day is no evidence for it
    draft = Draft(raw, [_citation(1, shown[0].text)])
    verdict = FidelityCheck().run(draft, context("Did the port reopen on Friday?", shown, raw, yes_no=True))
    assert [d.how for d in verdict.departed] == [["day: friday for saturday"]]


def test_no_changed_claim_of_the_set_is_verified_and_every_faithful_one_is(tmp_path):
    """The swapped-claims set's dev split through the real checks, asked as a question that names nothing and as one
    that names what the claim names (the judge lets a claim repeat the question's names): before, the citation check
    alone verified 5 and 12 of the 15 changed claims (docs/EVALUATION.md)."""
    from evals.claims_eval import judge_claims, load_claims

    items = load_claims(split="dev")
    assert len(load_claims()) >= 50 and {i.kind for i in items} >= {"subject", "object", "number", "negation", "faithful"}
    for names_asked, before in ((False, 4), (True, 10)):
        results = judge_claims(items, Settings(store=tmp_path / "store"), names_asked)
        changed = [r for r in results if r.item.kind != "faithful"]
        assert sum(r.verified_before for r in changed) >= before  # what the fidelity check is for
        assert not [r.item.claim for r in changed if r.verified_after]
        assert not [r.item.claim for r in results if r.item.kind == "faithful" and not r.verified_after]


def test_rather_and_instead_negate_nothing_an_answer_claims():
    sentence = "She resigned rather than defend a policy that pressured Ukraine, and expressed her dissent."
    assert departures(["Brink expressed her dissent."], [[sentence]]) == [None]
    assert departures(["Brink did not express her dissent."], [[sentence]])[0] is not None


def test_what_the_question_and_the_cited_articles_give_is_the_claims_to_repeat():
    sentence = "New customers can get up to $1000 in bonus bets if their first bet loses, The Verge reported."
    claim = "TechCrunch reported on October 31, 2023, that new customers can get up to $1,000 in bonus bets."
    assert departures([claim], [[sentence]])[0] is not None  # the outlet and the date come from nowhere
    given = "TechCrunch 2023-10-31T09:00:00"  # the cited article's outlet and date
    assert departures([claim], [[sentence]], given=[given]) == [None]
    assert departures(["They can get up to $2,000 in bonus bets."], [[sentence]], given=[given])[0] is not None


def test_a_day_of_the_month_counts_as_a_number_unless_written_as_the_date():
    sentence = "The city council voted on Friday to spend 9 million euros on emergency repairs."
    given = ["City Wire 2026-01-19"]
    assert departures(["The council voted to spend 19 million euros."], [[sentence]], given=given)[0] is not None
    assert departures(
        ["City Wire reported on January 19, 2026 that the council voted to spend 9 million euros."], [[sentence]], given=given
    ) == [None]


def test_a_not_elsewhere_in_the_sentence_negates_only_its_own_word():
    sentence = (
        "French President Emmanuel Macron reiterated that Putin should accept the proposed ceasefire, "
        "reinforcing that 'peace at any price' is not true peace."
    )
    assert departures(["Macron reiterated that Putin should accept the proposed ceasefire."], [[sentence]]) == [None]


def test_a_clause_on_a_noun_is_not_what_the_noun_names():
    """A passage that starts with its headline glued on: "cracks" is not "cracks Engineers inspecting the bridge"."""
    sentence = (
        "Bridge inspection finds cracks Engineers inspecting the Old Mill bridge found three cracks in its main span on Monday."
    )
    assert departures(["The engineers found three cracks in its main span on Monday."], [[sentence]]) == [None]
