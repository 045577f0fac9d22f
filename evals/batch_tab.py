"""The Batch tab's runner: the harness's own parsing, running and scoring, shaped for a table and downloads."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.assistant import Assistant

from .datasets import load_dataset
from .runner import run
from .summary import build_summary

COLUMNS = ["id", "question", "answer", "citations", "refused", "scores"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection advice)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _row(r: dict) -> list:
    cites = " ".join(f"[{c['marker']}] {c['quote']}" for c in r.get("citations", []))
    scores = ", ".join(f"{k}={v:.2f}" for k, v in sorted(r.get("scores", {}).items()) if not k.endswith(("_s", "tokens")))
    return [r["id"], r["question"], r.get("answer") or r.get("error") or "", cites, bool(r.get("refused")), scores]


def run_batch(assistant: Assistant, path: Path, progress: Callable[[int, int], None] | None = None):
    """(table rows with COLUMNS, a Markdown summary, [results.csv, results.json])."""
    items = load_dataset(path)
    rows = run(assistant, items, progress=progress)
    summary = build_summary(rows)
    out = Path(tempfile.mkdtemp(prefix="byline-batch-"))
    with (out / "results.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_safe(cell) for cell in _row(r)] for r in rows)
    (out / "results.json").write_text(json.dumps({"summary": summary, "results": rows}, indent=1), encoding="utf-8")
    metrics = ", ".join(f"{k} {v['mean']:.2f}" for k, v in summary["metrics"].items())
    text = f"**{summary['questions']} questions, {summary['passed']} passed.** {metrics}"
    import pandas as pd

    table = pd.DataFrame([_row(r) for r in rows], columns=COLUMNS)
    return table, text, [str(out / "results.csv"), str(out / "results.json")]
