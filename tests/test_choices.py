"""How a backend's choices are read: the parsing of both logprob shapes and of a short reply (unit), and which
reader each chat model gets. The real servers are in test_remote_choices.py."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from assistant.core.checks.answer_check import AnswerCheck
from assistant.core.checks.check import CheckContext, Draft
from assistant.core.question import Question
from assistant.core.sentence_choice import SentenceChoice
from assistant.models.chat_models import LocalChatModel
from assistant.models.choices import (
    ChoiceSource,
    LocalLogits,
    RemoteLogprobs,
    ShortCompletion,
    choice_reader,
    shares_from_logprobs,
    shares_from_text,
    top_logprobs,
)
from ingest.records import PassageFilter

CHAT_SHAPE = {
    "logprobs": {
        "content": [
            {
                "token": "2",
                "logprob": -0.2,
                "top_logprobs": [
                    {"token": "2", "logprob": -0.2},
                    {"token": "0", "logprob": -1.9},
                    {"token": "The", "logprob": -3.0},
                ],
            }
        ]
    }
}
OLDER_SHAPE = {"logprobs": {"tokens": ["2"], "token_logprobs": [-0.2], "top_logprobs": [{"2": -0.2, "0": -1.9, "The": -3.0}]}}


@pytest.mark.parametrize("choice", [CHAT_SHAPE, OLDER_SHAPE], ids=["chat", "completions"])
def test_both_logprob_shapes_read_alike(choice):
    assert top_logprobs(choice) == {"2": -0.2, "0": -1.9, "The": -3.0}


@pytest.mark.parametrize("choice", [{}, {"logprobs": None}, {"logprobs": {"content": []}}, {"logprobs": {"content": None}}])
def test_a_reply_without_logprobs_reads_as_none(choice):
    assert top_logprobs(choice) is None


def test_shares_among_the_options_only():
    top = {"2": -0.2, "0": -1.9, "The": -3.0, " 1": -2.5}
    shares = shares_from_logprobs(top, [["0"], ["1"], ["2"], ["3"]])
    assert shares is not None and sum(shares) == pytest.approx(1.0)
    assert max(range(4), key=shares.__getitem__) == 2
    assert shares[1] > shares[3]  # " 1" counts as "1"; "3" did not come back, so it gets the floor (-3.0)
    assert shares[3] == pytest.approx(shares[2] * math.exp(-2.8), rel=1e-6)
    assert shares_from_logprobs({"The": -0.1}, [["Yes"], ["No"]]) is None


@pytest.mark.parametrize(
    "text, expected",
    [("Yes.", [1.0, 0.0]), (" no, it does not", [0.0, 1.0]), ("**Yes**", [1.0, 0.0]), ("Maybe", None), ("", None)],
)
def test_a_short_reply_is_a_choice_without_probability(text, expected):
    assert shares_from_text(text, [["Yes", " Yes"], ["No"]]) == expected


def test_each_backend_gets_its_reader(settings):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.models.chat_models import make_chat_model

    local = LocalChatModel(model_path="unused.gguf")
    assert isinstance(choice_reader(local), LocalLogits)
    assert choice_reader(local).in_slot("choice").model.slot == "choice"  # type: ignore[union-attr]
    remote, _ = make_chat_model(
        settings.with_overrides(backend="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="m")
    )
    reader = choice_reader(remote)
    assert isinstance(reader, RemoteLogprobs) and reader.base_url == "http://127.0.0.1:9/v1" and reader.model == "m"
    ollama, _ = make_chat_model(settings.with_overrides(backend="ollama"))
    words = choice_reader(ollama)
    assert isinstance(words, ShortCompletion) and words.model.num_predict == 4  # type: ignore[attr-defined]
    assert choice_reader(FakeListChatModel(responses=["x"])) is None and choice_reader(None) is None


@dataclass
class WordsOnly:
    """A reader whose backend gives words, not probabilities."""

    word: str
    source: ChoiceSource = ChoiceSource.COMPLETION

    def shares(self, turns, options):
        return shares_from_text(self.word, options)

    def in_slot(self, slot):
        return self


@pytest.mark.parametrize(
    "word, shares, kept",
    [("same", (0.0, 1.0), True), ("different", (0.0, 1.0), False), ("same", (1.0, 0.0), True)],
    ids=["same and a sentence", "different", "the word for none decides nothing"],
)
def test_choices_read_as_words_decide_by_the_words(settings, word, shares, kept):
    context = CheckContext(
        Question("Who won?", "Who won?", PassageFilter(), asking="Who won?"),
        [],
        [],
        "Ana won [1].",
        [],
        settings,
        None,  # type: ignore[arg-type]
        sentence_choice=SentenceChoice(shares),
        choices=WordsOnly(word),
    )
    verdict = AnswerCheck().run(Draft("Ana won [1]."), context)
    assert verdict.ran and verdict.choices_from is ChoiceSource.COMPLETION
    assert verdict.passed is kept


def test_no_reader_means_the_check_did_not_run(settings):
    context = CheckContext(Question("Who?", "Who?", PassageFilter(), asking="Who?"), [], [], "A.", [], settings, None)  # type: ignore[arg-type]
    verdict = AnswerCheck().run(Draft("A."), context)
    assert not verdict.ran and verdict.passed and verdict.probability is None
