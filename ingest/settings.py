"""The one typed settings tree for all of Byline, nested by component, with named profiles.

It lives in `ingest`, the bottom layer, because every package needs it and nothing may import upwards. Each
field keeps the flat `BYLINE_*` name it always had (`BYLINE_TOP_K` sets `retrieval.top_k`; `BYLINE_STORE` sets
`store.path`); `BYLINE_RETRIEVAL__TOP_K` works too. A profile (`BYLINE_PROFILE` or `--profile`) sets several
fields at once: `local` (the default), `openai`, `ollama`, `test`. Precedence, highest first: CLI flags
(`Settings.with_overrides`), constructor arguments, environment, `.env`, the profile, the defaults. No other
module reads `os.environ`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

EmbeddingBackend = Literal["onnx-int8", "onnx", "torch"]
Profile = Literal["local", "openai", "ollama", "test"]
PREFIX = "BYLINE_"


def _default_cache() -> Path:
    return Path.home() / ".cache" / "byline"


class StoreSettings(BaseModel):
    path: Path = Field(Path(".byline/store"), description="Directory of the embedded Chroma store and lexical index")
    chroma_url: str | None = Field(None, description="URL of a Chroma server; overrides the embedded store")
    collection: str = "articles"
    open_write_timeout_s: float = Field(
        120.0, description="a write to the store begun this long ago and not ended is taken to have died (its writer killed)"
    )

    @property
    def lexical_dir(self) -> Path:
        return self.path / "lexical" / self.collection


class ModelSettings(BaseModel):
    cache_dir: Path = Field(
        default_factory=_default_cache, description="Where the joined chat model and the ONNX embedding model are built"
    )
    chat_model_path: Path | None = Field(None, description="A GGUF file to use instead of the bundled model")
    embedding_model_path: Path | None = Field(None, description="A sentence-transformers folder to use instead")
    embedding_batch_size: int = 16
    embedding_backend: EmbeddingBackend = Field(
        "onnx-int8", description="runtime of the embedding model; all three compute all-MiniLM-L6-v2"
    )
    embedding_workers: int = Field(
        0, ge=0, description="ONNX sessions embedding in parallel threads (0: one per core); `byline ingest --workers`"
    )
    backend: Literal["local", "openai", "ollama"] = "local"
    n_ctx: int = 2048
    n_threads: int = 2
    max_tokens: int = 160
    rewrite_max_tokens: int = 48
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: str = "not-needed"
    openai_model: str = "local-model"
    ollama_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b"
    request_timeout_s: float = 120.0


class IngestSettings(BaseModel):
    max_file_mb: float = 20.0
    max_article_chars: int = 1_000_000
    passage_max_tokens: int = 120
    passage_max_sentences: int = 4
    find_copies: bool = Field(
        True, description="give each article a story id, so copies of one story are found (off: each its own)"
    )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1e6)


class RetrievalSettings(BaseModel):
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    top_k: int = 5
    candidate_k: int = 20
    rrf_k: int = 60
    duplicate_similarity: float = 0.95
    evidence_sentences: int = 4
    multi_passages_per_part: int = Field(2, description="passages searched for each outlet a question names")
    multi_sentences_per_part: int = Field(2, description="evidence sentences kept for each outlet a question names")
    claim_passages: int = Field(3, description="passages searched for each part of a compound yes/no question")
    claim_sentences: int = Field(4, description="evidence sentences kept for each part of a compound yes/no question")
    evidence_relative_floor: float = 0.6
    evidence_cosine_weight: float = Field(0.7, description="relevance = w * cosine + (1 - w) * question-word overlap")
    evidence_follower_share: float = Field(
        0.65, description="share of a relevant sentence's score that the sentence right after it inherits"
    )


class AnsweringSettings(BaseModel):
    """Refusal and verification thresholds, set on dev data (docs/EVALUATION.md)."""

    min_evidence_score: float = 0.30
    support_threshold: float = 0.45
    support_cosine_weight: float = Field(0.5, description="support = w * cosine + (1 - w) * content-word recall")
    speaker_topic_floor: float = Field(
        0.35,
        description="a speaker's best sentence must be this relevant to the topic asked, or the answer says they spoke on other topics",
    )
    yes_no_choice: bool = Field(
        False,
        description="read a yes/no question's Yes or No from the local model's probabilities, not its text (off: no gain "
        "on MultiHop-RAG test, docs/EVALUATION.md)",
    )
    yes_no_floor: float = Field(
        0.20, description="Yes when the log-odds of Yes, less the weighted leaning, reach this (`byline sweep-yes-no` on dev)"
    )
    yes_no_prior_weight: float = Field(
        0.25, description="how much of the model's leaning with no evidence is taken from its log-odds of Yes (0 to 1)"
    )
    unreported_no: bool = Field(
        True,
        description="a yes/no question about what the articles report that they do not bear out is answered No, "
        "not refused (a question about the world is still refused)",
    )
    consistency_answers: bool = Field(
        True,
        description="a question whether reports agree is answered that they do, unless one is shown to contradict the "
        'other, with what each says (no contradiction detector: docs/EVALUATION.md, "Do the reports agree?")',
    )
    compound_yes_no: bool = Field(
        True,
        description='a compound yes/no question ("… A, while … B?"): Yes or No read part by part, each part against '
        "its own outlets' sentences, Yes only when every part is (local model or logprobs)",
    )
    compound_yes_no_floor: float = Field(
        -0.23,
        description="a part is Yes when its log-odds of Yes, less the weighted leaning, reach this (`byline sweep-yes-no "
        "--compound` on MultiHop-RAG dev; weight 0 separated best there, ROC AUC 0.79)",
    )
    compound_yes_no_prior_weight: float = Field(0.0, description="the leaning taken from each part's log-odds (0 to 1)")
    sentence_choice: bool = Field(
        True,
        description="ask the model which evidence sentence answers, or none, before it writes (a signal of the "
        "refusal decision; the local model's prompt shares the answer's evidence)",
    )
    span_answers: bool = Field(
        True,
        description="answer a who/when/where/how-many question with the span of the evidence the model chooses "
        "(held to spaCy's candidates), not with text it writes",
    )
    refusal_model: bool = Field(
        True,
        description="refuse by the fitted refusal model (assistant/core/refusal_model.json, `byline fit-refusal`) "
        "instead of answer_check_floor, where the model's choices were read with their probabilities",
    )
    echo_check: bool = Field(True, description="refuse an answer that only restates the question (no word of its own)")
    quote_meaning_floor: float = Field(
        0.5, description="P(same meaning) a speaker's sentence needs for a quote check's “paraphrase” (swept on dev)"
    )
    quote_topic_floor: float = Field(
        0.45, description="relevance a sentence needs to be on the claim's subject, for “changed” (swept on dev)"
    )
    quote_other_floor: float = Field(
        0.5, description="P(same meaning) another speaker's sentence needs for a quote check's “someone else” (swept on dev)"
    )
    quote_other_words_floor: float = Field(
        0.8,
        description="share of a claim's words another speaker's sentence must hold before a quote check names them "
        "(“someone else”; swept on dev)",
    )
    quote_changed_floor: float = Field(
        1.01,
        description="relevance at which the model's “different” on the person's own sentence means “changed” (above 1: never)",
    )
    timeline_event_floor: float = Field(
        0.35,
        description="relevance to a timeline's topic an article needs to join its story by shared names, and an undated "
        "sentence to be one of its events (`byline eval-timelines --sweep` on dev)",
    )
    answer_check: bool = Field(True, description="ask the local model whether its answer is about what the question asks")
    answer_check_floor: float = Field(
        0.62,
        description="refuse answers whose check is below this, where the refusal model does not decide "
        "(`byline sweep-answer-check` on dev)",
    )
    question_names_cited_max: int = Field(
        2,
        description="a question naming at most this many names or numbers is refused when its answer's citations "
        "leave one of them unmentioned or name another place or year in its stead (0 turns the check off; questions naming more compare several articles)",
    )
    name_match_cutoff: float = Field(0.8, description="spelling similarity a misspelt name needs to a name in the articles")
    history_turns: int = Field(2, description="earlier turns shown to the follow-up rewrite")
    history_answer_chars: int = Field(300, description="each earlier answer is cut to this length for the rewrite")


class FetchingSettings(BaseModel):
    fetch_timeout_s: float = Field(15.0, description="seconds to wait for each read of a page or feed")
    fetch_deadline_s: float = Field(60.0, description="seconds one fetch may take in all, redirects and a slow body included")
    refresh_deadline_s: float = Field(600.0, description="seconds one refresh of the followed feeds may take in all")
    max_feed_entries: int = Field(200, description="entries taken from one feed per refresh (the newest first)")
    max_fetch_mb: float = Field(10.0, description="largest page or feed fetched")
    fetch_max_redirects: int = 5
    allow_private_urls: bool = Field(False, description="fetch loopback, private and link-local addresses too")
    feed_interval_s: float = Field(
        1800.0,
        description="how often `byline serve` refreshes each followed feed (a feed's own interval or ttl may be longer); 0: never",
    )
    feed_tick_s: float = Field(30.0, description="how often `byline serve` looks for feeds that are due")
    max_concurrent_fetches: int = Field(4, description="feeds fetched at once (one host's feeds one after another)")
    feed_pause_after: int = Field(5, description="failures in a row after which a feed is paused until refreshed by hand")
    feed_lease_s: float = Field(900.0, description="how long one process may hold a feed it is refreshing before another may")

    @property
    def max_fetch_bytes(self) -> int:
        return int(self.max_fetch_mb * 1e6)


class ServingSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_hosts: str = Field(
        "", description="more host names the server answers to, comma-separated (loopback and the bound address always)"
    )
    auth: str | None = Field(None, description="USER:PASSWORD required for every page and UI route")
    api_key: str | None = Field(None, description="Bearer key the /v1 API requires; without one it is localhost-only")
    concurrency: int = Field(1, description="answers generated at once by a remote backend")
    max_pending_per_session: int = Field(2, description="questions one browser session may have waiting or running")
    max_batch_questions: int = Field(500, description="largest question set the Batch tab accepts (the CLI has no limit)")


SECTIONS: dict[str, type[BaseModel]] = {
    "store": StoreSettings,
    "models": ModelSettings,
    "ingest": IngestSettings,
    "retrieval": RetrievalSettings,
    "answering": AnsweringSettings,
    "fetching": FetchingSettings,
    "serving": ServingSettings,
}
FLAT_NAMES: dict[str, tuple[str, str]] = {
    ("store" if (section, name) == ("store", "path") else name): (section, name)
    for section, model in SECTIONS.items()
    for name in model.model_fields
}
"""Each field's flat name (the `BYLINE_` variable less its prefix, and the CLI's keyword) → (section, field)."""

PROFILES: dict[str, dict[str, Any]] = {
    "local": {},
    "openai": {"backend": "openai", "concurrency": 4},
    "ollama": {"backend": "ollama", "concurrency": 2},
    "test": {"max_tokens": 96, "request_timeout_s": 10.0, "fetch_timeout_s": 2.0, "max_batch_questions": 20},
}
"""Named sets of flat values. `test` keeps runs short and time-outs tight; the thresholds stay as swept."""


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Flat names to the nested tree; nested sections (dicts or section models) pass through."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        if key in SECTIONS and (isinstance(value, dict | BaseModel)):
            given = value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else value
            tree.setdefault(key, {}).update(given)
        elif key in FLAT_NAMES:
            section, name = FLAT_NAMES[key]
            tree.setdefault(section, {})[name] = value
        elif key == "profile":
            tree[key] = value
    return tree


def _read(environ: dict[str, str | None]) -> dict[str, Any]:
    """BYLINE_TOP_K and BYLINE_RETRIEVAL__TOP_K alike, as flat names."""
    flat: dict[str, Any] = {}
    for key, value in environ.items():
        if value is None or not key.upper().startswith(PREFIX):
            continue
        name = key[len(PREFIX) :].lower()
        section, _, field = name.partition("__")
        if field and section in SECTIONS:
            name = next((flat_name for flat_name, where in FLAT_NAMES.items() if where == (section, field)), "")
        if name in FLAT_NAMES or name == "profile":
            flat[name] = value
    return flat


class _FlatSource(PydanticBaseSettingsSource):
    """The environment or a `.env` file, read by flat name; the chosen profile's values sit under both."""

    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]):
        super().__init__(settings_cls)
        self.values = values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return nest(self.values)


def _dotenv(path: Any) -> dict[str, Any]:
    if not path or not os.path.isfile(path):
        return {}
    from dotenv import dotenv_values

    return _read(dict(dotenv_values(path)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=".env")

    profile: Profile = "local"
    store: StoreSettings = StoreSettings()
    models: ModelSettings = ModelSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answering: AnsweringSettings = AnsweringSettings()
    fetching: FetchingSettings = FetchingSettings()
    serving: ServingSettings = ServingSettings()

    @model_validator(mode="before")
    @classmethod
    def _flat_names(cls, data: Any) -> Any:
        """`Settings(store=path, top_k=8)` as well as `Settings(retrieval={"top_k": 8})`."""
        return nest(data) if isinstance(data, dict) else data

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ, dotenv = _read(dict(os.environ)), _dotenv(settings_cls.model_config.get("env_file"))
        init = getattr(init_settings, "init_kwargs", {}) or {}
        profile = init.get("profile") or environ.get("profile") or dotenv.get("profile") or "local"
        if profile not in PROFILES:
            raise ValueError(f"BYLINE_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}")
        return (
            _FlatSource(settings_cls, init),
            _FlatSource(settings_cls, environ),
            _FlatSource(settings_cls, dotenv),
            _FlatSource(settings_cls, {**PROFILES[profile], "profile": profile}),
        )

    def with_overrides(self, **values: object) -> Settings:
        """A copy with CLI flags (flat names) applied; flags left at None keep the value they override."""
        changed = nest({k: v for k, v in values.items() if v is not None})
        if not changed:
            return self
        if changed.get("profile", self.profile) != self.profile:
            raise ValueError("a profile is chosen when settings are first read: Settings(profile=...) or BYLINE_PROFILE")
        tree = self.model_dump()
        for section, fields in changed.items():
            if isinstance(fields, dict):
                tree[section].update(fields)
            else:
                tree[section] = fields
        return type(self).model_validate(tree)

    @property
    def answer_concurrency(self) -> int:
        """The local model generates one answer at a time (one llama.cpp context); remote backends may do more."""
        return 1 if self.models.backend == "local" else max(1, self.serving.concurrency)
