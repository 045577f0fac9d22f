"""Yes or No read from the real local model's next-token probabilities, against its leaning with no evidence."""

from __future__ import annotations

import pytest

from assistant.core.generation import choose_yes_no
from assistant.models.chat_models import LocalChatModel
from assistant.models.choices import LocalLogits

pytestmark = pytest.mark.model

EVIDENCE = "[1] The harbour reopened on Monday after three weeks of repairs, the port authority said."


@pytest.fixture
def model(local_chat_model) -> LocalChatModel:
    return local_chat_model


def test_the_evidence_moves_the_choice_both_ways(model, sample_settings):
    fitted = sample_settings.answering  # the floor and prior weight fitted on MultiHop-RAG dev

    def choose(question: str):
        return choose_yes_no(LocalLogits(model), question, EVIDENCE, fitted.yes_no_floor, fitted.yes_no_prior_weight)

    said, denied = choose("Did the harbour reopen on Monday?"), choose("Did the harbour stay closed on Monday?")
    assert 0.0 < said.prior < 1.0 and 0.0 < said.probability < 1.0
    assert said.score > denied.score
    assert said.verdict == "Yes" and denied.verdict == "No"
    assert choose("Did the harbour reopen on Friday?").verdict == "No"


def test_a_yes_no_answer_records_its_probabilities(sample_settings):
    from assistant.core.assistant import Assistant

    answer = Assistant(sample_settings.with_overrides(yes_no_choice=True)).ask("Did Trump speak with Putin on Monday?")
    assert answer.yes_no_probability is not None and answer.yes_no_prior is not None
    assert answer.answer.split(".")[0].split(",")[0] in ("Yes", "No") or answer.refused
