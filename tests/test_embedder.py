"""The ONNX runtimes compute the same MiniLM as sentence-transformers on torch, offline, from the cache folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.embedding.embedder import embedding_model_files, get_embedder
from ingest.records import IngestError
from ingest.settings import Settings
from ingest.text.passages import make_passages
from ingest.text.readers import read_articles

SAMPLE = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def sample_passages() -> list[str]:
    settings = Settings()
    articles = [a for path in sorted(SAMPLE.iterdir()) for a in read_articles(path, 10**9)]
    texts = [
        p.text
        for a in articles
        for p in make_passages(a, settings.ingest.passage_max_tokens, settings.ingest.passage_max_sentences)
    ]
    assert len(texts) >= 5
    return [*texts, "What did Vance say?", "ceasefire", "a" * 3000]


@pytest.fixture(scope="module")
def torch_vectors(sample_passages) -> np.ndarray:
    return get_embedder(Settings(embedding_backend="torch")).embed(sample_passages)


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.999), ("onnx-int8", 0.97)])
def test_onnx_vectors_match_torch(backend, floor, sample_passages, torch_vectors):
    vectors = get_embedder(Settings(embedding_backend=backend)).embed(sample_passages)
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosine = (vectors * torch_vectors).sum(axis=1)
    assert cosine.min() >= floor, cosine.min()
    assert cosine.mean() >= 0.99


def test_order_and_batching_do_not_change_vectors(sample_passages):
    embedder = get_embedder(Settings(embedding_backend="onnx-int8"))
    together = embedder.embed(sample_passages)
    one_by_one = np.vstack([embedder.embed([t]) for t in reversed(sample_passages)])[::-1]
    assert np.allclose(together, one_by_one, atol=1e-5), "a vector must not depend on the texts embedded with it"
    assert embedder.embed([]).shape == (0, embedder.dimension)


def test_export_into_a_fresh_cache_is_reused_and_leaves_no_partial_files(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    fp32, int8 = embedding_model_files(settings)
    assert fp32.exists() and int8.exists() and int8.stat().st_size < fp32.stat().st_size
    assert sorted(p.name for p in (tmp_path / "embeddings").iterdir()) == sorted([fp32.name, int8.name])
    stamp = fp32.stat().st_mtime_ns
    assert embedding_model_files(settings) == [fp32, int8]
    assert fp32.stat().st_mtime_ns == stamp


def test_a_missing_model_folder_is_named(tmp_path):
    with pytest.raises(IngestError, match="BYLINE_EMBEDDING_MODEL_PATH"):
        get_embedder(Settings(embedding_model_path=tmp_path / "nowhere", cache_dir=tmp_path))


def test_parallel_sessions_give_the_same_vectors(sample_passages):
    """`--workers`: each text is still embedded alone, by whichever session, so the vectors cannot change."""
    texts = list(sample_passages) * 4
    one = get_embedder(Settings(embedding_workers=1)).embed(texts)
    two = get_embedder(Settings(embedding_workers=2)).embed(texts)
    assert np.array_equal(one, two)
