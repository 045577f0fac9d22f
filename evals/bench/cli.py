"""`byline bench`: speed of ingest, retrieval and answers, each beside the LangChain baseline in the same run."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ingest.cli import fail, settings_from_args

SHARED = Path(__file__).resolve().parents[3] / "shared"


def run_size(n: int, shared: Path, settings, work: Path, with_server: bool) -> dict:
    from assistant.core.retrieval import HybridSearch
    from evals.bench import bench
    from evals.bench.baseline import Baseline
    from evals.bench.replicas import chroma_server

    corpus, _expected = bench.build_corpus(
        n, shared, work, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences
    )
    ours = bench.ingest_subprocess(corpus, work / f"store-{n}")
    theirs = bench.baseline_ingest_subprocess(corpus, work / f"baseline-{n}")
    result: dict[str, Any] = {"target_passages": n, "corpus": str(corpus.name), "ingest": {"byline": ours, "baseline": theirs}}
    speakers = bench.speaker_time(corpus, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)
    spent = speakers["load_s"] + speakers["extract_s"]
    speakers["added_to_ingest"] = spent / max(ours["seconds"] - spent, 1e-9)
    result["speakers"] = speakers
    result["add_one"] = bench.add_one_article(work / f"store-{n}")
    qs = bench.questions(shared, 200)
    search = HybridSearch(settings.with_overrides(store=work / f"store-{n}", collection="bench"))
    baseline = Baseline(work / f"baseline-{n}").open()
    result["retrieval_ms"] = {mode: bench.retrieval_latency(search, qs, mode) for mode in ("dense", "bm25", "hybrid")}
    result["retrieval_ms"]["baseline"] = bench.baseline_latency(baseline, qs)
    if with_server:
        proc, url = chroma_server(work / f"server-{n}")
        try:
            served = bench.ingest_subprocess(corpus, work / f"server-local-{n}", chroma_url=url)
            remote = HybridSearch(settings.with_overrides(chroma_url=url, store=work / f"server-local-{n}", collection="bench"))
            result["chroma_server"] = {
                "ingest": served,
                "retrieval_ms": {m: bench.retrieval_latency(remote, qs, m) for m in ("dense", "hybrid")},
            }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return result


def run_large(n: int, shared: Path, settings, work: Path) -> dict:
    """A size measured for Byline alone (the baseline would take longer than the rest of the benchmark)."""
    from assistant.core.retrieval import HybridSearch
    from evals.bench import bench

    corpus, _expected = bench.build_corpus(
        n, shared, work, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences
    )
    result: dict[str, Any] = {"target_passages": n, "ingest": {"byline": bench.ingest_subprocess(corpus, work / f"store-{n}")}}
    result["add_one"] = bench.add_one_article(work / f"store-{n}")
    search = HybridSearch(settings.with_overrides(store=work / f"store-{n}", collection="bench"))
    qs = bench.questions(shared, 200)
    result["retrieval_ms"] = {mode: bench.retrieval_latency(search, qs, mode) for mode in ("dense", "bm25", "hybrid")}
    return result


def ratios(results: dict) -> dict:
    out = {}
    for size in results["sizes"]:
        if "baseline" not in size["ingest"]:
            continue
        ing = size["ingest"]
        out[f"ingest_passages_per_s@{size['target_passages']}"] = (
            ing["byline"]["passages_per_s"] / ing["baseline"]["passages_per_s"]
        )
        out[f"ingest_articles_per_s@{size['target_passages']}"] = ing["baseline"]["seconds"] / ing["byline"]["seconds"]
        r = size["retrieval_ms"]
        out[f"hybrid_p95_vs_baseline@{size['target_passages']}"] = r["hybrid"]["p95"] / r["baseline"]["p95"]
    if "replicas" in results:
        from evals.bench.replicas import print_replicas

        print_replicas(results["replicas"])
    if "commands" in results:
        from evals.bench.command_line import print_command_times

        print_command_times(results["commands"])
    if "answers" in results:
        a = results["answers"]
        out["first_token_p50_vs_baseline"] = a["byline"]["first_token_s"]["p50"] / a["baseline"]["first_token_s"]["p50"]
        out["total_p50_vs_baseline"] = a["byline"]["total_s"]["p50"] / a["baseline"]["total_s"]["p50"]
    return out


def _print_add_one(size: dict) -> None:
    if "add_one" in size:
        a = size["add_one"]
        print(
            f"{'':>9} one more article ({a['passages']} passages after): {a['add_s']:.2f}s in a warm process "
            f"(opening the store {a['open_s']:.2f}s apart), {a['cli_s']:.1f}s as `byline ingest FILE`"
        )


def print_table(results: dict) -> None:
    from evals.bench.embedding import print_comparison

    print("How the corpora were built: " + results["corpus_note"])
    if "embeddings" in results:
        print_comparison(results["embeddings"])
    print(
        f"{'passages':>9} {'byline p/s':>11} {'baseline p/s':>13} {'ratio':>6} {'byline s':>9} {'base s':>7} "
        f"{'RSS MB':>7} {'dense p95':>10} {'bm25 p95':>9} {'hybrid p95':>11} {'base p95':>9}"
    )
    for s in results["sizes"]:
        i, r = s["ingest"], s["retrieval_ms"]
        if "baseline" not in i:
            print(
                f"{i['byline']['passages']:>9} {i['byline']['passages_per_s']:>11.1f} {'-':>13} {'-':>6} "
                f"{i['byline']['seconds']:>9.1f} {'-':>7} {i['byline']['peak_rss_mb']:>7.0f} {r['dense']['p95']:>10.1f} "
                f"{r['bm25']['p95']:>9.1f} {r['hybrid']['p95']:>11.1f} {'-':>9}"
            )
            _print_add_one(s)
            continue
        print(
            f"{i['byline']['passages']:>9} {i['byline']['passages_per_s']:>11.1f} {i['baseline']['passages_per_s']:>13.1f} "
            f"{i['byline']['passages_per_s'] / i['baseline']['passages_per_s']:>6.2f} {i['byline']['seconds']:>9.1f} "
            f"{i['baseline']['seconds']:>7.1f} {i['byline']['peak_rss_mb']:>7.0f} {r['dense']['p95']:>10.1f} "
            f"{r['bm25']['p95']:>9.1f} {r['hybrid']['p95']:>11.1f} {r['baseline']['p95']:>9.1f}"
        )
        if "speakers" in s:
            sp = s["speakers"]
            print(
                f"{'':>9} speakers: {sp['extract_s']:.1f}s extraction + {sp['load_s']:.1f}s model load = "
                f"adds {sp['added_to_ingest']:.0%} to ingest; parsed {sp['parsed_sentences']} of {sp['sentences']} sentences"
            )
        _print_add_one(s)
        if "chroma_server" in s:
            c = s["chroma_server"]
            print(
                f"{'':>9} chroma server: ingest {c['ingest']['passages_per_s']:.1f} p/s, "
                f"dense p95 {c['retrieval_ms']['dense']['p95']:.1f} ms, hybrid p95 {c['retrieval_ms']['hybrid']['p95']:.1f} ms"
            )
    if "replicas" in results:
        from evals.bench.replicas import print_replicas

        print_replicas(results["replicas"])
    if "commands" in results:
        from evals.bench.command_line import print_command_times

        print_command_times(results["commands"])
    if "answers" in results:
        a = results["answers"]
        for who in ("byline", "baseline"):
            print(
                f"answers {who:8s}: first token p50 {a[who]['first_token_s']['p50']:.2f}s p95 {a[who]['first_token_s']['p95']:.2f}s, "
                f"total p50 {a[who]['total_s']['p50']:.2f}s p95 {a[who]['total_s']['p95']:.2f}s, "
                f"prompt tokens p50 {a[who]['prompt_tokens']['p50']:.0f}"
            )
    if "serve" in results:
        s = results["serve"]
        print(
            f"cold start: page {s['page_ready_s']:.1f}s, first answer {s['first_answer_s']:.1f}s, "
            f"serving peak RSS {s['serving_peak_rss_mb']:.0f} MB, PSS {s['serving_peak_pss_mb']:.0f} MB"
        )
        print("cold start stages (fresh process): " + ", ".join(f"{k} {v:.2f}" for k, v in s["stages"].items()))
    for name, value in results["ratios"].items():
        print(f"ratio {name}: {value:.2f}")


def _sample_store(settings, work: Path) -> Path:
    from ingest.pipeline import ingest_paths

    folder = work / "sample-store"
    ingest_paths([Path(__file__).resolve().parents[2] / "corpus"], settings.with_overrides(store=folder))
    return folder


def cmd_bench(args: argparse.Namespace) -> int:
    import importlib.util

    from evals.bench import bench, replicas
    from evals.bench.command_line import command_times
    from evals.bench.embedding import compare_backends

    if args.passages and importlib.util.find_spec("langchain_chroma") is None:
        return fail("the LangChain baseline needs the bench extra: pip install -e '.[bench]' (make install does)")
    settings = settings_from_args(args)
    shared = Path(args.shared) if args.shared else SHARED
    work = Path(tempfile.mkdtemp(prefix="byline-bench-"))
    results: dict[str, Any] = {
        "corpus_note": "squad8 paragraphs and MultiHop-RAG evidence texts (../shared/benchmarks), repeated with ids "
        "suffixed #rN until Byline's splitter yields the target passage count; the baseline ingests the same files "
        "(RecursiveCharacterTextSplitter 500/50)",
        "sizes": [],
    }

    def done(part: str) -> None:
        """Said, and written so far: a part that fails later loses only itself."""
        print(f"{part} done", file=sys.stderr, flush=True)
        if args.out:
            Path(args.out).write_text(json.dumps(results, indent=1))

    results["embeddings"] = compare_backends(shared, settings, args.embedding_passages)
    done("embeddings")
    for n in args.passages:
        results["sizes"].append(run_size(n, shared, settings, work, with_server=n == args.server_at))
        done(f"size {n}")
    for n in args.large:
        results["sizes"].append(run_large(n, shared, settings, work))
        done(f"size {n} (Byline only)")
    if args.replicas:
        results["replicas"] = replicas.run(shared, work, args.replicas)
        done("replicas")
    stores = sorted(work.glob("store-*"), key=lambda p: int(p.name.split("-")[1]))
    results["commands"] = command_times(_sample_store(settings, work), stores[-1] if stores else None)
    if not args.skip_answers:
        results["answers"] = bench.answer_latency(settings)
        results["serve"] = bench.cold_start(settings)
    results["ratios"] = ratios(results)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print_table(results)
    return 0


def register(sub) -> None:
    p = sub.add_parser("bench", help="speed benchmarks against a plain LangChain baseline")
    p.add_argument("--passages", type=int, nargs="*", default=[1000, 10000], help="corpus sizes (default 1000 10000)")
    p.add_argument("--embedding-passages", type=int, default=1000, help="passages for the embedding runtime comparison")
    p.add_argument("--large", type=int, nargs="*", default=[], help="sizes run for Byline alone, e.g. --large 100000")
    p.add_argument("--server-at", type=int, default=10000, help="also benchmark a Chroma server at this size")
    p.add_argument("--skip-answers", action="store_true", help="leave out answer latency and cold start")
    p.add_argument(
        "--replicas", type=int, nargs="*", default=[], help="sizes at which to measure byline serve replicas on chroma run"
    )
    p.add_argument("--shared", help="folder holding benchmarks/ (default ../shared)")
    p.add_argument("--out", help="write the results JSON here")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench)
