"""`byline eval` (also `python -m evals`): run a question set, score it, report, compare and gate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.delivery.cli import add_answer_flags, answer_settings
from evals.datasets import (
    BENCHMARKS,
    DEFAULT_SPLIT,
    QUOTE_CHECKS,
    QUOTE_CORPUS,
    SAMPLE_GOLD,
    SPLITS,
    DatasetError,
    Item,
    benchmark_paths,
    load_dataset,
)
from evals.refusal_cli import register_refusal
from evals.summary import parse_floors
from evals.timeline_cli import register_timelines
from ingest.cli import fail
from ingest.records import IngestError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


def resolve_inputs(args: argparse.Namespace) -> tuple[list, Path | None, str]:
    """(items, corpus to ingest first or None, title)."""
    if args.benchmark:
        corpus, questions = benchmark_paths(args.benchmark, Path(args.shared) if args.shared else SHARED)
        split = args.split or DEFAULT_SPLIT.get(args.benchmark)
        title = f"{args.benchmark}{f' ({split})' if split else ''}"
        return load_dataset(questions, split), corpus, title
    if args.quotes:
        return load_dataset(QUOTE_CHECKS, args.split), QUOTE_CORPUS, f"quote checks{f' ({args.split})' if args.split else ''}"
    dataset = Path(args.dataset) if args.dataset else SAMPLE_GOLD
    own_corpus: Path | None = Path(args.corpus) if args.corpus else (SAMPLE_CORPUS if not args.dataset else None)
    return load_dataset(dataset, args.split), own_corpus, dataset.name


def selected_items(items: list[Item], args: argparse.Namespace) -> list[Item]:
    """The questions the flags ask for: by type, by kind of answer, the first N, or N spread over the set."""
    from assistant.core.compound import question_parts

    if args.type:
        items = [i for i in items if i.type == args.type]
    if args.only_yes_no:
        items = [i for i in items if [a.strip().lower() for a in i.answers] in (["yes"], ["no"])]
    if args.only_compound:
        items = [i for i in items if len(question_parts(i.question)) > 1]
    if args.ids:
        wanted = {x.strip() for x in args.ids.split(",") if x.strip()}
        items = [i for i in items if i.id in wanted]
    if args.limit:
        items = items[: args.limit]
    if args.sample and args.sample < len(items):
        step = len(items) / args.sample
        items = [items[int(i * step)] for i in range(args.sample)]
    return items


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.core.assistant import Assistant
    from evals.report import write_report
    from evals.runner import prepare_corpus, read_results, run
    from evals.summary import build_summary, check_floors, compare

    try:
        floors = parse_floors(args.min)
        items, corpus, title = resolve_inputs(args)
        items = selected_items(items, args)
        settings = answer_settings(args).with_overrides(retrieval_mode=args.retriever, concurrency=args.concurrency)
        if corpus is not None:
            settings = prepare_corpus(settings, corpus, args.collection)
        assistant = Assistant(settings)
    except (DatasetError, IngestError, ValueError) as err:
        return fail(str(err))
    out = Path(args.out) if args.out else None
    bar = tqdm(total=len(items), desc="questions", unit="q", file=sys.stderr, disable=args.quiet)

    def progress(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    rows = run(assistant, items, out, progress=progress, answer_questions=not args.retrieval_only)
    bar.close()
    summary = build_summary(rows)
    summary["dataset"], summary["retriever"] = title, settings.retrieval.retrieval_mode
    summary["answer_check_floor"] = settings.answering.answer_check_floor
    comparison = compare(read_results(Path(args.compare)), rows) if args.compare else None
    if comparison:
        summary["compare"] = comparison
    if args.report:
        write_report(Path(args.report), f"Byline evaluation: {title}", summary, rows, comparison)
    failures = check_floors(summary, floors)
    summary["gate"] = {"floors": floors, "failures": failures}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print_summary(summary)
    for failure in failures:
        print(f"quality gate: {failure}", file=sys.stderr)
    return 1 if failures else 0


def print_summary(summary: dict) -> None:
    print(
        f"{summary['dataset']}: {summary['questions']} questions, {summary['passed']} passed, "
        f"{summary['errors']} errors ({summary['retriever']} retrieval, {summary['model'] or 'no model'})"
    )
    for name, v in summary["metrics"].items():
        print(f"  {name:26s} {v['mean']:.3f}  [{v['low']:.3f}, {v['high']:.3f}]  n={v['n']}")
    for name, v in summary["latency"].items():
        if v:
            print(f"  {name:26s} p50 {v['p50']:.2f}  p95 {v['p95']:.2f}")
    if "compare" in summary:
        for name, d in summary["compare"]["deltas"].items():
            flag = " *" if d["significant"] else ""
            print(f"  Δ {name:24s} {d['delta']:+.3f}  [{d['low']:+.3f}, {d['high']:+.3f}]{flag}")
        for f in summary["compare"]["flipped"]:
            print(f"  flipped {'pass→fail' if f['was'] else 'fail→pass'}: {f['id']}")


def cmd_sweep_topic_floor(args: argparse.Namespace) -> int:
    from evals.topic_floor import run

    corpus = (
        Path(args.corpus) if args.corpus else benchmark_paths("multihop-rag-500", Path(args.shared) if args.shared else SHARED)[0]
    )
    settings = answer_settings(args)
    result = run(settings, corpus)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"speaker_topic_floor sweep on {corpus} ({result['probes']['dev']} dev / {result['probes']['test']} test probes)")
    print("  floor  on-topic answered  off-topic refused   (dev)")
    for floor, answered, refused in result["dev"]:
        mark = "  <- chosen" if floor == result["chosen"][0] else ""
        print(f"  {floor:.3f}  {answered:17.2f}  {refused:17.2f}{mark}")
    floor, answered, refused = result["test"]
    print(f"test at {floor:.3f}: on-topic answered {answered:.2f}, off-topic refused {refused:.2f}")
    return 0


def cmd_sweep_answer_check(args: argparse.Namespace) -> int:
    from evals.refusal_curve import at_floor, choose_floor, read_rows, refusal_curve
    from evals.summary import build_summary

    rows = read_rows([Path(p) for p in args.results])
    points = refusal_curve(rows)
    if not points[0].answerable and not points[0].unanswerable:
        return fail("no scored answers in those results; run `byline eval ... --out FILE` with the local model first")
    chosen = choose_floor(points, args.max_false_refusal)
    print(f"answer_check_floor sweep over {len(rows)} results ({points[0].answerable} answerable, {points[0].unanswerable} not)")
    print("  floor  correct_refusal  false_refusal")
    for before, p in zip([None, *points], points):
        if (
            before is None
            or p is chosen
            or (p.correct_refusal, p.false_refusal) != (before.correct_refusal, before.false_refusal)
        ):
            print(f"  {p.floor:.2f}  {p.correct_refusal:15.3f}  {p.false_refusal:13.3f}{'  <- chosen' if p is chosen else ''}")
    print(f"chosen: BYLINE_ANSWER_CHECK_FLOOR={chosen.floor:.2f} (the highest with false_refusal <= {args.max_false_refusal})")
    if args.at is not None:
        summary = build_summary(at_floor(rows, args.at))
        summary["dataset"], summary["retriever"] = f"{', '.join(args.results)} at floor {args.at:.2f}", "as run"
        print_summary(summary)
    return 0


def cmd_sweep_yes_no(args: argparse.Namespace) -> int:
    from evals.refusal_curve import read_rows
    from evals.yes_no_sweep import accuracy_at, choose, choose_floor, weights, written_accuracy, yes_no_rows

    rows = yes_no_rows(read_rows([Path(p) for p in args.results]), compound=args.compound)
    prefix = "BYLINE_COMPOUND_YES_NO" if args.compound else "BYLINE_YES_NO"
    if not rows:
        return fail(
            f"no {'compound ' if args.compound else ''}yes/no questions with recorded probabilities in those results; run "
            f"`byline eval ... --out FILE` with the local model and {'BYLINE_COMPOUND_YES_NO' if args.compound else 'BYLINE_YES_NO_CHOICE'} on first"
        )
    print(f"yes/no sweep over {len(rows)} questions ({sum(r.gold == 'Yes' for r in rows)} with the answer Yes)")
    print(f"  the Yes/No the model wrote (before):   {written_accuracy(rows)}")
    for weight in weights(rows):
        floor = choose_floor(rows, weight)
        print(f"  prior weight {weight:.2f}, best floor {floor:+.2f}: {accuracy_at(rows, floor, weight)}")
    weight, floor = choose(rows)
    print(f"chosen: {prefix}_PRIOR_WEIGHT={weight:.2f} {prefix}_FLOOR={floor:.2f}")
    if args.at is not None:
        at_weight = args.weight if args.weight is not None else weight
        print(f"at weight {at_weight:.2f}, floor {args.at:+.2f} (as set, for test data): {accuracy_at(rows, args.at, at_weight)}")
    return 0


def cmd_sweep_quote_floors(args: argparse.Namespace) -> int:
    from assistant.core.assistant import Assistant
    from assistant.core.quotes.verdict import QuoteFloors
    from evals.quote_sweep import choose, contexts, score_floors, sweep
    from evals.runner import prepare_corpus

    try:
        settings = prepare_corpus(answer_settings(args), QUOTE_CORPUS, args.collection)
        assistant = Assistant(settings)
        rows = contexts(assistant, load_dataset(QUOTE_CHECKS, args.split))
    except (DatasetError, IngestError, ValueError) as err:
        return fail(str(err))
    print(f"quote-check floors on the {args.split} split ({len(rows)} items)")
    scores = sweep(rows)
    for score in sorted(scores, key=lambda s: -s.accuracy)[:15]:
        print(f"  {score}")
    best = choose(scores)
    print(
        f"chosen: BYLINE_QUOTE_MEANING_FLOOR={best.floors.meaning:.2f} BYLINE_QUOTE_TOPIC_FLOOR={best.floors.topic:.2f} "
        f"BYLINE_QUOTE_OTHER_FLOOR={best.floors.other:.2f} BYLINE_QUOTE_CHANGED_FLOOR={best.floors.changed:.2f} "
        f"BYLINE_QUOTE_OTHER_WORDS_FLOOR={best.floors.other_words:.2f}"
    )
    if args.at:
        print(f"as set (for test data): {score_floors(rows, QuoteFloors(*args.at))}")
    return 0


def cmd_eval_claims(args: argparse.Namespace) -> int:
    from evals.claims_eval import judge_claims, load_claims, rates

    results = judge_claims(load_claims(split=args.split), answer_settings(args), args.names_asked)
    asked = "the question names what the claim names" if args.names_asked else "a question that names nothing"
    print(
        f"claims that change their sentence ({args.split or 'all'}; {asked}): share verified, citation check alone → with fidelity"
    )
    for kind, row in sorted(rates(results).items()):
        print(f"  {kind:14s} {row['before']}  →  {row['after']}")
    for r in results:
        wrong = r.verified_after if r.item.kind != "faithful" else not r.verified_after
        if wrong or args.verbose:
            print(f"  {'MISS' if wrong else 'ok  '} {r.item.id} {r.item.kind}: {r.item.claim} | {'; '.join(r.why)}")
    return 0


def cmd_dedup_sweep(args: argparse.Namespace) -> int:
    from evals.dedup import sweep, write_copies

    try:
        corpus = (
            Path(args.corpus)
            if args.corpus
            else benchmark_paths("multihop-rag-500", Path(args.shared) if args.shared else SHARED)[0]
        )
    except DatasetError as err:
        return fail(str(err))
    if not corpus.is_file():
        return fail(f"{corpus}: no such corpus; pass --corpus FILE or --shared DIR")
    if args.cost:
        import tempfile

        from evals.dedup import ingest_cost

        with tempfile.TemporaryDirectory(prefix="byline-dedup-cost-") as tmp:
            cost = ingest_cost(args.cost, Path(args.shared) if args.shared else SHARED, Path(tmp))
        print(
            json.dumps(cost, indent=1)
            if args.json
            else f"ingest of {cost['passages']} passages: with copies found {min(cost['seconds']['with']):.1f} s, without "
            f"{min(cost['seconds']['without']):.1f} s (best of 2 each): ratio {cost['ratio']:.3f}"
        )
        return 0
    if args.write_copies:
        n = write_copies(corpus, Path(args.write_copies), args.copies)
        print(f"wrote {n} articles ({args.copies} copies of each) to {args.write_copies}")
        return 0
    result = sweep(corpus)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"story threshold sweep on {corpus}: dev {result['dev_articles']} articles, test {result['test_articles']}")
    print("  threshold  precision  recall  pairs found/true  false merges   (dev)")
    for r in result["dev"]:
        mark = "  <- chosen" if r["threshold"] == result["chosen"] else ""
        print(
            f"  {r['threshold']:9.2f}  {r['precision']:9.3f}  {r['recall']:6.3f}  {r['found_pairs']:5d}/{r['true_pairs']:<5d}"
            f"  {r['false_merges']:12d}{mark}"
        )
    t = result["test"]
    print(
        f"test at {t['threshold']:.2f}: precision {t['precision']:.3f}, recall {t['recall']:.3f} "
        f"({t['found_pairs']} pairs found, {t['true_pairs']} true, {t['false_merges']} false merges)"
    )
    return 0


def register(sub) -> None:
    p = sub.add_parser("dedup-sweep", help="copies of one story: pair precision/recall per threshold (dev), test")
    p.add_argument("--corpus", help="JSONL corpus (default: MultiHop-RAG's)")
    p.add_argument("--shared", help="folder holding benchmarks/ (default: ../shared)")
    p.add_argument("--write-copies", metavar="FILE", help="instead, write the corpus with each article run by other outlets")
    p.add_argument("--copies", type=int, default=3, help="copies of each article for --write-copies (default 3)")
    p.add_argument("--cost", type=int, metavar="PASSAGES", help="instead, time ingest with and without finding copies")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dedup_sweep)

    p = sub.add_parser("sweep-topic-floor", help="choose speaker_topic_floor on dev speakers, report test")
    p.add_argument("--corpus", help="JSONL corpus with title and category (default: MultiHop-RAG's)")
    p.add_argument("--shared", help="folder holding benchmarks/ (default: ../shared)")
    p.add_argument("--json", action="store_true")
    add_answer_flags(p)
    p.set_defaults(func=cmd_sweep_topic_floor)

    p = sub.add_parser("sweep-answer-check", help="choose answer_check_floor from dev results (refusal trade-off)")
    p.add_argument("results", nargs="+", help="results JSONL files of `byline eval --out` on dev data (floor 0)")
    p.add_argument("--max-false-refusal", type=float, default=0.15, help="false refusal budget (default 0.15)")
    p.add_argument("--at", type=float, help="also print every metric as a run with this floor would score it (for test)")
    p.set_defaults(func=cmd_sweep_answer_check)

    p = sub.add_parser("sweep-yes-no", help="choose yes_no_floor from dev results (Yes/No from probabilities)")
    p.add_argument("results", nargs="+", help="results JSONL files of `byline eval --out` on dev data")
    p.add_argument("--at", type=float, help="also print the accuracy at this floor (for test data)")
    p.add_argument("--weight", type=float, help="the prior weight for --at (default: the one chosen here)")
    p.add_argument("--compound", action="store_true", help="the compound questions, read part by part (their own floor)")
    p.set_defaults(func=cmd_sweep_yes_no)

    p = sub.add_parser("sweep-quote-floors", help="choose the quote check's two floors on the quote-check set (dev)")
    p.add_argument("--split", choices=SPLITS, default="dev", help="which split to score (default dev; test for reporting)")
    p.add_argument(
        "--at",
        type=float,
        nargs=5,
        metavar=("MEANING", "TOPIC", "OTHER", "CHANGED", "OTHER_WORDS"),
        help="also score these floors",
    )
    add_answer_flags(p)
    p.set_defaults(func=cmd_sweep_quote_floors)

    register_timelines(sub)
    register_refusal(sub)

    p = sub.add_parser("eval-claims", help="claims that swap roles, numbers or negations of their sentence: verified?")
    p.add_argument("--split", choices=("dev", "test"), help="dev: the rules were written against it; test: reporting")
    p.add_argument("--verbose", action="store_true", help="every item, not only the misses")
    p.add_argument("--names-asked", action="store_true", help="ask each claim as the question (its names count as asked)")
    add_answer_flags(p)
    p.set_defaults(func=cmd_eval_claims)

    p = sub.add_parser("eval", help="run a question set in batch and score it")
    p.add_argument("dataset", nargs="?", help="JSONL, CSV or a plain list of questions (default: the sample gold set)")
    p.add_argument("--benchmark", choices=BENCHMARKS, help="a public benchmark from ../shared/benchmarks")
    p.add_argument("--quotes", action="store_true", help="the quote-check set and its articles (evals/datasets/quote_checks*)")
    p.add_argument(
        "--split", choices=SPLITS, help="benchmark split (squad-train and multihop-rag-500 default to dev; test is for reporting)"
    )
    p.add_argument("--corpus", help="ingest this corpus into its own collection first")
    p.add_argument("--shared", help="folder holding benchmarks/ (default: ../shared)")
    p.add_argument("--out", help="results JSONL, one line per question; a re-run skips questions already in it")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--report", help="write a self-contained HTML report")
    p.add_argument("--compare", help="an earlier results JSONL to compare with")
    p.add_argument("--min", action="append", metavar="METRIC=VALUE", help="quality gate (repeatable)")
    p.add_argument("--concurrency", type=int, default=1, help="parallel questions for remote backends")
    p.add_argument("--retriever", choices=["hybrid", "dense", "bm25"], help="retrieval mode (default: hybrid)")
    p.add_argument("--retrieval-only", action="store_true", help="score retrieval without generating answers")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--type", help="only the questions of this type (MultiHop-RAG: temporal_query, comparison_query, ...)")
    p.add_argument("--only-yes-no", action="store_true", help="only the questions whose gold answer is Yes or No")
    p.add_argument("--only-compound", action="store_true", help='only yes/no questions in contrasted parts ("… A, while … B?")')
    p.add_argument("--sample", type=int, help="N questions spread evenly over the set (all types, all articles)")
    p.add_argument("--ids", help="only the questions with these ids (comma-separated), to rerun a handful")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_answer_flags(p)
    p.set_defaults(func=cmd_eval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "eval":
        argv.insert(0, "eval")
    args = parser.parse_args(argv)
    return args.func(args)
