"""The staged ingest: steps in threads keep order, fail cleanly and stop; the speaker pass in its own process."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest

from ingest.pipeline import ingest_paths
from ingest.speakers.attribute import attribute
from ingest.speakers.worker import SpeakerPass
from ingest.stages import staged
from ingest.store.store import Store
from ingest.text.passages import make_passages
from ingest.text.readers import read_articles

from conftest import SAMPLE


def _jitter(x):
    time.sleep(random.random() / 500)
    return x


def _threads_settle(before: int) -> bool:
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.02)
    return threading.active_count() <= before


def test_items_come_out_in_order_through_every_step():
    out = list(staged(range(200), [_jitter, lambda x: x * 2, _jitter, lambda x: x + 1]))
    assert out == [x * 2 + 1 for x in range(200)]


def test_a_failing_step_hands_on_the_items_before_it_then_raises():
    before = threading.active_count()

    def breaks_at_seven(x):
        if x == 7:
            raise ValueError("item 7 is bad")
        return x

    got = []
    with pytest.raises(ValueError, match="item 7 is bad"):
        for x in staged(range(1000), [_jitter, breaks_at_seven, _jitter]):
            got.append(x)
    assert got == list(range(7))
    assert _threads_settle(before)


def test_a_failing_source_raises_after_what_it_gave():
    before = threading.active_count()

    def source():
        yield from range(5)
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        got.extend(staged(source(), [_jitter]))
    assert got == list(range(5))
    assert _threads_settle(before)


def test_closing_early_stops_every_thread():
    before = threading.active_count()

    def endless():
        n = 0
        while True:
            yield n
            n += 1

    results = staged(endless(), [_jitter, _jitter])
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    results.close()
    assert _threads_settle(before)


def _sample_batches(settings, n: int) -> list:
    articles = list(read_articles(SAMPLE, 10**8, name=SAMPLE.name))
    items = [(a, make_passages(a, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)) for a in articles]
    return [items] * n


def test_the_speaker_pass_in_its_own_process_finds_what_it_finds_here(settings):
    batches = _sample_batches(settings, 4)
    here = attribute(batches[0])
    speaker_pass = SpeakerPass(processes=True)
    try:
        speaker_pass(batches[0])
        speaker_pass(batches[1])  # starts the other process
        assert speaker_pass.started(timeout=120)
        there = speaker_pass(batches[2])
    finally:
        speaker_pass.close()
    assert speaker_pass.sent == 1
    assert any(p.speakers for _, ps in here for p in ps)
    assert [[p.speakers for p in ps] for _, ps in there] == [[p.speakers for p in ps] for _, ps in here]


def test_an_article_repeated_later_in_one_ingest_replaces_the_first(settings, tmp_path):
    corpus = tmp_path / "repeats.jsonl"
    lines = [{"id": "story-0", "title": "Flood", "text": "The river rose by two metres on Monday, the mayor said."}]
    lines += [
        {"id": f"filler-{i}", "title": f"Note {i}", "text": f"Filler note number {i} says the weather was mild."}
        for i in range(600)
    ]
    lines.append({"id": "story-0", "title": "Flood", "text": "The river fell by one metre on Tuesday, officials said."})
    corpus.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = ingest_paths([corpus], settings)
    assert (report.added, report.updated) == (601, 1)
    texts = Store(settings).article_passages("story-0")
    assert [p.text for p in texts] == ["The river fell by one metre on Tuesday, officials said."]
