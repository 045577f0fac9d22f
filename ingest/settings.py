"""The one typed settings object for all of Byline.

It lives in `ingest`, the bottom layer, because every package needs it and nothing may import upwards.
Values come from `BYLINE_*` environment variables (or a `.env` file); CLI flags override them through
`Settings.with_overrides`. No other module reads `os.environ`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["onnx-int8", "onnx", "torch"]


def _default_cache() -> Path:
    return Path.home() / ".cache" / "byline"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BYLINE_", env_file=".env", extra="ignore")

    # Store
    store: Path = Field(Path(".byline/store"), description="Directory of the embedded Chroma store and lexical index")
    chroma_url: str | None = Field(None, description="URL of a Chroma server; overrides the embedded store")
    collection: str = "articles"

    # Models
    cache_dir: Path = Field(
        default_factory=_default_cache, description="Where the joined chat model and the ONNX embedding model are built"
    )
    chat_model_path: Path | None = Field(None, description="A GGUF file to use instead of the bundled model")
    embedding_model_path: Path | None = Field(None, description="A sentence-transformers folder to use instead")
    embedding_batch_size: int = 16
    embedding_backend: EmbeddingBackend = Field(
        "onnx-int8", description="runtime of the embedding model; all three compute all-MiniLM-L6-v2"
    )

    # Chat backends
    backend: Literal["local", "openai", "ollama"] = "local"
    n_ctx: int = 2048
    n_threads: int = 2
    max_tokens: int = 160
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: str = "not-needed"
    openai_model: str = "local-model"
    ollama_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b"
    request_timeout_s: float = 120.0

    # Ingest
    max_file_mb: float = 20.0
    max_article_chars: int = 1_000_000
    passage_max_tokens: int = 120
    passage_max_sentences: int = 4

    # Retrieval
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    top_k: int = 5
    candidate_k: int = 20
    rrf_k: int = 60
    duplicate_similarity: float = 0.95
    evidence_sentences: int = 4
    multi_passages_per_part: int = Field(2, description="passages searched for each outlet a question names")
    multi_sentences_per_part: int = Field(2, description="evidence sentences kept for each outlet a question names")
    evidence_relative_floor: float = 0.6
    evidence_cosine_weight: float = Field(0.7, description="relevance = w * cosine + (1 - w) * question-word overlap")
    evidence_follower_share: float = Field(
        0.65, description="share of a relevant sentence's score that the sentence right after it inherits"
    )

    # Answering and verification (set on dev data: see docs/EVALUATION.md)
    min_evidence_score: float = 0.30
    support_threshold: float = 0.45
    support_cosine_weight: float = Field(0.5, description="support = w * cosine + (1 - w) * content-word recall")
    speaker_topic_floor: float = Field(
        0.35,
        description="a speaker's best sentence must be this relevant to the topic asked, or the answer says they spoke on other topics",
    )
    answer_check: bool = Field(True, description="ask the local model whether its answer is about what the question asks")
    answer_check_floor: float = Field(
        0.62, description="refuse answers whose check is below this (`byline sweep-answer-check` on dev)"
    )
    question_names_cited_max: int = Field(
        2,
        description="a question naming at most this many names or numbers is refused when its answer's citations "
        "leave one of them unmentioned (0 turns the check off; questions naming more compare several articles)",
    )
    name_match_cutoff: float = Field(0.8, description="spelling similarity a misspelt name needs to a name in the articles")

    # Follow-ups
    rewrite_max_tokens: int = 48
    history_turns: int = Field(2, description="earlier turns shown to the follow-up rewrite")
    history_answer_chars: int = Field(300, description="each earlier answer is cut to this length for the rewrite")

    # Fetching pages and feeds
    fetch_timeout_s: float = Field(15.0, description="seconds to wait for one page or feed")
    max_fetch_mb: float = Field(10.0, description="largest page or feed fetched")
    fetch_max_redirects: int = 5
    allow_private_urls: bool = Field(False, description="fetch loopback, private and link-local addresses too")

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = Field(None, description="USER:PASSWORD required for every page and UI route")
    api_key: str | None = Field(None, description="Bearer key the /v1 API requires; without one it is localhost-only")
    concurrency: int = Field(1, description="answers generated at once by a remote backend")
    max_pending_per_session: int = Field(2, description="questions one browser session may have waiting or running")
    max_batch_questions: int = Field(500, description="largest question set the Batch tab accepts (the CLI has no limit)")

    def with_overrides(self, **values: object) -> Settings:
        """A copy with CLI flags applied; flags left at None keep the environment's value."""
        changed = {k: v for k, v in values.items() if v is not None}
        return self.model_validate({**self.model_dump(), **changed}) if changed else self

    @property
    def answer_concurrency(self) -> int:
        """The local model generates one answer at a time (one llama.cpp context); remote backends may do more."""
        return 1 if self.backend == "local" else max(1, self.concurrency)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1e6)

    @property
    def max_fetch_bytes(self) -> int:
        return int(self.max_fetch_mb * 1e6)

    @property
    def lexical_dir(self) -> Path:
        return self.store / "lexical" / self.collection
