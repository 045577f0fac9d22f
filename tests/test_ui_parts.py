"""Unit tests of what the UI shows, built from typed records: sources, stages, lists, the batch outcome, the export
after a refusal, and the API's stage comments. The same things in a real browser are in test_ui_in_use.py."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from assistant.core.answer import Answer, Citation, Event, Source, Stage
from ingest.speakers.listing import SpeakerSummary
from ingest.store.store import StoredArticle

PASSAGE = "Vance said there is a stalemate. The talks resume Monday. Vance added that Russia must stop."


def _citation(marker: int, sentence: str, passage_id: str = "p1", article_id: str = "a1") -> Citation:
    start = PASSAGE.index(sentence)
    return Citation(
        marker=marker,
        passage_id=passage_id,
        article_id=article_id,
        title="A very long headline about the ceasefire talks",
        source="talks.txt",
        quote=sentence,
        start=start,
        end=start + len(sentence),
    )


def _answer(citations: list[Citation], refused: bool = False) -> Answer:
    source = Source(
        passage_id="p1",
        article_id="a1",
        title="A very long headline about the ceasefire talks",
        source="talks.txt",
        text=PASSAGE,
        start=0,
        end=len(PASSAGE),
        score=1.0,
    )
    return Answer(
        question="What did Vance say?",
        standalone_question="What did Vance say?",
        answer="He sees a stalemate [1] and wants Russia to stop [2].",
        citations=citations,
        sources=[source],
        refused=refused,
    )


def test_one_passage_cited_twice_is_shown_once_with_both_sentences_numbered():
    from assistant.delivery.ui.render import sources_html

    html = sources_html(
        _answer([_citation(1, "Vance said there is a stalemate."), _citation(2, "Vance added that Russia must stop.")]), "k"
    )
    assert html.startswith('<details class="byline-sources">') and "<details open" not in html  # closed: answer in view
    assert "Sources: 2 sentences from 1 article" in html
    assert html.count('class="byline-passage"') == 1 and html.count("A very long headline") == 1
    assert re.findall(r'<mark id="src-k-(\d)"><b>\[(\d)\]</b>', html) == [("1", "1"), ("2", "2")]
    assert "The talks resume Monday." in html  # the passage's other text, unmarked, between them


def test_one_sentence_under_two_markers_is_marked_once_and_both_markers_find_it():
    from assistant.delivery.ui.render import sources_html

    sentence = "Vance said there is a stalemate."
    html = sources_html(_answer([_citation(1, sentence), _citation(3, sentence)]), "k")
    assert html.count("<mark") == 1 and "<b>[1][3]</b>" in html and 'id="src-k-3"' in html
    assert "1 sentence from 1 article" in html


def test_the_sources_say_how_the_answer_was_checked():
    from assistant.core.answer import ClaimCheck, ClaimVerdict
    from assistant.delivery.ui.render import sources_html

    answer = _answer([_citation(1, "Vance said there is a stalemate.")]).model_copy(
        update={
            "claims": [
                ClaimCheck(text="He sees a stalemate.", verdict=ClaimVerdict.VERIFIED, markers=[1], by="citations"),
                ClaimCheck(text="Russia was blamed.", verdict=ClaimVerdict.DROPPED, by="citations"),
            ],
            "checks_run": ["citations", "answer check"],
            "choices_from": "completion",
        }
    )
    text = sources_html(answer, "k")
    assert "Claims: 1 verified, 1 dropped" in text and "Checks: citations, answer check" in text
    assert "gives no probabilities" in text
    assert "Checks:" not in sources_html(_answer([_citation(1, "Vance said there is a stalemate.")]), "k")


def test_a_span_answer_says_the_model_chose_it():
    from assistant.core.answer import SpanAnswer
    from assistant.delivery.ui.render import sources_html

    span = SpanAnswer(text="Monday", sentence=1, probability=0.9, candidates=7, kind="when")
    answer = _answer([_citation(1, "The talks resume Monday.")]).model_copy(
        update={"span": span, "checks_run": ["citations"], "choices_from": "logits"}
    )
    assert "the span the model chose among 7 in the evidence" in sources_html(answer, "k")
    alone = answer.model_copy(update={"span": span.model_copy(update={"candidates": 1})})
    assert "the only span of its kind in the evidence" in sources_html(alone, "k")


def test_a_compound_answer_says_how_each_part_was_read():
    from assistant.core.answer import YesNoPart
    from assistant.delivery.ui.render import sources_html

    part = "Does TechCrunch report that the chip maker closed its plant and fired every worker in the valley last week?"
    parts = [
        YesNoPart(
            part="Does The Verge report that the harbour reopened?", verdict="Yes", probability=0.8, prior=0.3, sentences=[1]
        ),
        YesNoPart(part=part, verdict="No", probability=0.2, prior=0.3, sentences=[2]),
    ]
    answer = _answer([_citation(1, "The talks resume Monday.")]).model_copy(
        update={"yes_no_parts": parts, "checks_run": ["citations"], "choices_from": "logits"}
    )
    text = sources_html(answer, "k")
    assert "Yes/No: read part by part (Yes for part 1, No for part 2), each against its own articles" in text


def test_a_refusal_offers_the_closest_passages_and_an_empty_one_says_so():
    from assistant.delivery.ui.render import sources_html

    assert "Closest passages (1), none of which answers the question" in sources_html(_answer([], refused=True), "k")
    empty = _answer([], refused=True).model_copy(update={"sources": []})
    assert "No passages were retrieved" in sources_html(empty, "k")


def test_streaming_shows_the_stage_and_markers_and_stays_inert():
    from assistant.delivery.ui.render import streaming_message, visible_text

    html = streaming_message("A stalemate [1] <img src=x>", None, Stage.CHECKING)
    assert '<div class="byline-stage" role="status">Checking the citations…</div>' in html
    assert '<span class="byline-marker">[1]</span>' in html and "<img" not in html
    assert visible_text(html) == "A stalemate [1] <img src=x>"  # the stage line is not answer text


def test_stages_have_words_for_people():
    assert [s.words for s in Stage] == ["Searching the articles…", "Writing the answer…", "Checking the citations…"]


def _article(aid: str, title: str, passages: int = 1, outlet: str | None = None, date: str | None = None) -> StoredArticle:
    return StoredArticle(aid, title, f"{aid}.txt", date, passages, outlet)


def test_article_labels_name_the_article_not_its_hex_id():
    from assistant.delivery.ui.lists import article_choices

    articles = [
        _article("3b4eb688c6047a3b", "Talks resume", outlet="Reuters", date="2025-03-01T10:00:00"),
        _article("aa11", "Same title"),
        _article("bb22", "Same title"),
    ]
    labels = [label for label, _ in article_choices(articles)]
    assert labels[0] == "Talks resume — Reuters, 2025-03-01"
    assert labels[1] != labels[2] and all(label.startswith("Same title") for label in labels[1:])
    assert [aid for _, aid in article_choices(articles)] == ["3b4eb688c6047a3b", "aa11", "bb22"]


def test_the_articles_table_puts_the_title_first_and_leaves_out_empty_columns():
    from assistant.delivery.ui.lists import articles_table

    html = articles_table([_article("a1", "One <b>passage</b>", 1), _article("a2", "Two", 2)])
    headers = re.findall(r"<th>(\w+)</th>", html)
    assert headers == ["Title", "Passages", "Source"]  # no outlet, no date: no empty columns
    text = re.sub(r"<[^>]+>", "", html)  # as read on a phone, where each row's unit shows
    assert "1 passage" in text and "2 passages" in text and "1 passages" not in text
    assert "One &lt;b&gt;passage&lt;/b&gt;" in html and "2 articles, 3 passages" in html
    assert "No articles yet" in articles_table([])


def test_people_come_before_groups_and_the_overview_keeps_them_apart():
    from assistant.delivery.ui.lists import speaker_choices, speakers_overview

    summaries = [
        SpeakerSummary("Authorities", "group", 5, 1),
        SpeakerSummary("JD Vance", "person", 2, 1),
        SpeakerSummary("Emmanuel Macron", "person", 1, 1),
    ]
    assert [v for _, v in speaker_choices(summaries)] == ["JD Vance", "Emmanuel Macron", "Authorities"]
    assert speaker_choices(summaries)[2][0] == "Authorities (group) · 5 quotes"
    html = speakers_overview(summaries)
    assert html.index("People (2)") < html.index("JD Vance") < html.index("Groups and organisations (1)")
    assert html.index("Groups and organisations") < html.index("Authorities")


def test_the_empty_chat_says_how_many_articles_and_the_outlet_list_says_why_it_is_empty():
    from assistant.delivery.ui.lists import loaded_note, outlet_hint

    assert loaded_note(1).startswith("**1 article loaded.**") and loaded_note(12).startswith("**12 articles loaded.**")
    assert "Articles tab" in loaded_note(0)
    assert outlet_hint([]) and outlet_hint(["Reuters"]) is None


def test_the_batch_outcome_is_in_plain_words():
    from evals.batch_tab import BatchRun

    run = BatchRun.__new__(BatchRun)
    run.items = [SimpleNamespace(question=f"Q{n}?") for n in range(4)]
    run.rows = [{"refused": False}, {"refused": True}, {"error": "model failed", "refused": False}]
    assert run.outcome() == "1 answered, 1 refused, 1 failed. Stopped after 3 of 4 questions."
    assert run.next_question == "Q3?"
    run.rows.append({"refused": False})
    assert run.outcome() == "2 answered, 1 refused, 1 failed." and run.next_question is None


def test_the_batch_progress_line_names_the_question():
    from assistant.delivery.ui.batch import progress_line

    line = progress_line(1, 3, "What did <Macron> propose?")
    assert '<progress value="1" max="3">' in line and "1 of 3 answered so far." in line
    assert "Now answering: “What did &lt;Macron&gt; propose?”" in line


def test_an_export_after_a_refusal_lists_the_passages_it_promises():
    from assistant.delivery.export import conversation_markdown

    refusal = _answer([], refused=True).model_copy(
        update={"answer": "The articles don't say; the closest passages are listed below."}
    )
    markdown = conversation_markdown([refusal])
    assert "Closest passages (none answers the question):" in markdown
    assert "1. “Vance said there is a stalemate." in markdown and "talks.txt" in markdown


def test_stage_comments_are_sse_comments_with_json():
    from assistant.delivery.api import stage_comment

    line = stage_comment(Event("stage", Stage.WRITING))
    assert line.startswith(": byline-stage ") and line.endswith("\n\n")
    assert json.loads(line[len(": byline-stage ") :]) == {"stage": "writing", "text": "Writing the answer…"}
    queued = json.loads(stage_comment(Event("queued", 2))[len(": byline-stage ") :])
    assert queued["stage"] == "queued" and "2 question(s) ahead" in queued["text"]
