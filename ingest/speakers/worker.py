"""The speaker pass of a long ingest in a process of its own.

Threads share one GIL, and spaCy's Python around its parser, the sentence splitter and Chroma's writes (which hold
the GIL) all want it: in threads the ingest of 10k passages kept 1.5 of two cores busy. A second process has its
own. It is started only once an ingest reaches its third batch, so a one-article ingest never pays its start
(about a second, to import spaCy and load the pipeline), and runs those first batches here while it starts.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from ingest.records import Article, Passage
from ingest.speakers.attribute import attribute, english_pipeline

Batch = list[tuple[Article, list[Passage]]]
START_AT_BATCH = 2


def _warm() -> None:
    english_pipeline()


class SpeakerPass:
    def __init__(self, processes: bool | None = None) -> None:
        self._processes = (os.cpu_count() or 1) > 1 if processes is None else processes
        self._calls = 0
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[None] | None = None
        self.sent = 0
        """Batches the other process attributed."""

    def __call__(self, batch: Batch) -> Batch:
        self._calls += 1
        if self._processes and self._calls == START_AT_BATCH:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._ready = self._pool.submit(_warm)
        if self._pool is not None and self._ready is not None and self._ready.done() and self._ready.exception() is None:
            self.sent += 1
            return self._pool.submit(attribute, batch).result()
        return attribute(batch)

    def started(self, timeout: float) -> bool:
        """Whether the other process is up and its pipeline loaded (waiting up to `timeout` seconds)."""
        if self._ready is None:
            return False
        try:
            self._ready.result(timeout)
        except Exception:
            return False
        return True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
