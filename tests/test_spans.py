"""Answers that are spans: the question's kind and the evidence's candidates (real spaCy), the reply the code
writes, reading a remote reply's words (unit); the local model held to the candidates' tokens, and the whole
answer from the sample article (real model)."""

from __future__ import annotations

import json

import pytest

from assistant.core.answer import SpanAnswer
from assistant.core.sentence_choice import SentenceChoice
from assistant.core.spans.candidates import SpanCandidate, span_candidates, spellings
from assistant.core.spans.choose import choose_span
from assistant.core.spans.kinds import SpanKind, asked_count, span_kind
from assistant.core.spans.reply import cited_sentence, span_reply
from assistant.models.choices import SpanPick, span_from_text

SENTENCES = [
    "On Monday, Russia banned Amnesty International, the London-based human rights group, the prosecutor said.",
    "At least 40 people died in Kherson after a strike on Tuesday, officials said.",
]


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Who leads the project?", SpanKind.WHO),
        ("When was the ban announced?", SpanKind.WHEN),
        ("In what year was it built?", SpanKind.WHEN),
        ("Where did the delegates meet?", SpanKind.WHERE),
        ("How many people died in Kherson?", SpanKind.NUMBER),
        ("How much did the repairs cost?", SpanKind.NUMBER),
        ("How long did the siege last?", SpanKind.DURATION),
        ("How many years did the war last?", SpanKind.DURATION),
        ("What percentage of voters backed it?", SpanKind.NUMBER),
        ("Which organization did Russia ban?", SpanKind.THING),
        ("What company makes the phone?", SpanKind.THING),
        ("What did Macron propose?", None),
        ("Why did Russia ban Amnesty?", None),
        ("How did the talks end?", None),
        ("What happened in Kyiv?", None),
        ("What is this article about?", None),
        ("Who said the talks failed?", None),
        ("Did Trump call Putin?", None),
    ],
)
def test_span_kind_from_the_wh_phrase(question, kind):
    assert span_kind(question) == kind


def test_candidates_are_of_the_kind_asked():
    assert [c.text for c in span_candidates(SENTENCES, SpanKind.WHEN, "When was the ban announced?")] == ["Monday", "Tuesday"]
    numbers = [c.text for c in span_candidates(SENTENCES, SpanKind.NUMBER, "How many people died?")]
    assert "At least 40" in numbers and "Amnesty International" not in numbers
    aged = ["A 75-year-old woman died in Kherson on Sunday."]
    assert span_candidates(aged, SpanKind.NUMBER, "How many people died?") == []
    assert "75-year-old" in [c.text for c in span_candidates(aged, SpanKind.DURATION, "How old was the woman?")]
    things = span_candidates(SENTENCES, SpanKind.THING, "Which organization did Russia ban?")
    assert SpanCandidate("Amnesty International", "Amnesty International", 1) in things
    assert "Kherson" in {c.text for c in things if c.sentence == 2}


def test_a_name_in_a_list_answers_with_the_whole_list():
    leaders = ["Before the call, leaders from the UK, France, Germany, and Italy also spoke with Trump on Sunday."]
    listed = {c.text: c.listed for c in span_candidates(leaders, SpanKind.WHO, "Who did Trump speak with?")}
    assert listed["UK"] == listed["Italy"] == "the UK, France, Germany, and Italy"
    when = {c.text: c.listed for c in span_candidates(leaders, SpanKind.WHEN, "When did they speak with Trump?")}
    assert when == {"Sunday": ""}, "a day or a number is not read as an item of a list"
    asked = span_candidates(["Leaders from Germany, France and Ukraine met."], SpanKind.WHO, "Who met alongside France?")
    assert {c.text: c.listed for c in asked}["Germany"] == "", "a list holding the asked name is not the answer"


def test_candidates_leave_out_what_the_question_already_says():
    texts = [c.text.lower() for c in span_candidates(SENTENCES, SpanKind.WHO, "Who did Russia ban?")]
    assert "russia" not in texts and "amnesty international" in texts
    opening = span_candidates(["Trump's claims were questioned by Zelensky."], SpanKind.WHO, "Who did Trump speak with?")
    assert [c.text for c in opening] == ["Zelensky"]
    compound = span_candidates(["The Trump-Putin call lasted two hours."], SpanKind.WHO, "Who did Trump speak with?")
    assert [c.text for c in compound] == ["two hours"]


def test_a_kind_absent_from_the_evidence_has_no_candidates():
    assert span_candidates(["The council met and talked about the bridge."], SpanKind.WHEN, "When did it meet?") == []


def test_the_reply_cites_the_sentence_the_numbered_pass_weighs_most():
    span = SpanCandidate("Russia", "Russia", 1)
    sentences = ["Russia said no.", "Kyiv said Russia attacked."]
    assert cited_sentence(span, sentences, None) == 1
    assert cited_sentence(span, sentences, SentenceChoice((0.1, 0.2, 0.7))) == 2
    answer = SpanAnswer(text="the U.S.", sentence=2, probability=0.8, candidates=5, kind="who")
    assert span_reply(answer) == "The U.S. [2]."


@pytest.mark.parametrize(
    "reply,expected",
    [
        ("Amnesty International [1].", 1),
        ("amnesty international", 1),
        ("It was Amnesty International.", 1),
        ("Monday", 0),
        ("2 hours", 3),
        ("The talks went well.", None),
        ("", None),
    ],
)
def test_a_remote_reply_is_matched_to_the_longest_candidate(reply, expected):
    pick = span_from_text(reply, [["Monday"], ["Amnesty International"], ["Amnesty"], ["two-hour", "2 hour"]])
    assert (pick.index if pick else None) == expected
    assert pick is None or pick.probability is None


@pytest.mark.model
def test_the_local_model_is_held_to_the_candidates(local_chat_model):
    from assistant.core.prompts import SPAN
    from assistant.models.chat_models import chat_turns
    from assistant.models.next_token import constrained_choice

    evidence = "[1] " + SENTENCES[0] + "\n[2] " + SENTENCES[1]
    texts = [spellings(t) for t in ["Monday", "Amnesty International", "Kherson", "At least 40"]]
    for question, expected in [
        ("Which organization did Russia ban?", 1),
        ("Where did people die?", 2),
        ("How many people died?", 3),
    ]:
        turns = chat_turns(SPAN.format_messages(evidence=evidence, question=question))
        chosen = constrained_choice(local_chat_model, turns, texts)
        assert chosen is not None and chosen[0] == expected, (question, chosen)
        assert 0 < chosen[1] <= 1

    call = "[1] Trump held a two-hour phone call with Putin.\n[2] Trump had claimed he could end the war within 24 hours."
    turns = chat_turns(SPAN.format_messages(evidence=call, question="How long did the call last?"))
    chosen = constrained_choice(local_chat_model, turns, [spellings(t) for t in ["two-hour", "24 hours"]])
    assert chosen is not None and chosen[0] == 0, "the model writes '2 hours'; its '2' must not lead into '24 hours'"


@pytest.mark.model
def test_a_who_question_answered_by_a_list_gets_the_list(local_assistant):
    answer = local_assistant.ask("Who did Trump speak with?")
    assert answer.span is not None and not answer.refused, answer.raw_answer
    assert answer.answer.startswith("The UK, France, Germany, and Italy ["), answer.answer


@pytest.mark.model
def test_a_span_answer_from_the_sample(local_assistant):
    answer = local_assistant.ask("When did Russia ban Amnesty International?")
    assert answer.span is not None and answer.span.kind == "when", answer.raw_answer
    assert answer.answer.startswith("Monday [") and not answer.refused
    assert answer.citations and "Amnesty International" in answer.citations[0].quote
    assert answer.span.probability is not None and answer.timings.span_s is not None
    assert "citations" in answer.checks_run and "answer check" in answer.checks_run, answer.checks_run


def test_the_reply_is_held_to_the_span_without_its_article_and_writes_it_whole():
    found = span_candidates(["The reform began in the early 11th century."], SpanKind.WHEN, "When did the reform begin?")
    assert [(c.text, c.written) for c in found] == [("early 11th century", "the early 11th century")]


def test_numbers_are_also_spelt_in_digits_as_the_model_writes_them():
    assert spellings("two-hour") == ["two-hour", "2-hour", "two hour", "2 hour"]
    assert spellings("Twenty-five people")[1] == "25 people"
    assert spellings("Amnesty International") == ["Amnesty International"]


def test_the_list_replay_rewrites_a_stored_span_answer_and_scores_both(tmp_path):
    from evals.replay import ListReplay, replay_lists

    leaders = "Before the call, leaders from the UK, France, Germany, and Italy also spoke with Trump on Sunday."
    row = {
        "standalone_question": "Who did Trump speak with?",
        "answer": "UK [1].",
        "refused": False,
        "span": {"text": "UK", "sentence": 1, "kind": "who"},
        "citations": [{"quote": leaders}],
        "gold": {"answers": ["the UK, France, Germany, and Italy"]},
    }
    results = tmp_path / "run.jsonl"
    results.write_text(json.dumps(row) + "\n" + json.dumps({**row, "refused": True}) + "\n")
    assert replay_lists(results) == ListReplay(1, 1, 0.0, 1.0, 0.0, 1.0)


@pytest.mark.parametrize(
    "question,count",
    [
        ("Which two compounds did Al-Muwaffaq combine?", 2),
        ("What three industries are centered in Hollywood?", 3),
        ("Who are the two leaders who met?", 2),
        ("Which compound did he combine?", 1),
        ("What two-hour call did Trump hold?", 1),
    ],
)
def test_how_many_things_a_question_asks_for(question, count):
    assert asked_count(question) == count


class PicksFirst:
    """A reader whose reply begins with the first option (the model's choice is not what is tested here)."""

    source = "scripted"

    def span(self, turns, options):
        return SpanPick(0, 0.9)


def test_a_question_asking_for_two_is_not_answered_with_one():
    listed = ["Leaders from the UK and France spoke with Trump on Monday."]
    one = ["Trump spoke with Macron on Monday."]
    lines = "[1] " + listed[0]
    two = choose_span(PicksFirst(), SpanKind.THING, "Which two countries did Trump speak with?", listed, lines, None)
    assert two is not None and two.text == "the UK and France" and SpanCandidate("UK", "UK", 1, "the UK and France").items == 2
    assert choose_span(PicksFirst(), SpanKind.WHO, "Which two leaders did Trump speak with?", one, "[1] " + one[0], None) is None
    assert choose_span(PicksFirst(), SpanKind.WHO, "Which leader did Trump speak with?", one, "[1] " + one[0], None) is not None
