"""The local model's prompt slots are separate llama.cpp contexts over one loaded model: separate caches, one
copy of the weights."""

from __future__ import annotations

import psutil
import pytest

from assistant.models.chat_models import load_llama
from assistant.models.model_files import chat_model_path
from ingest.settings import Settings

pytestmark = pytest.mark.model

PROMPT = "Question: What is the capital of France? Answer in one word:"


def test_slots_share_the_model_but_not_the_cache():
    path = str(chat_model_path(Settings()))
    answer, _ = load_llama(path, 2048, 2, "answer")
    before = psutil.Process().memory_info().rss
    rewrite, _ = load_llama(path, 2048, 2, "test-slot")
    grew_mb = (psutil.Process().memory_info().rss - before) / 2**20
    assert rewrite is not answer and rewrite._model is answer._model and rewrite._ctx is not answer._ctx
    assert grew_mb < 400, f"a second context took {grew_mb:.0f} MB: the weights were loaded again"
    first = answer.create_completion(PROMPT, max_tokens=6, temperature=0)["choices"][0]["text"]
    other = rewrite.create_completion("Say hello in French:", max_tokens=4, temperature=0)["choices"][0]["text"]
    assert "Paris" in first and other.strip()
    assert answer.n_tokens != rewrite.n_tokens  # each context kept its own evaluated tokens
    assert rewrite.create_completion(PROMPT, max_tokens=6, temperature=0)["choices"][0]["text"] == first
