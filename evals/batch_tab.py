"""The Batch tab's runner: the harness's own parsing, running and scoring, shaped for a table and downloads.

A `BatchRun` answers one question per step, so the UI can show progress after each and stop between questions.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.core.assistant import Assistant
from evals.datasets import DatasetError, load_dataset
from evals.runner import gold_article_ids, run_item
from evals.summary import build_summary

COLUMNS = ["id", "question", "answer", "citations", "refused", "scores"]
"""The downloads' columns; the scores are for the evaluation view, so the table on the page leaves them out."""
SHOWN = COLUMNS[:-1]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PREFIX = "byline-batch-"
KEEP_RESULTS_S = 3600.0


def spreadsheet_safe(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection advice)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _row(r: dict) -> list:
    cites = " ".join(f"[{c['marker']}] {c['quote']}" for c in r.get("citations", []))
    scores = ", ".join(f"{k}={v:.2f}" for k, v in sorted(r.get("scores", {}).items()) if not k.endswith(("_s", "tokens")))
    return [r["id"], r["question"], r.get("answer") or r.get("error") or "", cites, bool(r.get("refused")), scores]


def remove_old_results(older_than_s: float = KEEP_RESULTS_S) -> None:
    """Downloads are served from the temp folder for a while, then removed, so runs do not pile up forever."""
    cutoff = time.time() - older_than_s
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


class BatchRun:
    """Iterating answers the questions one at a time and yields (done, total); `finish` writes the downloads."""

    def __init__(self, assistant: Assistant, path: Path, max_questions: int | None = None):
        self.assistant = assistant
        self.items = load_dataset(path)
        if max_questions is not None and len(self.items) > max_questions:
            raise DatasetError(
                f"{path.name}: {len(self.items):,} questions; the Batch tab takes at most {max_questions:,} "
                "(BYLINE_MAX_BATCH_QUESTIONS). Split the set, or run it with `byline eval FILE`, which has no limit"
            )
        self.article_ids = gold_article_ids(assistant.store, self.items)
        self.rows: list[dict] = []

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for item in self.items[len(self.rows) :]:
            self.rows.append(run_item(self.assistant, item, self.article_ids))
            yield len(self.rows), len(self.items)

    @property
    def next_question(self) -> str | None:
        """The question answered next, for the progress line."""
        return self.items[len(self.rows)].question if len(self.rows) < len(self.items) else None

    def outcome(self) -> str:
        """The run in plain words: answered, refused, failed, and where it stopped."""
        refused = sum(bool(r.get("refused")) for r in self.rows if not r.get("error"))
        failed = sum(bool(r.get("error")) for r in self.rows)
        answered = len(self.rows) - refused - failed
        text = f"{answered} answered, {refused} refused" + (f", {failed} failed" if failed else "") + "."
        if len(self.rows) < len(self.items):
            text += f" Stopped after {len(self.rows)} of {len(self.items)} questions."
        return text

    def finish(self) -> tuple[object, str, list[str]]:
        """(table rows with SHOWN, the outcome in words, [results.csv, results.json]) of the questions answered."""
        remove_old_results()
        summary = build_summary(self.rows)
        out = Path(tempfile.mkdtemp(prefix=_PREFIX))
        with (out / "results.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([spreadsheet_safe(cell) for cell in _row(r)] for r in self.rows)
        (out / "results.json").write_text(json.dumps({"summary": summary, "results": self.rows}, indent=1), encoding="utf-8")
        table = {"headers": list(SHOWN), "data": [_row(r)[: len(SHOWN)] for r in self.rows]}
        return table, self.outcome(), [str(out / "results.csv"), str(out / "results.json")]


def run_batch(assistant: Assistant, path: Path, progress: Callable[[int, int], None] | None = None):
    """The whole set in one call (tests and scripts); the UI steps through a `BatchRun` instead."""
    batch = BatchRun(assistant, path)
    for done, total in batch:
        if progress:
            progress(done, total)
    return batch.finish()
