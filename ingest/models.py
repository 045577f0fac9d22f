"""The records that ingest produces and every later stage reads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


class IngestError(ValueError):
    """Bad input that the user can fix; the message names the file and what to do."""


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    text: str
    published_at: str | None = None
    url: str | None = None

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored about the article changes, so a re-ingest can tell."""
        payload = json.dumps([self.title, self.source, self.text, self.published_at, self.url])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Passage:
    """A few consecutive sentences of one article; `sentences` are (start, end) offsets in the article text."""

    id: str
    article_id: str
    position: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...] = field(default=())

    def metadata(self, article: Article) -> dict:
        meta = {
            "article_id": article.id,
            "title": article.title,
            "source": article.source,
            "position": self.position,
            "start": self.start,
            "end": self.end,
            "sentences": json.dumps(self.sentences),
            "article_hash": article.content_hash,
        }
        if article.published_at:
            meta["published_at"] = article.published_at
        if article.url:
            meta["url"] = article.url
        return meta


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
