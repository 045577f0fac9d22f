"""Files in, passages with embeddings out: the whole ingest flow in one place.

Articles stream through in batches, so memory stays flat however large the corpus is; each batch holds whole
articles and is written with one Chroma call, so an interrupted ingest never leaves an article half stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.embedding.embedder import get_embedder
from ingest.records import Article, IngestError, Passage, SourceFile, StoredArticleState
from ingest.report import ArticleOutcome, IngestFailure, IngestReport
from ingest.settings import Settings
from ingest.speakers.worker import SpeakerPass
from ingest.stages import staged
from ingest.store.store import Store
from ingest.text.passages import make_passages
from ingest.text.readers import iter_files, read_articles
from ingest.web.sources import web_articles

BATCH_PASSAGES = 256
log = logging.getLogger("byline")


def _articles(files: Iterable[SourceFile], max_bytes: int, max_chars: int, report: IngestReport) -> Iterator[Article]:
    for file in files:
        if file.error is not None:
            report.failed.append(IngestFailure(file.label, str(file.error)))
            continue
        try:
            for article in read_articles(file.path, max_bytes, name=file.name, max_chars=max_chars):
                if len(article.text) > max_chars:
                    raise IngestError(
                        f"{article.source}: the article is {len(article.text):,} characters long, over the "
                        f"{max_chars:,} limit for one article; split it or raise BYLINE_MAX_ARTICLE_CHARS"
                    )
                yield article
        except IngestError as err:
            report.failed.append(IngestFailure(file.label, str(err)))
        except OSError as err:
            report.failed.append(IngestFailure(file.label, f"{file.label}: cannot read ({err.strerror})"))
        except Exception:  # a reader library failing on odd input must not end the whole ingest
            log.info("reading %s failed", file.path, exc_info=True)
            report.failed.append(
                IngestFailure(file.label, f"{file.label}: could not be read as an article; check the file (details in the log)")
            )


def _taken_id(article: Article, stored: StoredArticleState) -> str:
    return (
        f"{article.source}: the id '{article.id}' already belongs to the article '{stored.title}' from "
        f"{stored.origin}; an update may only come from the same source. Give this article another id, "
        "or remove the stored one first (`byline remove ID`)"
    )


def _batches(articles: Iterator[Article], settings: Settings) -> Iterator[list[tuple[Article, list[Passage]]]]:
    batch: list[tuple[Article, list[Passage]]] = []
    size = 0
    for article in articles:
        passages = make_passages(article, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)
        if not passages:
            continue
        batch.append((article, passages))
        size += len(passages)
        if size >= BATCH_PASSAGES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ingest_files(
    files: Iterable[SourceFile],
    settings: Settings,
    store: Store | None = None,
    progress: Callable[[int], None] | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Ingest files; failures are reported, never raised."""
    report = IngestReport()
    articles = _articles(files, settings.ingest.max_file_bytes, settings.ingest.max_article_chars, report)
    return _ingest(articles, settings, store or Store(settings), report, progress, show_progress)


def ingest_urls(
    urls: Iterable[str],
    settings: Settings,
    store: Store | None = None,
    progress: Callable[[int], None] | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Ingest pages and feeds; every URL that fails is named in the report while the others go in."""
    report = IngestReport()
    store = store or Store(settings)
    return _ingest(web_articles(urls, settings, store, report), settings, store, report, progress, show_progress)


def ingest_articles(articles: Iterator[Article], settings: Settings, store: Store, report: IngestReport) -> IngestReport:
    """Articles already read (a feed refresh fetches them elsewhere), into the store and the report given."""
    return _ingest(articles, settings, store, report, None, False)


@dataclass
class _Batch:
    """Articles on their way to the store: what is new or changed, with their passages (later with speakers)."""

    number: int
    to_write: list[tuple[Article, list[Passage]]]
    replacing: set[str]
    passages: int
    vectors: np.ndarray | None = None


class _Written:
    """How many batches are in the store: reading a batch that repeats an article earlier in the same ingest waits
    for that one, so that the repeat is seen as an update (or unchanged), as it would be one ingest later."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def done(self, number: int) -> None:
        with self._changed:
            self.count = number + 1
            self._changed.notify_all()

    def wait_for(self, number: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self.count > number)


def _sorted_out(
    articles: Iterator[Article], settings: Settings, store: Store, report: IngestReport, written: _Written
) -> Iterator[_Batch]:
    """Batches of what needs writing; the report learns what was added, updated, unchanged or refused."""
    seen: dict[str, int] = {}
    for number, batch in enumerate(_batches(articles, settings)):
        earlier = max((seen[a.id] for a, _ in batch if a.id in seen), default=-1)
        if earlier >= 0:
            written.wait_for(earlier)
        seen.update((a.id, number) for a, _ in batch)
        state = store.stored_state([a.id for a, _ in batch])
        out = _Batch(number, [], set(), sum(len(ps) for _, ps in batch))
        for article, passages in batch:
            stored = state.get(article.id)
            if stored is not None and stored.origin != article.from_where:
                report.failed.append(IngestFailure(article.source, _taken_id(article, stored)))
                continue
            report.articles += 1
            report.passages += len(passages)
            report.article_ids.append(article.id)
            if stored is not None and stored.hashes == {article.content_hash} and stored.passages == len(passages):
                report.unchanged += 1
                report.outcomes.append(ArticleOutcome(article.source, "unchanged", article.title))
                continue
            if stored is not None:
                report.updated += 1
                out.replacing.add(article.id)
            else:
                report.added += 1
            report.outcomes.append(ArticleOutcome(article.source, "updated" if stored is not None else "added", article.title))
            out.to_write.append((article, passages))
        yield out


def _ingest(
    articles: Iterator[Article],
    settings: Settings,
    store: Store,
    report: IngestReport,
    progress: Callable[[int], None] | None,
    show_progress: bool,
) -> IngestReport:
    """Reading and sorting out, speakers, embedding and writing each run in a thread of their own on successive
    batches (`staged`); the writes stay in this thread, in order, each story assigned just before its write so that
    a copy in the next batch finds it."""
    written = _Written()
    speaker_pass = SpeakerPass()
    started = False
    bar = tqdm(desc="ingest", unit=" passages", disable=not show_progress, leave=False)

    def speakers(batch: _Batch) -> _Batch:
        if batch.to_write:
            get_embedder(settings)  # before spaCy, which loads with torch hidden (see `attribute`)
            batch.to_write = speaker_pass(batch.to_write)
        return batch

    def embed(batch: _Batch) -> _Batch:
        if batch.to_write:
            batch.vectors = get_embedder(settings).embed([p.text for _, ps in batch.to_write for p in ps])
        return batch

    try:
        with closing(staged(_sorted_out(articles, settings, store, report, written), [speakers, embed])) as batches:
            for batch in batches:
                if batch.to_write and batch.vectors is not None:
                    started = True
                    articles_in = [a for a, _ in batch.to_write]
                    stories = store.stories.assign(articles_in) if settings.ingest.find_copies else []
                    store.write(batch.to_write, batch.vectors, batch.replacing, stories)
                written.done(batch.number)
                bar.update(batch.passages)
                if progress:
                    progress(batch.passages)
    finally:
        bar.close()
        speaker_pass.close()
        if started:
            store.finish_write()
    return report


def ingest_paths(
    paths: list[Path], settings: Settings, store: Store | None = None, show_progress: bool | None = None
) -> IngestReport:
    files = list(iter_files(paths))
    show = len(files) > 5 or any(f.path.suffix == ".jsonl" for f in files) if show_progress is None else show_progress
    return ingest_files(files, settings, store, show_progress=show)
