"""The embedding runtimes side by side on real passages: speed against torch, and whether the vectors are the same model."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from evals.bench.bench import build_corpus
from ingest.embedding.embedder import get_embedder
from ingest.settings import Settings
from ingest.text.passages import make_passages
from ingest.text.readers import read_articles

BACKENDS = ("torch", "onnx", "onnx-int8")


def bench_passages(shared: Path, n: int, settings: Settings) -> list[str]:
    with tempfile.TemporaryDirectory() as work:
        corpus, _ = build_corpus(n, shared, Path(work), settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)
        texts = [
            p.text
            for article in read_articles(corpus, 10**9)
            for p in make_passages(article, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)
        ]
    return texts[:n]


def compare_backends(shared: Path, settings: Settings, n: int = 1000) -> dict:
    """Each runtime embeds the same passages once warm; cosine to the torch vectors shows it is the same model."""
    texts = bench_passages(shared, n, settings)
    vectors: dict[str, np.ndarray] = {}
    out: dict[str, dict] = {}
    for backend in BACKENDS:
        started = time.perf_counter()
        embedder = get_embedder(settings.with_overrides(embedding_backend=backend))
        load_s = time.perf_counter() - started
        embedder.embed(texts[:16])
        started = time.perf_counter()
        vectors[backend] = embedder.embed(texts)
        seconds = time.perf_counter() - started
        cosine = (vectors[backend] * vectors["torch"]).sum(axis=1)
        out[backend] = {
            "passages": len(texts),
            "load_s": load_s,
            "seconds": seconds,
            "passages_per_s": len(texts) / seconds,
            "speed_vs_torch": out["torch"]["seconds"] / seconds if out else 1.0,
            "cosine_to_torch": {"min": float(cosine.min()), "p1": float(np.percentile(cosine, 1)), "mean": float(cosine.mean())},
        }
    return out


def print_comparison(results: dict) -> None:
    print(f"{'embeddings':>11} {'passages/s':>11} {'vs torch':>9} {'cos min':>8} {'cos p1':>7} {'cos mean':>9}")
    for backend, r in results.items():
        c = r["cosine_to_torch"]
        print(
            f"{backend:>11} {r['passages_per_s']:>11.1f} {r['speed_vs_torch']:>9.2f} {c['min']:>8.4f} {c['p1']:>7.4f} {c['mean']:>9.4f}"
        )
