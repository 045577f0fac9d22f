"""The packaged MiniLM exported once to ONNX (and an int8 copy), so ingest and queries need neither torch nor the hub.

The export runs offline from the packaged folder, at `byline setup-model` time or on first use, and is written
atomically into the cache folder under a name that carries the source folder's fingerprint: a changed model
folder gets a fresh export instead of stale vectors.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ingest.records import IngestError

_FIX = "run `byline setup-model` (needs torch, transformers and onnx, all installed by `make install`)"


def _fingerprint(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "model.safetensors", "pytorch_model.bin"):
        path = model_dir / name
        if path.exists():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]


def onnx_path(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    suffix = "int8" if quantized else "fp32"
    return cache_dir / "embeddings" / f"{model_dir.name}-{_fingerprint(model_dir)}-{suffix}.onnx"


def _export_fp32(model_dir: Path, target: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["a short sentence", "and a somewhat longer second one"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(),
            tuple(sample[name] for name in names),
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8)


def export_model(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """The ONNX file for model_dir, exported (and quantized) if the cache lacks it."""
    target = onnx_path(model_dir, cache_dir, quantized)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            fp32 = onnx_path(model_dir, cache_dir, quantized=False)
            if not fp32.exists():
                partial = Path(work) / "fp32.onnx"
                _export_fp32(model_dir, partial)
                os.replace(partial, fp32)
            if quantized:
                partial = Path(work) / "int8.onnx"
                _quantize(fp32, partial)
                os.replace(partial, target)
    except ImportError as err:
        raise IngestError(f"cannot export the embedding model to ONNX: {err}; {_FIX}") from err
    return target
