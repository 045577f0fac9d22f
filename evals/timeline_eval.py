"""`byline eval-timelines`: whole stories told by three articles each, in a store that holds all of them, so a
timeline must also keep to its own story. Each story's events were written down by hand with their day and a
phrase of every sentence that states them; a line of the timeline is an event when a sentence it cites holds one of
the phrases. Optional events (background, figures, reactions) may be shown or left out without cost, but their
lines still count as events, and the dated ones still count in the order.

Pairwise order is the issue's measure: of two matched events whose days (at the precision the text gives) do not
overlap, the earlier must come first. Recall and precision say what the order is measured over."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from assistant.core.answer import Answer, TimelineLine
from evals.datasets import DATASETS, DatasetError
from evals.metrics import Estimate

TIMELINES = DATASETS / "timelines.jsonl"
TIMELINES_CORPUS = DATASETS / "timelines_corpus.jsonl"


@dataclass(frozen=True)
class StoryEvent:
    day: date | None
    """The first day of the event's span; None where the text gives no date worth scoring (a figure, a reaction)."""
    precision: str
    phrases: list[str]
    optional: bool = False

    @property
    def last_day(self) -> date | None:
        if self.day is None:
            return None
        if self.precision == "year":
            return date(self.day.year, 12, 31)
        if self.precision == "month":
            following = (self.day.replace(day=28) + timedelta(days=4)).replace(day=1)
            return following - timedelta(days=1)
        if self.precision == "week":
            return self.day + timedelta(days=6)
        return self.day

    def told_in(self, sentence: str) -> bool:
        return any(p.lower() in sentence.lower() for p in self.phrases)

    def before(self, other: StoryEvent) -> bool | None:
        """True or False when the two spans do not overlap; None when they do (or one has no date)."""
        if self.last_day is None or other.last_day is None or self.day is None or other.day is None:
            return None
        if self.last_day < other.day:
            return True
        if other.last_day < self.day:
            return False
        return None


@dataclass(frozen=True)
class Story:
    id: str
    split: str
    question: str
    articles: list[str]
    events: list[StoryEvent]


def load_timelines(path: Path = TIMELINES, split: str | None = None) -> list[Story]:
    stories = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            story = Story(
                row["id"],
                row.get("split", "dev"),
                row["question"],
                list(row["articles"]),
                [
                    StoryEvent(
                        date.fromisoformat(e["date"]) if e.get("date") else None,
                        e.get("precision", "day"),
                        list(e["match"]),
                        bool(e.get("optional")),
                    )
                    for e in row["events"]
                ],
            )
        except (ValueError, KeyError, TypeError) as err:
            raise DatasetError(f"{path.name} line {number}: not a timeline story ({err}); see evals/timeline_eval.py") from None
        if split is None or story.split == split:
            stories.append(story)
    return stories


@dataclass
class StoryScore:
    story: str
    lines: int
    events_shown: int
    """Lines that state one of the story's events."""
    required: int
    required_found: int
    pairs: int
    pairs_right: int
    dates: int
    dates_right: int
    repeated: int
    """Dated events shown on more than one line: the same event not recognised across articles."""
    merged_wrong: int
    """Lines that cite sentences of different events as one."""
    cited: int
    """Lines whose markers all point at citations of the very sentence the line shows."""
    seconds: float
    articles_cited: int
    misplaced: list[str] = field(default_factory=list)


def _line_event(line: TimelineLine, answer: Answer, events: list[StoryEvent]) -> int | None:
    """The event the line's cited sentences state; of two in one sentence ("will return to work on Saturday after
    the two sides reached a deal on Thursday"), the one the line is dated at."""
    quotes = [c.quote for c in answer.citations if c.marker in line.markers] or [line.text]
    told = [i for i, e in enumerate(events) if any(e.told_in(q) for q in quotes)]
    return next((i for i in told if events[i].day is not None and _dated_right(line, events[i])), told[0] if told else None)


def _dated_right(line: TimelineLine, event: StoryEvent) -> bool:
    shown = date.fromisoformat(line.date)
    assert event.day is not None and event.last_day is not None
    return event.day <= shown <= event.last_day


def score_story(story: Story, answer: Answer, seconds: float) -> StoryScore:
    events = story.events
    matched = [_line_event(line, answer, events) for line in answer.timeline]
    shown = [i for i in matched if i is not None]
    pairs = right = 0
    misplaced = []
    for a in range(len(matched)):
        for b in range(a + 1, len(matched)):
            i, j = matched[a], matched[b]
            if i is None or j is None or i == j:
                continue
            order = events[i].before(events[j])
            if order is None:
                continue
            pairs += 1
            right += order
            if not order:
                misplaced.append(
                    f"“{answer.timeline[a].text[:60]}” ({answer.timeline[a].label}) before “{answer.timeline[b].text[:60]}” ({answer.timeline[b].label})"
                )
    dated = [(line, events[i]) for line, i in zip(answer.timeline, matched) if i is not None and events[i].day is not None]
    quotes = {c.marker: c.quote for c in answer.citations}
    cited = sum(
        1
        for line in answer.timeline
        if line.markers and all(quotes.get(m) for m in line.markers) and quotes[line.markers[0]].strip() == line.text.strip()
    )
    required = [i for i, e in enumerate(events) if not e.optional]
    dated_shown = [i for i in shown if events[i].day is not None]
    merged_wrong = 0
    for line in answer.timeline:
        told = [{i for i, e in enumerate(events) if e.told_in(quotes.get(m, ""))} for m in line.markers]
        told = [t for t in told if t]
        merged_wrong += any(not (a & b) for k, a in enumerate(told) for b in told[k + 1 :])
    return StoryScore(
        story=story.id,
        lines=len(answer.timeline),
        events_shown=len(shown),
        required=len(required),
        required_found=len(set(required) & set(shown)),
        pairs=pairs,
        pairs_right=right,
        dates=len(dated),
        dates_right=sum(_dated_right(line, e) for line, e in dated),
        repeated=len(dated_shown) - len(set(dated_shown)),
        merged_wrong=merged_wrong,
        cited=cited,
        seconds=seconds,
        articles_cited=len({c.article_id for c in answer.citations}),
        misplaced=misplaced,
    )


def story_ratio(scores: list[StoryScore], part: str, whole: str, resamples: int = 1000) -> Estimate:
    """A ratio pooled over the stories, its interval from resampling whole stories (events of one story are not
    independent of each other)."""
    parts = np.array([getattr(s, part) for s in scores], dtype=float)
    wholes = np.array([getattr(s, whole) for s in scores], dtype=float)
    mean = float(parts.sum() / wholes.sum()) if wholes.sum() else float("nan")
    rng = np.random.default_rng(0)
    draws = []
    for _ in range(resamples):
        pick = rng.integers(0, len(scores), len(scores))
        if wholes[pick].sum():
            draws.append(parts[pick].sum() / wholes[pick].sum())
    low, high = (float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))) if draws else (mean, mean)
    return Estimate(mean, low, high, int(wholes.sum()))


@dataclass(frozen=True)
class TimelineScore:
    order: Estimate
    recall: Estimate
    precision: Estimate
    dates: Estimate
    cited: Estimate
    repeated: int
    merged_wrong: int
    seconds_p50: float
    seconds_p95: float
    stories: list[StoryScore]


def summarize(scores: list[StoryScore]) -> TimelineScore:
    seconds = [s.seconds for s in scores]
    return TimelineScore(
        order=story_ratio(scores, "pairs_right", "pairs"),
        recall=story_ratio(scores, "required_found", "required"),
        precision=story_ratio(scores, "events_shown", "lines"),
        dates=story_ratio(scores, "dates_right", "dates"),
        cited=story_ratio(scores, "cited", "lines"),
        repeated=sum(s.repeated for s in scores),
        merged_wrong=sum(s.merged_wrong for s in scores),
        seconds_p50=float(np.percentile(seconds, 50)),
        seconds_p95=float(np.percentile(seconds, 95)),
        stories=scores,
    )


def as_summary(score: TimelineScore, title: str) -> dict:
    """The shape `byline eval` prints, so its gate (`--min`) and readers of `--json` work unchanged."""
    ratios = {
        "timeline_order": score.order,
        "timeline_recall": score.recall,
        "timeline_precision": score.precision,
        "timeline_dates": score.dates,
        "timeline_cited": score.cited,
    }
    metrics = {name: {"mean": r.mean, "low": r.low, "high": r.high, "n": r.n} for name, r in ratios.items()}
    for name, count in (("timeline_repeated", score.repeated), ("timeline_merged_wrong", score.merged_wrong)):
        metrics[name] = {"mean": float(count), "low": float(count), "high": float(count), "n": len(score.stories)}
    return {
        "dataset": title,
        "stories": len(score.stories),
        "metrics": metrics,
        "latency": {"timeline_s": {"p50": score.seconds_p50, "p95": score.seconds_p95}},
        "per_story": [vars(s) for s in score.stories],
    }


def run_stories(ask, stories: list[Story]) -> TimelineScore:
    """`ask(question) -> Answer`; each story's timeline is asked once and timed."""
    scores = []
    for story in stories:
        started = time.perf_counter()
        answer = ask(story.question)
        scores.append(score_story(story, answer, time.perf_counter() - started))
    return summarize(scores)
