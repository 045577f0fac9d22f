"""The BM25 index grows in place: the same scores as bm25s over the whole corpus, whatever the history of writes."""

from __future__ import annotations

import json
import os
import time

import bm25s
import numpy as np
import pytest

from ingest.pipeline import ingest_paths
from ingest.store.lexical import LexicalEntry, LexicalIndex, _stemmer, tokenize
from ingest.store.replica import Replica
from ingest.store.store import Store

from conftest import SAMPLE, SHARED

QUERIES = ["What did Vance say?", "Norman conquest of England", "steam engine pressure", "ceasefire talks Putin", "Paris"]


@pytest.fixture(scope="module")
def entries() -> list[LexicalEntry]:
    rows = [json.loads(line) for line in (SHARED / "benchmarks" / "squad8" / "corpus.jsonl").read_text().splitlines()]
    rows += [{"id": f"sample#{i}", "text": line} for i, line in enumerate(SAMPLE.read_text().splitlines()) if line.strip()]
    return [
        LexicalEntry(r["id"], r["text"], r["id"].split("#")[0], float(i % 7) - 1, f"outlet{i % 3}") for i, r in enumerate(rows)
    ]


def bm25s_scores(entries: list[LexicalEntry], query: str) -> np.ndarray:
    reference = bm25s.BM25()
    reference.index(bm25s.tokenize([e.text for e in entries], stopwords="en", stemmer=_stemmer(), show_progress=False))
    words = [w for w in tokenize([query])[0] if w in reference.vocab_dict]
    return reference.get_scores(words) if words else np.zeros(len(entries))


def live_scores(index: LexicalIndex, query: str) -> dict[str, float]:
    scores = index.scores(query)
    return {pid: float(scores[index._position[pid]]) for pid in index.ids}


def test_scores_are_bm25s_scores(entries):
    index = LexicalIndex.build(entries, "g")
    for query in QUERIES:
        assert np.allclose([live_scores(index, query)[e.id] for e in entries], bm25s_scores(entries, query), atol=1e-5)


def test_adding_and_removing_in_steps_equals_building_once(entries):
    full = LexicalIndex.build(entries, "g")
    grown = LexicalIndex.build([], "g0")
    for step, start in enumerate(range(0, len(entries), 40)):
        grown = grown.apply(entries[start : start + 40], set(), f"g{step + 1}")
    assert grown.ids == full.ids and len(grown.segments) <= 12
    gone = {e.id for e in entries[::5]}
    shrunk = grown.apply([], gone, "gx")
    kept = [e for e in entries if e.id not in gone]
    assert sorted(shrunk.ids) == sorted(e.id for e in kept) and len(shrunk) == len(kept)
    rebuilt = LexicalIndex.build(kept, "g")
    for query in QUERIES:
        assert live_scores(shrunk, query) == pytest.approx(live_scores(rebuilt, query), abs=1e-5)
        assert [pid for pid, _ in shrunk.search(query, 5)] == [pid for pid, _ in rebuilt.search(query, 5)]


def test_a_passage_removed_and_added_again_is_found_once(entries):
    index = LexicalIndex.build(entries[:50], "g")
    changed = LexicalEntry(entries[0].id, "A volcano erupted near Grindavik.", "x", -1.0)
    index = index.apply([changed], set(), "g2")
    assert len(index) == 50
    assert [pid for pid, _ in index.search("Grindavik volcano", 5)] == [entries[0].id]
    assert entries[0].id not in dict(index.search(entries[0].text, 50))


def test_save_and_load_keep_every_segment_and_removal(entries, tmp_path):
    index = LexicalIndex.build(entries[:100], "g1").apply(entries[100:], {entries[3].id}, "g2")
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded is not None and loaded.generation == "g2" and loaded.ids == index.ids
    for query in QUERIES:
        assert loaded.search(query, 5) == index.search(query, 5)
    mask = loaded.filter_mask(None, 2.0, None, ["outlet1"])
    assert mask is not None
    found = dict(loaded.search("century war city", 500, mask))
    assert found and all(e.outlet == "outlet1" and e.published_ts >= 2 for e in entries if e.id in found)
    merged = loaded.merged()
    for path in (tmp_path / "lexical").iterdir():  # files another process may still need are kept a while
        os.utime(path, (time.time() - 600, time.time() - 600))
    merged.save(tmp_path / "lexical")
    assert len(list((tmp_path / "lexical").iterdir())) == 3  # the manifest and one segment's two files
    assert LexicalIndex.load(tmp_path / "lexical").search(QUERIES[1], 5) == index.search(QUERIES[1], 5)  # type: ignore[union-attr]


def test_an_unreadable_index_is_rebuilt(settings):
    ingest_paths([SAMPLE], settings)
    Store(settings).lexical()  # built and saved by the first reader
    store = Store(settings)
    (settings.store.lexical_dir / "manifest.json").write_text("{not json")
    assert LexicalIndex.load(settings.store.lexical_dir) is None
    assert store.lexical().search("Vance stalemate", 3) and store.speaker_index().quotes
    again = LexicalIndex.load(settings.store.lexical_dir)  # saved again, so the next process need not rebuild
    assert again is not None and sorted(again.ids) == sorted(store.lexical().ids)


def test_one_more_article_updates_both_indexes_without_a_rebuild(settings, tmp_path, monkeypatch):
    ingest_paths([SAMPLE], settings)
    other = tmp_path / "other.txt"
    other.write_text("Volcano erupts\nThe volcano erupted near Grindavik, Mayor Fannar Jonasson said.\n")
    store = Store(settings)
    monkeypatch.setattr(Replica, "_rebuild", lambda self: pytest.fail("rebuilt the indexes"))
    ingest_paths([other], settings, store=store)
    other.write_text("Volcano erupts\nThe volcano is quiet near Vogar, Mayor Jon Jonsson said.\n")
    ingest_paths([other], settings, store=store)
    monkeypatch.undo()
    grown_lexical, grown_speakers = store.lexical(), store.speaker_index()
    fresh = Store(settings)
    fresh.replica._indexes = fresh.replica._rebuild()
    assert sorted(grown_lexical.ids) == sorted(fresh.lexical().ids)
    for query in [*QUERIES, "volcano Vogar", "Grindavik"]:
        assert live_scores(grown_lexical, query) == pytest.approx(live_scores(fresh.lexical(), query), abs=1e-5)
    assert grown_speakers.quotes == fresh.speaker_index().quotes and grown_speakers.vocabulary == fresh.speaker_index().vocabulary
    assert "Jon Jonsson" in grown_speakers.quotes and "Fannar Jonasson" not in grown_speakers.quotes
    assert "grindavik" not in grown_speakers.vocabulary


def test_an_index_extended_by_changes_equals_one_derived_from_scratch(entries):
    """Catching up extends the previous index's arrays instead of rebuilding them; after any history of adds,
    removals, replacements and merges it holds exactly what a fresh derivation of the same segments holds."""
    rng = np.random.default_rng(7)
    index = LexicalIndex.build(entries[:40], "g0")
    pool = list(entries)
    for step in range(60):
        live = list(index.ids)
        removed = set(rng.choice(live, size=min(len(live), int(rng.integers(0, 4))), replace=False).tolist())
        start = int(rng.integers(0, len(pool) - 5))
        added = pool[start : start + int(rng.integers(0, 5))]
        index = index.apply(added, removed, f"g{step + 1}")
        fresh = LexicalIndex(index.generation, index.segments, set(index.dead), list(index.terms), dict(index.vocab))
        assert index._all_ids == fresh._all_ids
        assert index._position == fresh._position
        assert index.ids == fresh.ids and len(index) == len(fresh)
        assert np.array_equal(index._live, fresh._live)
        assert index._avg_length == pytest.approx(fresh._avg_length)
    for query in QUERIES:
        assert live_scores(index, query) == live_scores(fresh, query)
