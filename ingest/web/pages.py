"""Articles from the web: a page becomes one article with its URL as id and source; a feed (RSS 0.9x/1.0/2.0,
Atom) becomes the articles its entries link to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from ingest.records import Article
from ingest.text.dates import iso_date
from ingest.text.readers import html_article
from ingest.web.fetch import Fetched, FetchError

_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml")
MIN_PAGE_WORDS = 15
"""Fewer words than this is a menu, a cookie notice or an index page, not an article."""


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    published_at: str | None


def is_feed(fetched: Fetched) -> bool:
    kind = fetched.content_type
    if any(t in kind for t in ("rss", "atom")):
        return True
    return ("xml" in kind or not kind or kind.startswith("text/plain")) and bool(_FEED_START.search(fetched.body[:4096]))


def _text(fetched: Fetched) -> str:
    charset = re.search(r"charset=([\w-]+)", fetched.content_type)
    try:
        return fetched.body.decode(charset.group(1) if charset else "utf-8", errors="replace")
    except LookupError:
        return fetched.body.decode("utf-8", errors="replace")


def page_article(fetched: Fetched, asked: str) -> Article:
    """The article on a page; the URL asked for is its id, so the same link always updates the same article."""
    kind = fetched.content_type.split(";")[0].strip()
    if kind and not kind.startswith(_HTML_TYPES):
        raise FetchError(f"{asked}: not an HTML page or a feed (the server says {kind}); download the file and ingest it instead")
    try:
        article = html_article(_text(fetched), asked, article_id=asked, url=fetched.url)
    except Exception as err:  # IngestError for an empty extraction, parser errors for broken markup
        message = str(err).removeprefix(f"{asked}: ")
        raise FetchError(
            f"{asked}: {message or 'no article text found'}; the page may be an index, need JavaScript or be behind a login"
        ) from None
    words = len(article.text.split())
    if words < MIN_PAGE_WORDS:
        raise FetchError(
            f"{asked}: no article text found (only {words} words); the page may be an index, need JavaScript or be behind a login"
        )
    return article


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[FeedEntry]
    ttl_s: float | None
    """The feed's `<ttl>` (minutes in RSS) in seconds: how long the publisher asks readers to wait between polls."""


def parse_feed(fetched: Fetched, asked: str) -> ParsedFeed:
    import feedparser

    parsed = feedparser.parse(fetched.body)
    entries = [
        FeedEntry(
            urljoin(fetched.url, str(e.get("link"))), str(e.get("title", "")), iso_date(e.get("published") or e.get("updated"))
        )
        for e in parsed.entries
        if e.get("link")
    ]
    if not entries:
        raise FetchError(f"{asked}: not a readable RSS or Atom feed, or a feed without entry links")
    ttl = str(parsed.feed.get("ttl", "")).strip()
    return ParsedFeed(entries, float(ttl) * 60 if ttl.isdigit() else None)


def feed_entries(fetched: Fetched, asked: str) -> list[FeedEntry]:
    return parse_feed(fetched, asked).entries
