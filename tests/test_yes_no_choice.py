"""Yes or No read from the real local model's next-token probabilities, against its leaning with no evidence."""

from __future__ import annotations

import pytest

from assistant.core.generation import choose_yes_no
from assistant.models.chat_models import LocalChatModel

pytestmark = pytest.mark.model

EVIDENCE = "[1] The harbour reopened on Monday after three weeks of repairs, the port authority said."


@pytest.fixture
def model(local_chat_model) -> LocalChatModel:
    return local_chat_model


def test_the_evidence_moves_the_choice_both_ways(model):
    said = choose_yes_no(model, "Did the harbour reopen on Monday?", EVIDENCE, floor=0.0)
    denied = choose_yes_no(model, "Did the harbour stay closed on Monday?", EVIDENCE, floor=0.0)
    assert 0.0 < said.prior < 1.0 and 0.0 < said.probability < 1.0
    assert said.score > denied.score
    assert said.verdict == "Yes" and denied.verdict == "No"


def test_a_yes_no_answer_records_its_probabilities(local_assistant):
    answer = local_assistant.ask("Did Vance say there was a stalemate?")
    assert answer.yes_no_probability is not None and answer.yes_no_prior is not None
    assert answer.answer.split(".")[0].split(",")[0] in ("Yes", "No") or answer.refused
