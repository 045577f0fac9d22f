"""URLs to articles for the pipeline: pages fetched and extracted, feeds expanded into their entries' pages."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from ingest.records import Article, IngestError
from ingest.report import ArticleOutcome, IngestFailure, IngestReport
from ingest.settings import Settings
from ingest.store.store import Store
from ingest.web.fetch import fetch
from ingest.web.pages import FeedEntry, feed_entries, is_feed, page_article

log = logging.getLogger("byline")


def web_articles(urls: Iterable[str], settings: Settings, store: Store, report: IngestReport) -> Iterator[Article]:
    """Articles from pages and feeds. A feed entry whose link is already stored is skipped without a fetch
    (reported unchanged); a page asked for by itself is always fetched, and its content hash decides
    whether it is unchanged. Each page, feed and entry fails alone and named; one refresh has a deadline, and
    what it did not reach is named too, for the next refresh to take."""
    fetching = settings.fetching
    deadline = time.monotonic() + fetching.refresh_deadline_s
    for url in urls:
        if time.monotonic() > deadline:
            report.failed.append(IngestFailure(url, _late(url, fetching.refresh_deadline_s)))
            continue
        with _each(url, report):
            fetched = fetch(url, settings)
            if not is_feed(fetched):
                yield page_article(fetched, url)
                continue
            entries = feed_entries(fetched, url)
            if len(entries) > fetching.max_feed_entries:
                report.notes.append(
                    f"{url}: {len(entries)} entries; the first {fetching.max_feed_entries} were taken (BYLINE_MAX_FEED_ENTRIES)"
                )
                entries = entries[: fetching.max_feed_entries]
            yield from entry_articles(entries, settings, store, report, deadline)


def entry_articles(
    entries: list[FeedEntry], settings: Settings, store: Store, report: IngestReport, deadline: float
) -> Iterator[Article]:
    """The articles of a feed's entries not stored yet: an entry whose link is an article id already is not
    fetched again."""
    known = store.existing_article_ids([e.link for e in entries])
    for entry in entries:
        if entry.link in known:
            report.unchanged += 1
            report.outcomes.append(ArticleOutcome(entry.link, "unchanged", entry.title))
            continue
        if time.monotonic() > deadline:
            report.failed.append(IngestFailure(entry.link, _late(entry.link, settings.fetching.refresh_deadline_s)))
            continue
        with _each(entry.link, report):
            article = page_article(fetch(entry.link, settings), entry.link)
            if not article.published_at and entry.published_at:
                article = replace(article, published_at=entry.published_at)
            yield article


def _late(url: str, seconds: float) -> str:
    return f"{url}: not fetched, the refresh ran past {seconds:g} s (BYLINE_REFRESH_DEADLINE_S); the next refresh takes it"


@contextmanager
def _each(url: str, report: IngestReport) -> Iterator[None]:
    """One URL's failure is recorded under its name and the rest go on; an unexpected one goes to the log."""
    try:
        yield
    except IngestError as err:
        report.failed.append(IngestFailure(url, str(err)))
    except Exception:
        log.info("fetching %s failed", url, exc_info=True)
        report.failed.append(IngestFailure(url, f"{url}: could not be read (details in the log)"))
