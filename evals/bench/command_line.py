"""How quickly the `byline` command answers: `--help`, `articles`, and `ingest FILE` into a stored collection, each
in a fresh process as a user types it (min, median and max of several runs)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from evals.bench.bench import ROOT

ONE = "Harbour reopens in {town}\nThe harbour in {town} reopened on Monday, the port authority said.\n"


def _timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.delivery.cli", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _spread(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": len(values)}


def command_times(sample_store: Path, big_store: Path | None = None, collection: str = "bench", runs: int = 5) -> dict:
    env = {**os.environ}
    out = {
        "help_s": _spread([_timed(["--help"], env) for _ in range(runs)]),
        "articles_s": _spread([_timed(["articles", "--store", str(sample_store)], env) for _ in range(runs)]),
    }
    if big_store is not None:
        times = []
        for n in range(runs):
            article = big_store.parent / f"one-{n}.txt"
            article.write_text(ONE.format(town=f"Town {time.time_ns()}"))
            times.append(_timed(["ingest", str(article), "--store", str(big_store), "--collection", collection], env))
        out["ingest_one_s"] = _spread(times)
    return out


def print_command_times(result: dict) -> None:
    for name, label in (
        ("help_s", "byline --help"),
        ("articles_s", "byline articles (sample)"),
        ("ingest_one_s", "byline ingest one.txt"),
    ):
        if name in result:
            r = result[name]
            print(f"{label}: {r['min']:.2f}/{r['median']:.2f}/{r['max']:.2f} s (min/median/max of {r['runs']})")
