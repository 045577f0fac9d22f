"""Headline, date and outlet from pages marked up in the ways news sites do (trafilatura's metadata), counted."""

from __future__ import annotations

import json

import pytest

from ingest.web.fetch import Fetched
from ingest.web.pages import page_article

TEXT = "<p>" + "Engineers began repairs on the Elin bridge on Monday after inspectors found cracks, the mayor said. " * 3 + "</p>"
LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Bridge repairs start",
    "datePublished": "2026-11-22T08:00:00Z",
    "publisher": {"@type": "Organization", "name": "Elin Courier"},
}
PAGES = {
    "opengraph": (
        "<head><meta property='og:title' content='Bridge repairs start'><meta property='og:site_name' content='Elin Courier'>"
        "<meta property='article:published_time' content='2026-11-22T08:00:00Z'></head><body><article>"
        + TEXT
        + "</article></body>"
    ),
    "json-ld": f"<head><script type='application/ld+json'>{json.dumps(LD)}</script></head><body><article>{TEXT}</article></body>",
    "title-and-time": (
        "<head><title>Bridge repairs start - Elin Courier</title></head><body><article><h1>Bridge repairs start</h1>"
        "<time datetime='2026-11-22'>22 November 2026</time>" + TEXT + "</article></body>"
    ),
    "h1-and-meta-date": (
        "<head><meta name='date' content='2026-11-22'><meta name='application-name' content='Elin Courier'></head>"
        "<body><h1>Bridge repairs start</h1>" + TEXT + "</body>"
    ),
    "twitter-cards": (
        "<head><meta name='twitter:title' content='Bridge repairs start'><meta name='twitter:site' content='Elin Courier'>"
        "<meta itemprop='datePublished' content='2026-11-22'></head><body><main>" + TEXT + "</main></body>"
    ),
    "date-in-url": "<head><title>Bridge repairs start | Elin Courier</title></head><body><div class='story'>"
    + TEXT
    + "</div></body>",
}
URLS = {"date-in-url": "https://courier.example/2026/11/22/bridge-repairs-start"}


def _extracted(name: str):
    url = URLS.get(name, f"https://courier.example/{name}")
    html = f"<html>{PAGES[name]}</html>".encode()
    return page_article(Fetched(url, "text/html; charset=utf-8", html), url)


def test_metadata_extraction_quality():
    right = {"headline": 0, "date": 0, "outlet": 0}
    for name in PAGES:
        a = _extracted(name)
        right["headline"] += a.title == "Bridge repairs start"
        right["date"] += (a.published_at or "").startswith("2026-11-22")
        right["outlet"] += a.outlet == "Elin Courier"
        print(f"{name:18s} title={a.title!r} date={a.published_at} outlet={a.outlet!r}")
    print(f"right out of {len(PAGES)}: " + ", ".join(f"{k} {v}" for k, v in right.items()))
    assert right["headline"] >= len(PAGES) - 1 and right["date"] >= len(PAGES) - 1 and right["outlet"] >= 3


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_keeps_its_text_and_link(name):
    a = _extracted(name)
    assert "cracks, the mayor said" in a.text and a.id == a.source == URLS.get(name, f"https://courier.example/{name}")
