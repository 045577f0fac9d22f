"""How a passage is held in Chroma: its metadata format, and filters as Chroma's `where`. The only code that
knows the format; the store and its indexes read passages through it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.records import Article, Attribution, Passage, PassageFilter, StoredPassage, public_source
from ingest.text.dates import UNKNOWN_TS, timestamp

if TYPE_CHECKING:
    from ingest.speakers.index import SpeakerIndex
    from ingest.store.lexical import LexicalEntry


def encode(article: Article, passage: Passage) -> dict:
    """A passage's Chroma metadata. This and `decode` are the only code that knows the format."""
    meta: dict = {
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        "position": passage.position,
        "start": passage.start,
        "end": passage.end,
        "sentences": json.dumps(passage.sentences),
        "article_hash": article.content_hash,
        "published_ts": timestamp(article.published_at),
        "origin": article.from_where,
    }
    if article.published_at:
        meta["published_at"] = article.published_at
    if article.url:
        meta["url"] = article.url
    if article.outlet:
        meta["outlet"] = article.outlet
    if article.author:
        meta["author"] = article.author
    if passage.speakers:
        meta["speakers"] = json.dumps(
            [[a.sentence_start, a.sentence_end, a.speaker, a.kind, a.start, a.end] for a in passage.speakers]
        )
    return meta


def speakers(meta: dict) -> tuple[Attribution, ...]:
    return tuple(
        Attribution(int(ss), int(se), str(n), str(k), int(a), int(b))
        for ss, se, n, k, a, b in json.loads(meta.get("speakers", "[]"))
    )


def decode(passage_id: str, text: str, meta: dict) -> StoredPassage:
    return StoredPassage(
        id=passage_id,
        article_id=meta["article_id"],
        title=meta.get("title", ""),
        source=public_source(meta.get("source", "")),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        sentences=tuple((int(a), int(b)) for a, b in json.loads(meta.get("sentences", "[]"))),
        published_at=meta.get("published_at"),
        url=meta.get("url"),
        speakers=speakers(meta),
        outlet=meta.get("outlet"),
        author=meta.get("author"),
    )


@dataclass(frozen=True)
class ChromaPassage:
    """A passage as Chroma holds it, for the indexes kept beside the collection."""

    id: str
    text: str
    meta: dict

    @property
    def lexical(self) -> LexicalEntry:
        from ingest.store.lexical import LexicalEntry  # scipy, which a process that only writes never needs

        m = self.meta
        return LexicalEntry(self.id, self.text, m["article_id"], float(m.get("published_ts", UNKNOWN_TS)), m.get("outlet", ""))

    def _speaker_args(self) -> tuple[str, tuple[Attribution, ...], str, bool]:
        m = self.meta
        dated = float(m.get("published_ts", UNKNOWN_TS)) >= 0
        return f"{m.get('title', '')}\n{self.text}", speakers(m), m.get("outlet", ""), dated

    def add_to(self, index: SpeakerIndex) -> None:
        index.add(self.id, self.meta["article_id"], *self._speaker_args())


@dataclass(frozen=True)
class DateRange:
    after: float | None
    before: float | None


def date_range(where: PassageFilter) -> DateRange:
    after = max(timestamp(where.published_after), 0.0) if where.published_after else None
    before = timestamp(where.published_before) if where.published_before else None
    return DateRange(after, before)


def chroma_where(where: PassageFilter) -> dict | None:
    """The filter as Chroma's `where`; undated articles match no date range."""
    dates = date_range(where)
    clauses: list[dict] = []
    if where.article_ids:
        clauses.append({"article_id": {"$in": list(where.article_ids)}})
    if where.outlets:
        clauses.append({"outlet": {"$in": list(where.outlets)}})
    if dates.after is not None:
        clauses.append({"published_ts": {"$gte": dates.after}})
    if dates.before is not None:
        clauses.append({"published_ts": {"$lte": dates.before}})
        if dates.after is None:
            clauses.append({"published_ts": {"$gte": 0.0}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
