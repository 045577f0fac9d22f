"""`byline eval-dates`: how often a relative date is resolved to the day (week, month, year) a reader takes it to
mean, on `evals/datasets/relative_dates.jsonl`: expressions from MultiHop-RAG articles, the quote-check articles
and sentences written for the set, each with its article's publication day and the answer worked out by hand
(None for a duration, which names no day). `dev` (the quote-check articles and the written sentences) is
what the rules were written against; `test` (MultiHop-RAG's articles) is for reporting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from assistant.core.timeline.dates import EventDate, resolve
from assistant.core.timeline.tense import looks_ahead, looks_back
from evals.datasets import DATASETS
from evals.metrics import bootstrap_ci
from ingest.speakers.attribute import english_pipeline

RELATIVE_DATES = DATASETS / "relative_dates.jsonl"


@dataclass(frozen=True)
class DateItem:
    sentence: str
    expression: str
    published: date
    gold: date | None
    precision: str
    source: str
    split: str = "dev"


def load_dates(path: Path = RELATIVE_DATES, split: str | None = None) -> list[DateItem]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if split is None or r.get("split", "dev") == split]
    return [
        DateItem(
            r["sentence"],
            r["expression"],
            date.fromisoformat(r["published"]),
            date.fromisoformat(r["date"]) if r["date"] else None,
            r["precision"],
            r["source"],
            r.get("split", "dev"),
        )
        for r in rows
    ]


def _truncated(day: date, precision: str) -> date:
    if precision == "year":
        return date(day.year, 1, 1)
    if precision == "month":
        return day.replace(day=1)
    if precision == "week":
        return day - timedelta(days=day.weekday())
    return day


def right(item: DateItem, found: EventDate | None) -> bool:
    """At the precision the annotation gives: the same day, week, month or year; for a duration, no day at all."""
    if item.gold is None or found is None:
        return item.gold is None and found is None
    return _truncated(found.day, item.precision) == item.gold


@dataclass(frozen=True)
class DateScore:
    accuracy: float
    low: float
    high: float
    n: int
    wrong: list[tuple[DateItem, EventDate | None]]


def score_dates(items: list[DateItem]) -> DateScore:
    hits, wrong = [], []
    for item, doc in zip(items, english_pipeline().pipe(i.sentence for i in items)):
        at = item.sentence.find(item.expression)
        start, end = (at, at + len(item.expression)) if at >= 0 else (0, len(item.sentence))
        found = resolve(item.expression, item.published, looks_ahead(doc, start, end), looks_back(doc, start, end))
        ok = right(item, found)
        hits.append(float(ok))
        if not ok:
            wrong.append((item, found))
    low, high = bootstrap_ci(hits)
    return DateScore(float(np.mean(hits)), low, high, len(hits), wrong)
