"""URLs to articles for the pipeline: pages fetched and extracted, feeds expanded into their entries' pages."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ingest.records import Article, IngestError
from ingest.report import ArticleOutcome, IngestFailure, IngestReport
from ingest.settings import Settings
from ingest.store.store import Store
from ingest.web.fetch import FetchError, fetch
from ingest.web.pages import feed_entries, is_feed, page_article

log = logging.getLogger("byline")


def web_articles(urls: Iterable[str], settings: Settings, store: Store, report: IngestReport) -> Iterator[Article]:
    """Articles from pages and feeds. A feed entry whose link is already stored is skipped without a fetch
    (reported unchanged); a page asked for by itself is always fetched, and its content hash decides
    whether it is unchanged."""
    for url in urls:
        try:
            fetched = fetch(url, settings)
            if not is_feed(fetched):
                yield page_article(fetched, url)
                continue
            entries = feed_entries(fetched, url)
        except IngestError as err:
            report.failed.append(IngestFailure(url, str(err)))
            continue
        except Exception:
            log.info("fetching %s failed", url, exc_info=True)
            report.failed.append(IngestFailure(url, f"{url}: could not be read (details in the log)"))
            continue
        known = store.existing_article_ids([e.link for e in entries])
        for entry in entries:
            if entry.link in known:
                report.unchanged += 1
                report.outcomes.append(ArticleOutcome(entry.link, "unchanged", entry.title))
                continue
            try:
                article = page_article(fetch(entry.link, settings), entry.link)
            except FetchError as err:
                report.failed.append(IngestFailure(entry.link, str(err)))
                continue
            if not article.published_at and entry.published_at:
                article = replace(article, published_at=entry.published_at)
            yield article
