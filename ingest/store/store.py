"""The article store: passages and their embeddings in Chroma, the change log every write is recorded in, and
this process's BM25 and speaker indexes, kept in step with the collection through that log."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

from ingest.records import (
    Article,
    Hit,
    IngestError,
    Passage,
    PassageFilter,
    StoredArticleState,
    StoredPassage,
    public_source,
)
from ingest.settings import Settings
from ingest.store.changes import ChangeLog
from ingest.store.metadata import ChromaPassage, chroma_where, date_range, decode, encode
from ingest.store.stories import StoryIndex, StoryRecord

if TYPE_CHECKING:
    from ingest.speakers.index import SpeakerIndex
    from ingest.store.lexical import LexicalIndex
    from ingest.store.replica import Replica

_PAGE = 5000
CATCH_UP_AFTER_WRITING = 50
"""Articles written in one go from which a writer that holds no indexes builds and saves them anyway, from the
passages it still has in memory."""
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,510})[A-Za-z0-9]")
"""What Chroma accepts as a collection name."""


@dataclass(frozen=True)
class StoredArticle:
    id: str
    title: str
    source: str
    published_at: str | None
    passages: int
    outlet: str | None = None
    story_id: str | None = None
    """Copies of one story (one wire story run by several outlets) share it; an article alone is its own."""


def chroma_client(settings: Settings):
    """The Chroma client of the configured store: embedded on disk, or a `chroma run` server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.store.chroma_url:
        url = urlparse(settings.store.chroma_url if "://" in settings.store.chroma_url else f"http://{settings.store.chroma_url}")
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as err:
            raise IngestError(
                f"cannot reach the Chroma server at {settings.store.chroma_url} ({err}); start it with "
                "`chroma run --path DIR` or fix BYLINE_CHROMA_URL / --chroma-url"
            ) from None
    try:
        settings.store.path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise IngestError(f"cannot create the store folder {settings.store.path} ({err}); fix BYLINE_STORE / --store") from None
    return chromadb.PersistentClient(path=str(settings.store.path), settings=chroma_settings)


class Store:
    """One collection of passages. Writes go article by article, so no article is ever half stored."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = chroma_client(settings)
        name = settings.store.collection
        if not _COLLECTION_NAME.fullmatch(name):
            raise IngestError(
                f"the collection name {name!r} is not allowed: use 3 to 512 letters, digits, '.', '_' or '-', starting and "
                "ending with a letter or digit (BYLINE_COLLECTION / --collection)"
            )
        self._collection = self._client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.changes = ChangeLog(self._client, f"{name}-changes")
        lexical_dir = settings.store.lexical_dir
        self.stories = StoryIndex(
            self._client, f"{name}-stories", self.changes, lexical_dir.with_name(lexical_dir.name + ".stories")
        )

    @cached_property
    def replica(self) -> Replica:
        """This process's indexes, made on first use: a process that only writes an article never loads them."""
        from ingest.store import replica

        store = self.settings.store
        return replica.Replica(self._collection, self.changes, store.lexical_dir, store.open_write_timeout_s)

    # --- reading -----------------------------------------------------------------------------------

    @property
    def generation(self) -> str:
        """Moves with every write anyone makes to the store: the newest record of its change log."""
        return str(self.changes.head())

    def count(self) -> int:
        return self._collection.count()

    def _pages(self, include: list[str], where: dict | None = None):
        offset = 0
        while True:
            page = self._collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def articles(self) -> list[StoredArticle]:
        """Every article, by title, with the copies of one story together (earliest first) under the first."""
        found: dict[str, dict] = {}
        counts: dict[str, int] = defaultdict(int)
        for page in self._pages(["metadatas"]):
            for meta in page["metadatas"]:
                counts[meta["article_id"]] += 1
                found.setdefault(meta["article_id"], meta)
        stories = self.stories.story_of(list(found)) if found else {}
        articles = [
            StoredArticle(
                aid,
                m.get("title", ""),
                public_source(m.get("source", "")),
                m.get("published_at"),
                counts[aid],
                m.get("outlet"),
                stories.get(aid, aid),
            )
            for aid, m in found.items()
        ]
        groups: dict[str, list[StoredArticle]] = defaultdict(list)
        for a in sorted(articles, key=lambda a: (a.published_at or "9999", a.title.lower(), a.id)):
            groups[a.story_id or a.id].append(a)
        ordered = sorted(groups.values(), key=lambda g: (g[0].title.lower(), g[0].id))
        return [a for group in ordered for a in group]

    def passages(self, ids: list[str], where: PassageFilter = PassageFilter()) -> dict[str, StoredPassage]:
        """The passages of those ids that exist (and pass the filter), by id."""
        if not ids:
            return {}
        got = self._collection.get(ids=list(dict.fromkeys(ids)), where=chroma_where(where), include=["documents", "metadatas"])
        return {i: decode(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    def article_passages(self, article_id: str) -> list[StoredPassage]:
        """One article's passages in reading order."""
        found = [
            decode(i, d, m)
            for page in self._pages(["documents", "metadatas"], {"article_id": article_id})
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])
        ]
        return sorted(found, key=lambda p: p.start)

    def leads(self, where: PassageFilter, limit: int) -> list[StoredPassage]:
        """The first passage of each article in scope, newest article first (undated last)."""
        scope = chroma_where(where)
        first = {"position": 0}
        found = [
            decode(i, d, m)
            for page in self._pages(["documents", "metadatas"], {"$and": [scope, first]} if scope else first)
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])
        ]
        found.sort(key=lambda p: (p.published_at or "", p.title), reverse=True)
        return found[:limit]

    def titles(self, ids: list[str]) -> dict[str, str]:
        """The titles of those of these articles that are stored (one query, no scan of the collection)."""
        if not ids:
            return {}
        got = self._collection.get(where={"article_id": {"$in": list(ids)}}, include=["metadatas"])
        return {m["article_id"]: m.get("title", "") for m in got["metadatas"]}

    def existing_article_ids(self, ids: list[str]) -> set[str]:
        return set(self.titles(ids))

    def ids_containing(self, text: str) -> list[str]:
        """Passages whose text contains `text` exactly (Chroma's full-text filter)."""
        return self._collection.get(where_document={"$contains": text}, include=[])["ids"]

    def dense_search(self, vector: np.ndarray, k: int, where: PassageFilter = PassageFilter()) -> list[Hit]:
        """Nearest passages by cosine similarity, best first."""
        res = self._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=chroma_where(where),
            include=["documents", "metadatas", "distances"],
        )
        return [
            Hit(decode(i, doc, meta), 1.0 - float(dist))
            for i, dist, doc, meta in zip(res["ids"][0], res["distances"][0], res["documents"][0], res["metadatas"][0])
        ]

    def lexical_search(self, query: str, k: int, where: PassageFilter = PassageFilter()) -> list[Hit]:
        """Best BM25 passages, best first (passages with no query word are left out)."""
        index = self.lexical()
        mask = None
        if where:
            dates = date_range(where)
            mask = index.filter_mask(list(where.article_ids), dates.after, dates.before, list(where.outlets))
        scored = index.search(query, k, mask)
        found = self.passages([pid for pid, _ in scored])
        return [Hit(found[pid], score) for pid, score in scored if pid in found]

    def lexical(self) -> LexicalIndex:
        """The BM25 index, caught up with every write recorded in the change log."""
        return self.replica.current().lexical

    def speaker_index(self) -> SpeakerIndex:
        """Who speaks where, caught up like the BM25 index."""
        return self.replica.current().speakers

    # --- writing -----------------------------------------------------------------------------------

    def stored_state(self, article_ids: list[str]) -> dict[str, StoredArticleState]:
        """What is stored under each of these article ids (ids with nothing stored are left out)."""
        hashes: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, int] = defaultdict(int)
        first: dict[str, dict] = {}
        for page in self._pages(["metadatas"], where={"article_id": {"$in": list(article_ids)}}):
            for meta in page["metadatas"]:
                aid = meta["article_id"]
                hashes[aid].add(meta["article_hash"])
                counts[aid] += 1
                first.setdefault(aid, meta)
        return {
            aid: StoredArticleState(
                frozenset(hashes[aid]), counts[aid], m.get("title", ""), m.get("origin") or m.get("source", "")
            )
            for aid, m in first.items()
        }

    def write(
        self,
        batch: list[tuple[Article, list[Passage]]],
        vectors: np.ndarray,
        replacing: frozenset[str] | set[str] = frozenset(),
        stories: list[StoryRecord] | None = None,
    ) -> None:
        """Store whole articles in one call, then drop the passages of their previous versions (`replacing`:
        the ids of articles that had some stored, so new articles cost no delete). The change log brackets it,
        so every process applies it, even one cut short."""
        ids, docs, metas = [], [], []
        for article, passages in batch:
            for p in passages:
                ids.append(p.id)
                docs.append(p.text)
                metas.append(encode(article, p))
        article_ids = [a.id for a, _ in batch]
        write_id = uuid.uuid4().hex
        self.changes.append(write_id, "begin", article_ids)
        if ids:
            self._collection.upsert(ids=ids, embeddings=vectors, documents=docs, metadatas=metas)
        for article, _ in batch:
            if article.id in replacing:
                self._collection.delete(
                    where={"$and": [{"article_id": article.id}, {"article_hash": {"$ne": article.content_hash}}]}
                )
        self.stories.record(stories or [])
        self.changes.append(write_id, "end", article_ids)
        written: dict[str, list[ChromaPassage]] = {aid: [] for aid in article_ids}
        for i, d, m in zip(ids, docs, metas):
            written[m["article_id"]].append(ChromaPassage(i, d, m))
        self.replica.written(write_id, written)

    def remove(self, article_id: str) -> int:
        existing = self._collection.get(where={"article_id": article_id}, include=[])["ids"]
        if not existing:
            return 0
        write_id = uuid.uuid4().hex
        self.changes.append(write_id, "begin", [article_id])
        self._collection.delete(ids=existing)
        self.stories.remove([article_id])
        self.changes.append(write_id, "end", [article_id])
        self.replica.written(write_id, {article_id: []})
        self.finish_write()
        return len(existing)

    def finish_write(self) -> None:
        """Catch this process's indexes up with what it wrote when it holds them, and save them for the next process
        when it wrote enough that the next would rather not read it all again: a one-article `byline ingest` leaves
        the indexes alone, and whoever reads next applies the article from the log."""
        large = self.replica.written_articles() >= CATCH_UP_AFTER_WRITING
        if self.replica.loaded or large:
            self.replica.current()
        else:
            self.replica.forget_written()
        if large:  # a small write is saved with the next ones (every 200 articles or 30 s), its record is in the log
            self.replica.save()
            self.stories.save()
