"""The records that ingest produces and every later stage reads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path


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
    origin: str | None = None
    """The file or URL the article came from (a JSONL file holds many); defaults to the source."""
    outlet: str | None = None
    """The publication ("The Verge"), when the record or the page names it."""
    author: str | None = None

    @property
    def from_where(self) -> str:
        return self.origin or self.source

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored about the article changes, so a re-ingest can tell."""
        fields = [self.title, self.source, self.text, self.published_at, self.url]
        extra = [self.outlet, self.author] if self.outlet or self.author else []
        payload = json.dumps(fields + extra)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Attribution:
    """One speaker of one sentence: `speaker` is the canonical name, `start`/`end` the mention as written
    (a pronoun or title when the name was resolved), all offsets in the article text."""

    sentence_start: int
    sentence_end: int
    speaker: str
    kind: str
    start: int
    end: int


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
    speakers: tuple[Attribution, ...] = field(default=())


@dataclass(frozen=True)
class StoredArticleState:
    """What the store holds of one article id: enough to tell unchanged, changed and someone else's article."""

    hashes: frozenset[str]
    passages: int
    title: str
    origin: str


@dataclass(frozen=True)
class StoredPassage:
    """A passage as the store gives it back, with what every reader of it needs from its article."""

    id: str
    article_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    published_at: str | None = None
    url: str | None = None
    speakers: tuple[Attribution, ...] = ()
    outlet: str | None = None
    author: str | None = None

    def speakers_of(self, start: int, end: int) -> tuple[str, ...]:
        """The canonical names of the speakers of the sentence at these offsets."""
        return tuple(a.speaker for a in self.speakers if a.sentence_start == start and a.sentence_end == end)

    def sentence_texts(self) -> list[tuple[int, int, str]]:
        """(article start, article end, text) of each sentence, cut from the passage's own text."""
        return [(s, e, self.text[s - self.start : e - self.start]) for s, e in self.sentences]


@dataclass(frozen=True)
class Hit:
    """A stored passage found by a search, with that search's score (cosine similarity or BM25)."""

    passage: StoredPassage
    score: float


@dataclass(frozen=True)
class PassageFilter:
    """Which passages a search may return: some articles, some outlets, a publication date range (ISO dates), or
    all."""

    article_ids: tuple[str, ...] = ()
    published_after: str | None = None
    published_before: str | None = None
    outlets: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.article_ids or self.published_after or self.published_before or self.outlets)


@dataclass(frozen=True)
class SourceFile:
    """One file to ingest: where it is, the name the user knows it by (an upload's original name), and an
    error already found for it (a missing path), which is reported in its place."""

    path: Path
    name: str | None = None
    error: IngestError | None = None

    @property
    def label(self) -> str:
        return self.name or str(self.path)


def public_source(source: str) -> str:
    """What users see as an article's source: a URL or a file's name, never a path on the server's disk (stores
    written before sources were names still hold absolute paths)."""
    if source.startswith("/") or (len(source) > 2 and source[1] == ":" and source[2] in "\\/"):
        return Path(source).name
    return source


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
