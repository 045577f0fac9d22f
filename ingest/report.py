"""What an ingest did, article by article: the record the CLI, the UI and the evaluation read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class IngestFailure:
    path: str
    error: str


@dataclass(frozen=True)
class ArticleOutcome:
    """What happened to one article or feed entry: added, updated or unchanged."""

    source: str
    status: str
    title: str = ""


@dataclass
class IngestReport:
    articles: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[IngestFailure] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    outcomes: list[ArticleOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the user should know that is not a failure (a feed cut to its first entries)."""

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("article_ids")
        return data

    @property
    def ok(self) -> bool:
        return not self.failed


__all__ = ["ArticleOutcome", "IngestFailure", "IngestReport"]
