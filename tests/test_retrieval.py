"""Hybrid retrieval: fusion, filters, near-duplicates, and the LangChain retriever interface."""

from __future__ import annotations

import json

import pytest

from assistant.core.retrieval import HybridSearch
from ingest.pipeline import ingest_paths
from ingest.records import PassageFilter

from conftest import SAMPLE


@pytest.fixture
def dated_store(settings, tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {
            "id": "old",
            "title": "Port strike",
            "published_at": "2023-01-10",
            "text": "Dock workers in Rotterdam went on strike over pay on Tuesday.",
        },
        {
            "id": "new",
            "title": "Port strike ends",
            "published_at": "2024-06-02",
            "text": "The Rotterdam dock strike ended after a pay deal on Friday.",
        },
        {
            "id": "copy",
            "title": "Port strike ends (syndicated)",
            "published_at": "2024-06-02",
            "text": "The Rotterdam dock strike ended after a pay deal on Friday!",
        },
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    ingest_paths([feed, SAMPLE], settings)
    return HybridSearch(settings)


def test_hybrid_finds_what_each_retriever_finds(dated_store):
    assert "Vance" in dated_store.retrieve("What did Vance say?", k=1)[0].text
    top = dated_store.retrieve("Rotterdam dock strike", k=3, mode="bm25")
    assert top and {p.article_id for p in top} <= {"old", "new", "copy"}
    dense = dated_store.retrieve("harbour labour dispute over wages", k=2, mode="dense")
    assert dense[0].article_id in {"old", "new", "copy"}


def test_near_duplicates_are_removed(dated_store):
    ids = [p.article_id for p in dated_store.retrieve("Rotterdam dock strike ended pay deal", k=5)]
    assert not ({"new", "copy"} <= set(ids))


def test_filters_by_article_and_date(dated_store):
    only_old = dated_store.retrieve("Rotterdam strike", k=5, where=PassageFilter(article_ids=("old",)))
    assert [p.article_id for p in only_old] == ["old"]
    recent = dated_store.retrieve("Rotterdam strike", k=5, where=PassageFilter(published_after="2024-01-01"))
    assert recent and all(p.article_id in {"new", "copy"} for p in recent)
    early = dated_store.retrieve("Rotterdam strike", k=5, where=PassageFilter(published_before="2023-12-31"))
    assert [p.article_id for p in early] == ["old"]
