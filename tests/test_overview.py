"""Overview questions: recognised (and not confused with questions about a topic), answered with a cited
extractive summary on one article and on many."""

from __future__ import annotations

import pytest

from assistant.core.assistant import Assistant
from assistant.core.question import overview_request
from ingest.pipeline import ingest_paths
from ingest.records import PassageFilter
from ingest.settings import Settings

from conftest import SHARED

OVERVIEWS = [
    "What is this article about?",
    "Summarize the news",
    "What happened?",
    "Give me the key points",
    "What's the latest on the ceasefire talks?",
    "Can you give me a quick summary?",
    "What are the main points?",
    "Catch me up on the talks",
    "tl;dr",
    "What happened this week?",
]
NOT_OVERVIEWS = [
    "What did Vance say about the summit?",
    "What happened to the woman in Kherson?",
    "What is the capital of France?",
    "Who designated Amnesty International an undesirable organization?",
    "How many days would the ceasefire last?",
    "What did the article say about Kherson?",
]


@pytest.mark.parametrize("question", OVERVIEWS)
def test_overview_questions_are_recognised(question):
    assert overview_request(question) is not None


@pytest.mark.parametrize("question", NOT_OVERVIEWS)
def test_specific_questions_are_not_overviews(question):
    assert overview_request(question) is None


def test_the_topic_is_kept():
    assert overview_request("What's the latest on the ceasefire talks?").topic == "the ceasefire talks"
    assert overview_request("Summarize the news").topic == ""
    assert overview_request("Give me a summary of the Kherson attack").topic == "the Kherson attack"


def _answered(assistant, question, where=PassageFilter()):
    answer = assistant.ask(question, where=where)
    ok = not answer.refused and answer.citations and all(f"[{c.marker}]" in answer.answer for c in answer.citations)
    return answer, bool(ok)


def test_one_article_gets_two_to_four_cited_sentences(sample_settings):
    assistant = Assistant(sample_settings)  # no chat model is loaded: overviews are extractive
    results = [_answered(assistant, q) for q in OVERVIEWS]
    print(f"\noverviews answered and cited on the sample: {sum(ok for _, ok in results)}/{len(results)}")
    assert sum(ok for _, ok in results) >= 9
    answer, _ = results[0]
    assert 2 <= len(answer.citations) <= 4 and answer.citations[0].quote.startswith("On Monday")
    assert all(c.quote.rstrip(".!?") in answer.answer for c in answer.citations)  # quoted, not paraphrased
    assert assistant.generator._chat_model is None


def test_many_articles_get_one_line_each_with_headline_and_date(tmp_path_factory):
    settings = Settings(store=tmp_path_factory.mktemp("multi") / "store")
    ingest_paths([SHARED / "benchmarks" / "multihop-rag-500" / "corpus.jsonl"], settings, show_progress=False)
    assistant = Assistant(settings)
    results = [_answered(assistant, q) for q in OVERVIEWS]
    print(f"\noverviews answered and cited on MultiHop-RAG's 438 articles: {sum(ok for _, ok in results)}/{len(results)}")
    for question, (answer, ok) in zip(OVERVIEWS, results):
        if not ok:
            print(f"  not answered: {question!r}: {answer.answer[:120]}")
    assert sum(ok for _, ok in results) >= 9
    latest = assistant.ask("Summarize the news")
    lines = [c for c in latest.citations]
    assert len(lines) == 5 and len({c.article_id for c in lines}) == 5
    assert all(c.title in latest.answer and (c.published_at or "")[:10] in latest.answer for c in lines)
    dates = [c.published_at for c in lines]
    assert dates == sorted(dates, reverse=True)  # the newest articles when no topic is asked
    topical = assistant.ask("What's the latest on Sam Bankman-Fried's trial?")
    assert not topical.refused and any("Bankman-Fried" in c.quote or "FTX" in c.quote for c in topical.citations)
    scoped = assistant.ask("Summarize the news", where=PassageFilter(outlets=("TechCrunch",)))
    assert scoped.citations and all("TechCrunch" in scoped.answer.split(c.title, 1)[1][:40] for c in scoped.citations)
