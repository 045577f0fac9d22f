"""Steps of a stream run in their own threads, joined by short queues, so that on two cores the parser, the
embedder and the store work on different batches at once instead of taking turns.

Items keep their order. The first error in any step ends the whole run and is raised where the results are read;
closing the results early (the reader failed) stops every step. Threads overlap here because the heavy parts
(ONNX Runtime, spaCy's parser, Chroma's Rust core) release the GIL.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterable
from typing import Any

_END = object()
_WAIT_S = 0.1


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Stopped(Exception):
    pass


class _Line:
    """Thread k hands its items to queue k: thread 0 draws the source, thread k ≥ 1 runs step k on queue k-1."""

    def __init__(self, source: Iterable[Any], steps: list[Callable[[Any], Any]], depth: int) -> None:
        self.source, self.steps = source, steps
        self.closed = threading.Event()
        self.halted = 0  # threads numbered below this stop at their next hand-on
        self.queues: list[queue.Queue[Any]] = [queue.Queue(depth) for _ in range(len(steps) + 1)]
        self.threads = [threading.Thread(target=self._draw, name="stage-read", daemon=True)]
        self.threads += [
            threading.Thread(target=self._work, args=(k, step), name=f"stage-{k}", daemon=True)
            for k, step in enumerate(steps, start=1)
        ]

    def put(self, k: int, item: Any, failing: bool = False) -> None:
        while not self.closed.is_set() and (failing or k >= self.halted):
            try:
                self.queues[k].put(item, timeout=_WAIT_S)
                return
            except queue.Full:
                continue
        raise _Stopped

    def get(self, k: int) -> Any:
        while not self.closed.is_set():
            try:
                return self.queues[k].get(timeout=_WAIT_S)
            except queue.Empty:
                continue
        raise _Stopped

    def _fail(self, k: int, err: BaseException) -> None:
        self.halted = max(self.halted, k + 1)
        with contextlib.suppress(_Stopped):
            self.put(k, _Failure(err), failing=True)

    def _draw(self) -> None:
        try:
            for item in self.source:
                self.put(0, item)
            self.put(0, _END)
        except _Stopped:
            pass
        except BaseException as err:  # handed on, raised to the reader
            self._fail(0, err)

    def _work(self, k: int, step: Callable[[Any], Any]) -> None:
        try:
            while True:
                item = self.get(k - 1)
                if item is _END or isinstance(item, _Failure):
                    self.put(k, item, failing=isinstance(item, _Failure))
                    return
                self.put(k, step(item))
        except _Stopped:
            pass
        except BaseException as err:
            self._fail(k, err)

    def results(self) -> Generator[Any, None, None]:
        for thread in self.threads:
            thread.start()
        try:
            while True:
                item = self.get(len(self.steps))
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item
        finally:
            self.closed.set()
            for thread in self.threads:
                thread.join()


def staged(source: Iterable[Any], steps: list[Callable[[Any], Any]], depth: int = 2) -> Generator[Any, None, None]:
    """`source` drawn in one thread and each step applied in a thread of its own; yields the last step's results.

    A failure travels down the line behind the items before it, which are still finished and handed on; the
    threads before the failed one stop at once. Close the generator (or let it end) to stop every thread."""
    return _Line(source, steps, depth).results()
