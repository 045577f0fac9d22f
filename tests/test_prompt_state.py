"""The answer prompt's prefix state saved by one warm-up and restored by the next (real local model)."""

from __future__ import annotations

import pytest

from assistant.core.prompts import ANSWER
from assistant.models import prompt_state
from assistant.models.chat_models import LocalChatModel, load_llama

EVIDENCE = "[1] The mayor said the river rose by two metres on Monday and the bridge was closed."


@pytest.fixture
def model(local_chat_model) -> LocalChatModel:
    return local_chat_model


def _answer(model: LocalChatModel) -> str:
    return str(model.invoke(ANSWER.format_messages(evidence=EVIDENCE, question="What did the mayor say?")).content)


def test_a_restored_prefix_answers_as_a_freshly_evaluated_one(model, tmp_path):
    warm = ANSWER.format_messages(evidence="[1] Nothing.", question="Nothing?")
    model.warm_up(warm, tmp_path)
    saved = list(tmp_path.glob("*.state"))
    assert len(saved) == 1 and saved[0].stat().st_size > 1_000_000
    llm, _ = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    evaluated = _answer(model)

    llm.reset()
    assert prompt_state.restore(llm, saved[0])
    assert llm.n_tokens > 100  # the system prompt's tokens, at least
    assert _answer(model) == evaluated
    assert "[1]" in evaluated

    model.warm_up(warm, tmp_path)  # a second warm-up reads the file and writes none
    assert list(tmp_path.glob("*")) == saved


def test_a_damaged_state_file_is_ignored_and_the_prompt_evaluated(model, tmp_path):
    llm, _ = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    damaged = tmp_path / "damaged.state"
    damaged.write_bytes(b"not a llama state" * 100)
    assert not prompt_state.restore(llm, damaged)
    assert llm.n_tokens == 0
    assert "[1]" in _answer(model)


def test_a_changed_prompt_replaces_the_old_state(model, tmp_path):
    model.warm_up(ANSWER.format_messages(evidence="[1] Nothing.", question="Nothing?"), tmp_path)
    first = list(tmp_path.glob("*.state"))
    model.warm_up(ANSWER.format_messages(evidence="[1] Something else.", question="What?"), tmp_path)
    second = list(tmp_path.glob("*.state"))
    assert len(first) == len(second) == 1 and first != second
