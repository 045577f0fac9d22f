"""Processes on one store keep their BM25 and speaker indexes in step through the change log: by the change, not
by the corpus; a rebuild only when the log no longer reaches back or the index is wrong."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from ingest.pipeline import ingest_paths
from ingest.settings import Settings
from ingest.store import changes as change_log
from ingest.store.replica import Replica
from ingest.store.store import Store

from conftest import RUN_DIR, SAMPLE


def _no_rebuild(monkeypatch):
    monkeypatch.setattr(Replica, "_rebuild", lambda self: pytest.fail("rebuilt the indexes from a scan"))


def _article(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


VOLCANO = "Volcano erupts\nThe volcano erupted near Grindavik, Mayor Fannar Jonasson said on Tuesday.\n"


def test_a_write_by_another_process_is_applied_by_the_change(settings, tmp_path, monkeypatch):
    ingest_paths([SAMPLE], settings)
    reader = Store(settings)
    before = len(reader.lexical())
    _no_rebuild(monkeypatch)
    ingest_paths([_article(tmp_path, "v.txt", VOLCANO)], settings, store=Store(settings))
    assert len(reader.lexical()) == before + 1
    assert reader.lexical().search("Grindavik volcano", 3)
    assert "Fannar Jonasson" in reader.speaker_index().quotes
    last = reader.replica.last
    assert last is not None and not last.rebuilt and last.records == 2 and last.articles == 1


def test_a_removal_by_another_process_takes_out_its_words_and_quotes(settings, tmp_path, monkeypatch):
    ingest_paths([SAMPLE, _article(tmp_path, "v.txt", VOLCANO)], settings)
    reader = Store(settings)
    assert "grindavik" in reader.speaker_index().vocabulary
    _no_rebuild(monkeypatch)
    writer = Store(settings)
    (volcano,) = [a for a in writer.articles() if a.title == "Volcano erupts"]
    assert writer.remove(volcano.id) == 1
    index = reader.speaker_index()
    assert "grindavik" not in index.vocabulary and "Fannar Jonasson" not in index.quotes and volcano.id not in index.articles
    assert not reader.lexical().search("Grindavik", 3)


def test_a_restart_reads_its_saved_indexes_and_only_the_records_since(settings, tmp_path, monkeypatch):
    ingest_paths([SAMPLE], settings)
    Store(settings).lexical()  # read, caught up and saved
    writer = Store(settings)
    monkeypatch.setattr(writer.replica, "save", lambda: None)  # the saved indexes stay behind the log
    ingest_paths([_article(tmp_path, "v.txt", VOLCANO)], settings, store=writer)
    _no_rebuild(monkeypatch)
    restarted = Store(settings)
    assert restarted.lexical().search("Grindavik volcano", 3)
    assert restarted.replica.last is not None and restarted.replica.last.records == 2


def test_a_log_compacted_past_a_process_means_a_rebuild(settings, tmp_path, monkeypatch):
    ingest_paths([SAMPLE], settings)
    reader = Store(settings)
    reader.lexical()
    monkeypatch.setattr(change_log, "KEEP", 2)
    monkeypatch.setattr(change_log, "_COMPACT_EVERY", 1)
    for i in range(3):
        ingest_paths(
            [_article(tmp_path, f"n{i}.txt", f"Note {i}\nThe council met for the {i}th time on budget cuts.\n")], settings
        )
    assert reader.changes.since(0) is None
    assert len(reader.lexical()) == Store(settings).count()
    assert reader.replica.last is not None and reader.replica.last.rebuilt


def test_an_index_that_disagrees_with_the_collection_is_rebuilt(settings, tmp_path, monkeypatch):
    from ingest.store import replica

    monkeypatch.setattr(replica, "CHECK_EVERY_S", 0.0)
    monkeypatch.setattr(replica, "COUNT_EVERY_S", 0.0)
    ingest_paths([SAMPLE, _article(tmp_path, "v.txt", VOLCANO)], settings)
    store = Store(settings)
    held = len(store.lexical())
    lost = store.lexical().search("Grindavik volcano", 1)[0][0]
    store._collection.delete(ids=[lost])  # a change that bypassed the log
    assert len(store.lexical()) == held - 1
    assert store.replica.last is not None and store.replica.last.rebuilt


def test_a_write_whose_writer_died_is_read_again_after_the_timeout(settings, tmp_path):
    ingest_paths([SAMPLE], settings)
    quick = settings.model_copy(update={"store": settings.store.model_copy(update={"open_write_timeout_s": 1.0})})
    reader = Store(quick)
    before = len(reader.lexical())
    writer = Store(settings)
    text = writer.article_passages(writer.articles()[0].id)[0]
    writer.changes.append("dead-writer", "begin", ["died-mid-write"])
    assert len(reader.lexical()) == before and len(reader.replica.current().open) == 1
    meta = {**writer._collection.get(ids=[text.id], include=["metadatas"])["metadatas"][0], "article_id": "died-mid-write"}
    writer._collection.add(ids=["died-1"], embeddings=[[0.1] * 384], documents=["Half written."], metadatas=[meta])
    assert len(reader.lexical()) == before  # still waiting for the write to end
    time.sleep(1.2)  # past the timeout, and past the half second between looks at the log
    assert len(reader.lexical()) == before + 1 and not reader.replica.current().open


APPENDER = """
import sys, uuid
from ingest.settings import Settings
from ingest.store.store import chroma_client
from ingest.store.changes import ChangeLog
log = ChangeLog(chroma_client(Settings(chroma_url=sys.argv[1])), "articles-changes")
for i in range(int(sys.argv[2])):
    w = f"{sys.argv[3]}-{i}"
    log.append(w, "begin", [w])
    log.append(w, "end", [w])
"""


def test_writers_at_once_get_one_order_with_no_gaps(chroma_server):
    writers = [
        subprocess.Popen([sys.executable, "-c", APPENDER, chroma_server, "20", f"w{n}"], cwd=RUN_DIR, stderr=subprocess.PIPE)
        for n in range(3)
    ]
    for proc in writers:
        assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    from ingest.store.changes import ChangeLog
    from ingest.store.store import chroma_client

    records = ChangeLog(chroma_client(Settings(chroma_url=chroma_server)), "articles-changes").since(0)
    assert records is not None and [c.seq for c in records] == list(range(1, 121))
    order = {(c.write_id, c.phase): c.seq for c in records}
    assert len(order) == 120
    assert all(order[(w, "begin")] < order[(w, "end")] for w, _ in order)


def test_a_large_first_ingest_builds_the_indexes_from_what_it_wrote(settings, monkeypatch):
    """No scan at the end of an ingest into a new store: the writer's passages are still in memory."""
    from conftest import SHARED

    monkeypatch.setattr(Replica, "_rebuild", lambda self: pytest.fail("rebuilt the indexes from a scan"))
    report = ingest_paths([SHARED / "benchmarks" / "squad8" / "corpus.jsonl"], settings, show_progress=False)
    monkeypatch.undo()
    saved = Store(settings)
    assert len(saved.lexical()) == report.passages == saved.count()
    assert saved.replica.last is None  # loaded from what the writer saved, nothing left to apply
