"""The OpenAI backend against llama-cpp-python's own OpenAI-compatible server, serving the same GGUF on loopback:
its `logprobs` give the same choices as the local model's logits, and a server without them gets short
completions, with the answer saying how its choices were read."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from assistant.core.prompts import CHOOSE
from assistant.core.sentence_choice import labels
from assistant.models.chat_models import chat_turns
from assistant.models.choices import ChoiceSource, LocalLogits, RemoteLogprobs
from assistant.models.model_files import chat_model_path

from conftest import free_port, served

pytestmark = pytest.mark.model

EVIDENCE = (
    "[1] The talks were held in Istanbul on Friday.\n"
    "[2] The harbour reopened on Monday after three weeks of repairs.\n"
    "[3] Officials said the weather had delayed the work."
)


def _server(settings, logits_all: bool) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(chat_model_path(settings))]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    command += ["--model_alias", "qwen-local", "--logits_all", str(logits_all).lower()]
    yield from served(command, port, f"http://127.0.0.1:{port}/v1", 120)


@pytest.fixture(scope="module")
def logprobs_server(sample_settings) -> Iterator[str]:
    yield from _server(sample_settings, logits_all=True)


@pytest.fixture(scope="module")
def words_only_server(sample_settings) -> Iterator[str]:
    yield from _server(sample_settings, logits_all=False)


def test_remote_logprobs_choose_as_the_local_logits_do(local_chat_model, logprobs_server):
    for question in ("Where were the talks held?", "When did the harbour reopen?", "Who won the election?"):
        turns = chat_turns(CHOOSE.format_messages(evidence=EVIDENCE, question=question))
        local = LocalLogits(local_chat_model).in_slot("choice").shares(turns, labels(3))
        remote_reader = RemoteLogprobs(logprobs_server, "qwen-local")
        remote = remote_reader.shares(turns, labels(3))
        assert local is not None and remote is not None and remote_reader.source is ChoiceSource.LOGPROBS
        assert max(abs(a - b) for a, b in zip(local, remote)) < 0.05, (question, local, remote)


def _ask(settings, base_url: str, question: str):
    from assistant.core.assistant import Assistant

    remote = settings.with_overrides(backend="openai", openai_base_url=base_url, openai_model="qwen-local")
    return Assistant(remote).ask(question)


def test_openai_backend_reads_its_choices_from_logprobs(sample_settings, logprobs_server):
    answer = _ask(sample_settings, logprobs_server, "Where did Russian and Ukrainian delegates meet?")
    assert answer.error is None and "Istanbul" in answer.answer and answer.citations
    assert "qwen-local" in answer.model
    assert answer.choices_from == "logprobs" and "answer check" in answer.checks_run
    assert answer.signals is not None and 0.0 < answer.signals.none_probability < 1.0
    assert answer.signals.answerable is not None


def test_a_server_without_logprobs_gets_short_completions(sample_settings, words_only_server):
    answer = _ask(sample_settings, words_only_server, "Where did Russian and Ukrainian delegates meet?")
    assert answer.error is None and "Istanbul" in answer.answer and answer.citations
    assert answer.choices_from == "completion" and "answer check" in answer.checks_run
    assert answer.signals is not None and answer.signals.choice_shares.count(1.0) == 1
