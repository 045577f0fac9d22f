"""Quote checks: the question read into a claim, the verbatim and change rules, the verdict's order (unit tests
with a stand-in for the model's choice), and the route end to end on the quote-check articles with the real
store, embedder and local model."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from assistant.core.answer import Answer, Citation, QuoteVerdict
from assistant.core.checks.check import Draft
from assistant.core.checks.quotation_marks import QuotationMarksCheck, misquoted
from assistant.core.evidence import Evidence
from assistant.core.quotes.candidates import Said
from assistant.core.quotes.claim import QuoteClaim, quote_claim
from assistant.core.quotes.matching import changes, pieces_found, verbatim
from assistant.core.quotes.verdict import QuoteFloors, judge
from assistant.core.retrieval import RetrievedPassage
from assistant.core.support import word_share
from evals.datasets import QUOTE_CHECKS, QUOTE_CORPUS, load_dataset
from ingest.records import Attribution, StoredPassage
from ingest.speakers.index import SpeakerIndex

from conftest import byline


@pytest.fixture
def index() -> SpeakerIndex:
    found = SpeakerIndex("t")
    for n, (name, text) in enumerate(
        [("Tomás Ruiz", "Tomás Ruiz said."), ("Ana Ruiz", "Ana Ruiz said."), ("JD Vance", "Vance said.")]
    ):
        found.add(f"p{n}", f"a{n}", text, (Attribution(0, len(text), name, "person", 0, len(name)),), outlet="Harbour Daily")
    return found


@pytest.mark.parametrize(
    ("question", "words", "name", "quoted"),
    [
        ("Did Vance say that Europe must pay for its own defence?", "Europe must pay for its own defence", "Vance", False),
        ("Is it true Vance called the talks a trap?", "the talks a trap", "Vance", False),
        ("Did the mayor really say 'we will not negotiate'?", "we will not negotiate", "the mayor", True),
        ("'The port will reopen Monday,' said Ana Ruiz. True?", "The port will reopen Monday", "Ana Ruiz", True),
        ("Ana Ruiz said: “The port will reopen Monday.” Is that true?", "The port will reopen Monday", "Ana Ruiz", True),
        ("Who said 'the ceasefire is a trap'?", "the ceasefire is a trap", None, True),
        ('Who said "If we raise fees, the ships go"?', "If we raise fees, the ships go", None, True),
    ],
)
def test_quote_questions_are_read_into_claims(index, question, words, name, quoted):
    claim = quote_claim(question, index)
    assert claim is not None and (claim.words, claim.name, claim.quoted) == (words, name, quoted)


@pytest.mark.parametrize(
    "question",
    ["What did Vance say?", "Did Vance say anything about Russia?", "Did Russia attack Kherson?", "Did The Verge say it?"],
)
def test_other_questions_are_not_quote_checks(index, question):
    index.outlets["The Verge"] += 1
    assert quote_claim(question, index) is None


def test_title_and_speakers_of_a_claim(index):
    assert quote_claim("Did the mayor say 'no deal'?", index).title == "mayor"  # type: ignore[union-attr]
    assert quote_claim("Did Ruiz say 'no deal today'?", index).speakers == ("Tomás Ruiz", "Ana Ruiz")  # type: ignore[union-attr]


SENTENCE = '"We have waited three years for a fair raise, and we will not wait any longer," said Tomás Ruiz.'


def test_verbatim_tolerates_case_punctuation_ellipsis_and_a_dropped_clause():
    assert verbatim("WE WILL NOT WAIT ANY LONGER!", SENTENCE)
    assert verbatim("We have waited three years … we will not wait any longer", SENTENCE)
    assert verbatim(
        "Europe must pay for its own defence", "Europe, which has relied on us for decades, must pay for its own defence."
    )
    assert verbatim("Don’t cut the budget", "“Don't cut the budget,” she said.")


def test_verbatim_refuses_changed_or_joined_words():
    assert verbatim("we will wait any longer", SENTENCE) is None  # a "not" dropped is no dropped clause
    assert verbatim("we waited three years", SENTENCE) is None
    assert verbatim("any longer", SENTENCE) is None  # too short to tell
    other = "The port is the heart of this city."
    assert pieces_found("we will not wait any longer and the port is the heart of this city", [SENTENCE, other]) == [0, 1]
    assert pieces_found("we will not wait any longer", [SENTENCE]) is None  # one piece is no stitching


def test_changes_read_from_the_words():
    kinds = lambda claim, sentence: [c.kind for c in changes(claim, sentence)]  # noqa: E731
    assert kinds("Italy would reach 3 percent by 2028", "He said Italy would reach 2 percent by 2028.") == ["number"]
    assert kinds("the port would reopen on Sunday", "She said the port would reopen on Saturday at 6 a.m.") == ["day"]
    assert kinds("the board had made such a promise", "Cho said the board had never made such a promise.") == ["negation"]
    assert kinds("spending more is the whole answer", "Spending more is only half the answer.") == ["scope"]
    assert (
        kinds("each day costs the city 4 million euros", "Every day the cranes stand still costs this city 4 million euros.")
        == []
    )
    assert (
        kinds("the dispute is about who leads", "It is not about money, it is about who leads, he said.") == []
    )  # "not" elsewhere


def _said(text: str, speakers: tuple[str, ...], relevance: float, article: str = "a1", start: int = 0) -> Said:
    attributions = tuple(
        Attribution(start, start + len(text), s, "person", start + i, start + i + 1) for i, s in enumerate(speakers)
    )
    stored = StoredPassage(
        f"{article}-{start}",
        article,
        "T",
        "src",
        text,
        start,
        start + len(text),
        ((start, start + len(text)),),
        speakers=attributions,
    )
    passage = RetrievedPassage.of(stored, 0.0, {})
    return Said((Evidence(0, passage, start, start + len(text), text, 0.0, np.zeros(1)),), speakers, relevance)


FLOORS = QuoteFloors(meaning=0.5, topic=0.45, other=0.6)


def _verdict(claim: QuoteClaim, asked: tuple[str, ...], candidates: list[Said], p: float | None = 0.9) -> QuoteVerdict:
    return judge(claim, asked, candidates, FLOORS, lambda text: p).check.verdict


def test_the_asked_persons_words_are_verbatim_and_someone_elses_are_named():
    claim = QuoteClaim("we will not wait any longer", "say", "Ana Ruiz", ("Ana Ruiz",), quoted=True)
    tomas = _said(SENTENCE, ("Tomás Ruiz",), 0.9)
    ana = _said("The walkout is reckless, she said.", ("Ana Ruiz",), 0.5, start=200)
    found = judge(claim, ("Ana Ruiz",), [tomas, ana], FLOORS, lambda text: 0.99)
    assert found.check.verdict is QuoteVerdict.SOMEONE_ELSE and found.check.said_by == ["Tomás Ruiz"]
    mine = QuoteClaim("we will not wait any longer", "say", "Tomás Ruiz", ("Tomás Ruiz",), quoted=True)
    assert _verdict(mine, ("Tomás Ruiz",), [tomas, ana]) is QuoteVerdict.VERBATIM


def test_a_changed_number_is_changed_however_sure_the_model_is():
    claim = QuoteClaim("Italy would reach 3 percent by 2028", "say", "Conti", ("Paolo Conti",))
    said = _said("He said Italy would reach 2 percent by 2028.", ("Paolo Conti",), 0.88)
    assert _verdict(claim, ("Paolo Conti",), [said], p=0.99) is QuoteVerdict.CHANGED


def test_meaning_needs_the_models_yes_and_the_topic():
    claim = QuoteClaim("there was a stalemate", "say", "Vance", ("JD Vance",))
    said = _said("Vance remarked that there is a stalemate in the situation.", ("JD Vance",), 0.7)
    assert _verdict(claim, ("JD Vance",), [said], p=0.7) is QuoteVerdict.PARAPHRASE
    assert _verdict(claim, ("JD Vance",), [said], p=0.3) is QuoteVerdict.NOT_FOUND
    off_topic = _said("Vance said the weather was fine.", ("JD Vance",), 0.2)
    assert _verdict(claim, ("JD Vance",), [off_topic], p=0.99) is QuoteVerdict.NOT_FOUND


def test_someone_else_by_meaning_asks_for_more_than_a_paraphrase():
    claim = QuoteClaim("small suppliers suffer first", "say", "Ana Ruiz", ("Ana Ruiz",))
    nair = _said('"Small suppliers feel it first," Nair said.', ("Priya Nair",), 0.7)
    assert _verdict(claim, ("Ana Ruiz",), [nair], p=0.55) is QuoteVerdict.NOT_FOUND  # above meaning, below other
    assert _verdict(claim, ("Ana Ruiz",), [nair], p=0.7) is QuoteVerdict.SOMEONE_ELSE


def test_someone_else_is_named_only_when_their_sentence_holds_the_claims_words():
    claim = QuoteClaim("Russia is bluffing", "say", "Macron", ("Emmanuel Macron",))
    putin = _said("Putin said Russia is prepared to work on a memorandum about a future peace treaty.", ("Vladimir Putin",), 0.6)
    assert word_share(claim.words, putin.text) == 0.5
    strict = replace(FLOORS, other_words=0.8)
    assert judge(claim, ("Emmanuel Macron",), [putin], FLOORS, lambda text: 0.9).check.verdict is QuoteVerdict.SOMEONE_ELSE
    assert judge(claim, ("Emmanuel Macron",), [putin], strict, lambda text: 0.9).check.verdict is QuoteVerdict.NOT_FOUND
    bluffing = _said("Putin said Russia is bluffing about the talks.", ("Vladimir Putin",), 0.6)
    assert judge(claim, ("Emmanuel Macron",), [bluffing], strict, lambda text: 0.9).check.said_by == ["Vladimir Putin"]


def test_a_stitched_quote_is_changed_never_verbatim():
    claim = QuoteClaim("we will not wait any longer, but it is a fair deal", "say", "Tomás Ruiz", ("Tomás Ruiz",), quoted=True)
    first = _said(SENTENCE, ("Tomás Ruiz",), 0.6)
    second = _said('"It is not everything we asked for, but it is a fair deal," Tomás Ruiz said.', ("Tomás Ruiz",), 0.6, "a2")
    found = judge(claim, ("Tomás Ruiz",), [first, second], FLOORS, lambda text: 0.99)
    assert found.check.verdict is QuoteVerdict.CHANGED and len(found.cited) == 2


def test_of_two_speakers_in_one_sentence_the_words_go_to_the_nearer():
    text = 'Stars like Arnold Schwarzenegger, who admitted to being like a "drill instructor", and Reese Witherspoon, who said she wants kids to fail.'
    a, r = text.index("Arnold"), text.index("Reese")
    attributions = (
        Attribution(0, len(text), "Arnold Schwarzenegger", "person", a, a + 6),
        Attribution(0, len(text), "Reese Witherspoon", "person", r, r + 5),
    )
    stored = StoredPassage("p", "a", "T", "s", text, 0, len(text), ((0, len(text)),), speakers=attributions)
    said = Said(
        (Evidence(0, RetrievedPassage.of(stored, 0.0, {}), 0, len(text), text, 0.0, np.zeros(1)),),
        ("Arnold Schwarzenegger", "Reese Witherspoon"),
        0.8,
    )
    claim = QuoteClaim("she wants kids to fail", "say", None, quoted=True)
    found = judge(claim, (), [said], FLOORS, lambda text: 0.9)
    assert found.check.verdict is QuoteVerdict.VERBATIM and found.check.said_by == ["Reese Witherspoon"]
    asked = QuoteClaim("to being like a drill instructor", "say", "Witherspoon", ("Reese Witherspoon",))
    assert _verdict(asked, ("Reese Witherspoon",), [said]) is QuoteVerdict.SOMEONE_ELSE


def test_quote_check_set_has_every_verdict_and_the_hard_kinds():
    items = load_dataset(QUOTE_CHECKS)
    verdicts = [i.verdict for i in items]
    assert len(items) >= 80 and all(verdicts.count(v) >= 12 for v in {v.value for v in QuoteVerdict})
    assert all(i.said_by for i in items if i.verdict != "not_found")
    articles = {json.loads(line)["id"] for line in QUOTE_CORPUS.read_text().splitlines()}
    assert all(set(i.gold_doc_ids) <= articles for i in items)


def test_quote_check_end_to_end(tmp_path):
    """The real store, embedder and local model: a verdict in `byline ask --json`, cited to the sentence."""
    store = str(tmp_path / "store")
    assert byline("ingest", str(QUOTE_CORPUS), "--store", store).returncode == 0
    asked = byline(
        "ask",
        "--json",
        "--store",
        store,
        input="Did Ana Ruiz say 'we will not wait any longer'?\nDid Conti say Italy would reach 3 percent by 2028?\n"
        "Did Vance say there was a stalemate?\n",
    )
    assert asked.returncode == 0, asked.stderr
    answers = [json.loads(line) for line in asked.stdout.splitlines() if line.strip()]
    checks = [a["quote_check"] for a in answers]
    assert [c["verdict"] for c in checks] == ["someone_else", "changed", "paraphrase"]
    assert checks[0]["said_by"] == ["Tomás Ruiz"] and "we will not wait any longer" in answers[0]["citations"][0]["quote"]
    assert "2 percent" in answers[1]["citations"][0]["quote"] and answers[1]["answer"].startswith("Changed.")
    assert answers[2]["citations"][0]["quote"].count("stalemate") == 1 and not answers[2]["refused"]


def _cite(marker: int, quote: str) -> Citation:
    return Citation(passage_id="p", article_id="a", title="T", source="s", start=0, end=len(quote), marker=marker, quote=quote)


def test_quotation_marks_only_around_words_a_cited_sentence_has():
    cited = [_cite(1, "Vance remarked that there is a stalemate in the situation."), _cite(2, SENTENCE)]
    assert misquoted("Vance saw “a stalemate in the situation” [1].", cited) == []
    assert misquoted("Ruiz said “we will not wait any longer” [2].", cited) == []
    assert misquoted("Vance called the talks “a trap” [1].", cited) == ["“a trap”"]
    assert misquoted("Ruiz said “we will not wait any longer” [1].", cited) == [
        "“we will not wait any longer”"
    ]  # cited elsewhere
    split = [_cite(1, '"We cannot keep our customers waiting," Okafor said.'), _cite(2, '"If the strike lasts, we will move."')]
    assert misquoted("Okafor said “we cannot keep our customers waiting. If the strike lasts, we will move” [1][2].", split) == []


def test_the_check_removes_the_marks_and_keeps_the_claim():
    draft = Draft("Vance called the talks “a trap” [1].", [_cite(1, "Vance remarked that there is a stalemate.")])
    verdict = QuotationMarksCheck().run(draft, None)  # type: ignore[arg-type]
    assert verdict.draft.text == "Vance called the talks a trap [1]." and verdict.unquoted == ["“a trap”"]
    assert verdict.draft.citations == draft.citations


def test_every_quote_check_answer_quotes_only_what_it_cites(tmp_path):
    """The quote route's own answers hold to the rule too: each verdict on the articles of the quote-check set."""
    store = str(tmp_path / "store")
    assert byline("ingest", str(QUOTE_CORPUS), "--store", store).returncode == 0
    items = [i for i in load_dataset(QUOTE_CHECKS) if i.verdict in {"verbatim", "changed", "not_found", "someone_else"}][::4]
    asked = byline("ask", "--json", "--store", store, input="".join(f"{i.question}\n" for i in items))
    answers = [Answer.model_validate_json(line) for line in asked.stdout.splitlines() if line.strip()]
    assert len(answers) == len(items) and all(a.quote_check for a in answers)
    assert [a.answer for a in answers if misquoted(a.answer, a.citations)] == []


@pytest.mark.parametrize(
    "question",
    [
        "Who wrote the poem The Mark of Anarchy?",
        "Did Tolkien write The Hobbit and its sequel?",
        "Did Vance deny the allegations?",
    ],
)
def test_questions_about_deeds_are_not_quote_checks(index, question):
    """Authorship and deeds ("Who wrote …?", "Did X deny …?") go to the plain route; words said ("that …", a
    quotation) come here."""
    assert quote_claim(question, index) is None
    assert quote_claim("Did Vance deny that there is a stalemate?", index) is not None


def test_a_verbatim_check_does_not_load_the_model(sample_settings):
    """Words found as they were said need no model: a fresh assistant answers without loading it."""
    from assistant.core.assistant import Assistant

    assistant = Assistant(sample_settings)
    answer = assistant.ask("Did Macron say 'peace at any price' is not true peace?")
    assert answer.quote_check is not None and answer.quote_check.verdict is QuoteVerdict.VERBATIM
    assert assistant.generator._chat_model is None
