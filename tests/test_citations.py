"""Citation parsing and verification, and the chain's control flow, with real retrieval and a scripted model.

The scripted chat model stands in only for generation here; test_answers_model.py runs the same flows
with the real local model.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core.answer import Stage
from assistant.core.assistant import Assistant
from assistant.core.checks.citations import parse_claims, verify_citations
from assistant.core.evidence import select_evidence
from assistant.core.prompts import needs_rewrite
from assistant.core.question import QuestionError, clean_question


@pytest.fixture(scope="module")
def search(sample_settings):
    from assistant.core.retrieval import HybridSearch

    return HybridSearch(sample_settings)


@pytest.fixture(scope="module")
def judge(search):
    from assistant.core.support import OverlapSimilarityJudge

    return OverlapSimilarityJudge(search.embedder)


def evidence_for(search, question, limit=4):
    vector = search.embedder.embed([question])[0]
    settings = search.settings.with_overrides(evidence_sentences=limit)
    return select_evidence(question, vector, search.retrieve(question, vector=vector), search.embedder, settings)


def test_parse_claims_reads_marker_groups():
    claims = parse_claims("Vance saw a stalemate [1]. He warned Russia [2, 3].[4] Done.")
    assert [(c.text, c.markers) for c in claims] == [
        ("Vance saw a stalemate.", [1]),
        ("He warned Russia.", [2, 3, 4]),
        ("Done.", []),
    ]


def test_markers_pointing_at_nothing_are_dropped(search, judge):
    ev = evidence_for(search, "What did Vance say?")
    verified = verify_citations("Vance said there is a stalemate in the situation [9].", ev, judge, 0.45)
    assert (verified.markers_total, verified.markers_valid) == (1, 0) and not verified.refused
    (citation,) = verified.citations
    assert "stalemate" in citation.quote and verified.answer.endswith("[1].")


def test_wrong_citation_is_repointed_to_the_supporting_sentence(search, judge):
    ev = evidence_for(search, "What did Vance say?")
    stalemate = next(e.number for e in ev if "stalemate" in e.text)
    benefits = next(e.number for e in ev if "economic benefits" in e.text)
    raw = f"Vance said Russia would not obtain economic benefits while civilians die [{stalemate}]."
    verified = verify_citations(raw, ev, judge, 0.45)
    assert [c.quote for c in verified.citations] == [ev[benefits - 1].text]


def test_unsupported_claim_is_removed_and_all_unsupported_is_a_refusal(search, judge):
    ev = evidence_for(search, "What did Vance say?")
    raw = "Vance said there is a stalemate in the situation [1]. Vance also won the 2031 Nobel Prize in Oslo [2]."
    verified = verify_citations(raw, ev, judge, 0.45)
    assert "Nobel" not in verified.answer and verified.unsupported == ["Vance also won the 2031 Nobel Prize in Oslo."]
    only_bad = verify_citations("Vance won the 2031 Nobel Prize in Oslo [1].", ev, judge, 0.45)
    assert only_bad.refused and not only_bad.citations


def test_refusal_phrases_are_refusals(search, judge):
    ev = evidence_for(search, "What did Merkel say?")
    for raw in ("NOT FOUND", "The evidence does not mention Merkel.", ""):
        assert verify_citations(raw, ev, judge, 0.45).refused


def test_quotes_are_exact_article_sentences(search, judge, sample_settings):
    from ingest.text.readers import read_articles

    from conftest import SAMPLE

    (article,) = read_articles(SAMPLE, 10**7)
    ev = evidence_for(search, "Who designated Amnesty International an undesirable organization?")
    verified = verify_citations("The Russian Prosecutor General's Office designated Amnesty International [1].", ev, judge, 0.45)
    c = verified.citations[0]
    assert article.text[c.start : c.end] == c.quote and "Prosecutor General" in c.quote


@pytest.mark.parametrize(
    "question,error",
    [("", "empty"), ("   \t\n ", "empty"), ("x" * 100_000, "100,000 characters"), ("\x00\x01\x02", "empty")],
    ids=["empty", "whitespace", "100KB", "control-only"],
)
def test_bad_questions_get_specific_errors(question, error):
    with pytest.raises(QuestionError, match=error):
        clean_question(question)


def test_control_characters_are_removed():
    assert clean_question("What\x00 did\u202e Vance\tsay?\x7f") == "What did Vance say?"


def test_rewrite_only_when_the_question_refers_back():
    history = [("Which organization did Russia ban?", "Amnesty International [1].")]
    assert needs_rewrite("Where is it based?", history)
    assert needs_rewrite("And what about Putin?", history)
    assert not needs_rewrite("Where did Russian and Ukrainian delegates meet?", history)
    assert not needs_rewrite("Where is it based?", [])


def test_stream_emits_tokens_then_a_verified_answer(sample_settings):
    model = FakeListChatModel(responses=["Vance said there is a stalemate in the situation [1]."])
    assistant = Assistant(sample_settings, chat_model=model, model_name="scripted")
    events = list(assistant.stream("What did Vance say?"))
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["stage", "evidence"] and kinds[-1] == "answer" and kinds.count("token") > 3
    stages = [e.data for e in events if e.kind == "stage"]
    assert stages == [Stage.SEARCHING, Stage.WRITING, Stage.CHECKING]  # each told before it starts
    at = [i for i, kind in enumerate(kinds) if kind == "stage"]
    tokens = [i for i, kind in enumerate(kinds) if kind == "token"]
    assert at[1] < tokens[0] and tokens[-1] < at[2] < len(kinds) - 1
    answer = events[-1].data
    assert not answer.refused and answer.citations[0].quote.startswith("Before the anticipated dialogue")
    assert answer.standalone_question == "What did Vance say?" and answer.timings.first_token_s is not None


def test_follow_up_is_rewritten_before_retrieval(sample_settings):
    model = FakeListChatModel(responses=["Where is Amnesty International based?", "It is based in London [2]."])
    assistant = Assistant(sample_settings, chat_model=model)
    history = [("Which organization did Russia ban?", "Amnesty International [1].")]
    answer = assistant.ask("Where is it based?", history=history)
    assert answer.standalone_question == "Where is Amnesty International based?"
    assert any("London-based" in s.text for s in answer.sources)


def test_weak_evidence_is_refused_without_calling_the_model(sample_settings):
    model = FakeListChatModel(responses=[])  # any call would fail
    answer = Assistant(sample_settings, chat_model=model).ask("What did Angela Merkel say?")
    assert answer.refused and answer.answer.startswith("The articles don't quote Angela Merkel.") and answer.sources
    answer = Assistant(sample_settings, chat_model=model).ask("How many satellites did Angela Merkel launch?")
    assert answer.refused and answer.answer.startswith("The articles don't say") and answer.sources


class _Unreachable(FakeListChatModel):
    def _call(self, *args, **kwargs):
        raise ConnectionError("connection refused")

    def _stream(self, *args, **kwargs):
        raise ConnectionError("connection refused")


def test_backend_failure_keeps_the_passages(sample_settings):
    settings = sample_settings.with_overrides(backend="openai")
    answer = Assistant(settings, chat_model=_Unreachable(responses=[])).ask("What did Vance say?")
    assert answer.error and "BYLINE_OPENAI_BASE_URL" in answer.error
    assert any("Vance" in s.text for s in answer.sources) and not answer.citations


def test_empty_store_is_a_clear_error(settings):
    from ingest.store.store import Store

    Store(settings)
    with pytest.raises(QuestionError, match="store is empty"):
        Assistant(settings, chat_model=FakeListChatModel(responses=[])).ask("What did Vance say?")


def test_an_answer_that_never_mentions_what_the_question_names_is_refused(sample_settings):
    """SQuAD 2.0-style trap: the question's year is in no cited sentence, so the fluent answer is withheld."""
    trap = FakeListChatModel(responses=["Russian bombardments targeted residential areas in Kherson [1]."])
    answer = Assistant(sample_settings, chat_model=trap).ask("Which city did Russian bombardments target in 1690?")
    assert answer.refused and not answer.citations and "never mention 1690" in answer.answer
    assert answer.unsupported and answer.sources
    fair = FakeListChatModel(responses=["Russian bombardments targeted residential areas in Kherson [1]."])
    answer = Assistant(sample_settings, chat_model=fair).ask("Which city did Russian bombardments target on Sunday?")
    assert not answer.refused and "Kherson" in answer.answer


def test_invisible_characters_do_not_split_or_reorder_names():
    from ingest.text.normalize import normalize_text

    assert clean_question("What did Ma\u200bcron say?") == "What did Macron say?"
    assert normalize_text("Ma\u200bcron said the\u00a0talks would \u202ego\u202c on.") == "Macron said the talks would go on."
