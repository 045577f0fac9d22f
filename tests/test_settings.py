"""The settings tree: flat BYLINE_ names and nested ones, profiles, and the order in which sources win."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.settings import FLAT_NAMES, PROFILES, Settings


def test_flat_and_nested_variable_names(monkeypatch):
    monkeypatch.setenv("BYLINE_TOP_K", "9")
    monkeypatch.setenv("BYLINE_ANSWERING__SUPPORT_THRESHOLD", "0.5")
    monkeypatch.setenv("BYLINE_STORE", "/tmp/elsewhere")
    settings = Settings()
    assert settings.retrieval.top_k == 9 and settings.answering.support_threshold == 0.5
    assert settings.store.path == Path("/tmp/elsewhere") and settings.store.collection == "articles"


def test_constructor_flags_and_environment_in_order(monkeypatch):
    monkeypatch.setenv("BYLINE_TOP_K", "9")
    monkeypatch.setenv("BYLINE_COLLECTION", "mine")
    settings = Settings(top_k=3, store=Path("/tmp/s"))
    assert settings.retrieval.top_k == 3 and settings.store.collection == "mine"  # an argument beats the variable
    flagged = settings.with_overrides(top_k=None, candidate_k=40, backend="openai")
    assert flagged.retrieval.top_k == 3 and flagged.retrieval.candidate_k == 40 and flagged.models.backend == "openai"
    assert flagged.store.path == Path("/tmp/s") and flagged.answer_concurrency == 1


def test_profiles_set_several_fields_and_lose_to_explicit_values(monkeypatch):
    assert Settings().profile == "local" and Settings().models.backend == "local"
    monkeypatch.setenv("BYLINE_PROFILE", "openai")
    openai = Settings()
    assert openai.models.backend == "openai" and openai.answer_concurrency == 4
    monkeypatch.setenv("BYLINE_CONCURRENCY", "2")
    assert Settings().answer_concurrency == 2
    assert Settings(profile="test").models.max_tokens == PROFILES["test"]["max_tokens"]
    monkeypatch.setenv("BYLINE_PROFILE", "fast")
    with pytest.raises(ValueError, match="not a profile; use one of local, openai, ollama, test"):
        Settings()


def test_every_field_has_one_flat_name():
    sections = {section for section, _ in FLAT_NAMES.values()}
    assert sections == {"store", "models", "ingest", "retrieval", "answering", "fetching", "serving"}
    assert len(FLAT_NAMES) == len(set(FLAT_NAMES.values()))
    assert FLAT_NAMES["store"] == ("store", "path") and FLAT_NAMES["top_k"] == ("retrieval", "top_k")


def test_a_dotenv_file_sits_below_the_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("BYLINE_TOP_K=11\nBYLINE_PROFILE=ollama\nBYLINE_RRF_K=30\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(Settings.model_config, "env_file", ".env")
    monkeypatch.setenv("BYLINE_TOP_K", "4")
    settings = Settings()
    assert settings.retrieval.top_k == 4 and settings.retrieval.rrf_k == 30 and settings.models.backend == "ollama"
