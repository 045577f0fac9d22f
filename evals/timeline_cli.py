"""`byline eval-dates` and `byline eval-timelines`: the timeline route's two measures."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.delivery.cli import add_answer_flags, answer_settings
from evals.datasets import DatasetError
from evals.summary import parse_floors
from ingest.cli import fail
from ingest.records import IngestError


def cmd_eval_dates(args: argparse.Namespace) -> int:
    from evals.dates_eval import load_dates, score_dates

    score = score_dates(load_dates(split=args.split))
    print(
        f"relative dates ({args.split or 'all'}) resolved right: {score.accuracy:.3f} [{score.low:.3f}, {score.high:.3f}] (n={score.n})"
    )
    for item, found in score.wrong:
        print(
            f"  {item.published} “{item.expression}” in “{item.sentence}”: expected {item.gold} ({item.precision}), got {found and found.label}"
        )
    return 0


def cmd_eval_timelines(args: argparse.Namespace) -> int:
    from assistant.core.assistant import Assistant
    from evals.runner import prepare_corpus
    from evals.summary import check_floors
    from evals.timeline_eval import TIMELINES, TIMELINES_CORPUS, as_summary, load_timelines, run_stories

    try:
        gate = parse_floors(args.min)
        stories = load_timelines(TIMELINES, args.split)
        settings = prepare_corpus(answer_settings(args), TIMELINES_CORPUS, args.collection)
    except (DatasetError, IngestError, ValueError) as err:
        return fail(str(err))
    failures: list[str] = []
    for floor in args.sweep or [settings.answering.timeline_event_floor]:
        score = run_stories(Assistant(settings.with_overrides(timeline_event_floor=floor)).ask, stories)
        summary = as_summary(score, f"timelines ({args.split or 'all'}), event floor {floor:.2f}")
        failures = check_floors(summary, gate)
        summary["gate"] = {"floors": gate, "failures": failures}
        if args.json:
            print(json.dumps(summary, indent=1))
            continue
        print(f"{summary['dataset']}: {len(stories)} stories")
        for name, v in summary["metrics"].items():
            print(f"  {name:24s} {v['mean']:.3f}  [{v['low']:.3f}, {v['high']:.3f}]  n={v['n']}")
        print(f"  {'seconds':24s} p50 {score.seconds_p50:.2f}  p95 {score.seconds_p95:.2f}")
        for s in score.stories if args.verbose else []:
            print(
                f"   {s.story:8s} lines {s.lines:2d} events {s.events_shown:2d} required {s.required_found}/{s.required} "
                f"order {s.pairs_right}/{s.pairs} dates {s.dates_right}/{s.dates} articles {s.articles_cited} {s.seconds:.2f} s"
            )
            for miss in s.misplaced:
                print(f"     misplaced: {miss}")
    for failure in failures:
        print(f"quality gate: {failure}", file=sys.stderr)
    return 1 if failures else 0


def register_timelines(sub) -> None:
    p = sub.add_parser("eval-dates", help="relative dates resolved against publication days (timelines)")
    p.add_argument("--split", choices=("dev", "test"), help="dev: the rules were written against it; test: reporting")
    p.set_defaults(func=cmd_eval_dates)

    p = sub.add_parser("eval-timelines", help="timelines of whole stories: pairwise order, events found, dates, citations")
    p.add_argument("--split", choices=("dev", "test"), help="dev: the floor is chosen on it; test: reporting")
    p.add_argument("--sweep", type=float, nargs="+", metavar="FLOOR", help="score each of these event floors")
    p.add_argument("--verbose", action="store_true", help="each story, and each pair out of order")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--min", action="append", metavar="METRIC=VALUE", help="quality gate, e.g. timeline_order=0.9 (repeatable)")
    add_answer_flags(p)
    p.set_defaults(func=cmd_eval_timelines)
