"""The answer prompt's fixed prefix, evaluated once and kept on disk, so a fresh server's first answer does not
pay for it again (3 s of a cold start's 12 on two cores; the file is about 8 MB and loads in milliseconds).

A saved state is the llama.cpp KV cache of some tokens. llama-cpp-python reuses a cached state only as far as its
tokens agree with the next prompt's, so a state from another prompt is never wrong, only less useful; what must
match is the model and the context's shape, which the file's name carries. A prompt change writes a new file and
removes the old ones.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("byline")


def _model_key(model_path: str, llm: Any) -> str:
    import llama_cpp

    stat = Path(model_path).stat()
    shape = [model_path, stat.st_size, int(stat.st_mtime), llm.context_params.n_ctx, llm.n_batch, llama_cpp.__version__]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def state_file(folder: Path, model_path: str, llm: Any, prompt: str) -> Path:
    prompt_key = hashlib.sha256(prompt.encode()).hexdigest()[:12]
    return folder / f"{_model_key(model_path, llm)}-{prompt_key}.state"


def restore(llm: Any, path: Path) -> bool:
    """Load a saved prefix into the context; False (and nothing changed) when there is none or it does not load."""
    import llama_cpp

    if not path.is_file():
        return False
    capacity = llm.context_params.n_ctx
    tokens = (llama_cpp.llama_token * capacity)()
    count = ctypes.c_size_t(0)
    if not llama_cpp.llama_state_load_file(llm._ctx.ctx, str(path).encode(), tokens, capacity, ctypes.byref(count)):
        log.info("the saved prompt state %s did not load; evaluating the prompt instead", path)
        llm.reset()
        return False
    n = int(count.value)
    llm.input_ids[:n] = tokens[:n]
    llm.n_tokens = n
    llm._requires_eval = True  # the logits are not live: the next prompt decodes at least one token
    return n > 0


def keep(llm: Any, path: Path) -> None:
    """Save what the context holds now, atomically, and drop this model's states of other prompts."""
    import llama_cpp

    n = int(llm.n_tokens)
    if n == 0:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        tokens = (llama_cpp.llama_token * n)(*llm.input_ids[:n].tolist())
        if not llama_cpp.llama_state_save_file(llm._ctx.ctx, str(partial).encode(), tokens, n):
            partial.unlink(missing_ok=True)
            return
        os.replace(partial, path)
        model_key = path.name.split("-")[0]
        for old in path.parent.glob(f"{model_key}-*.state"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as err:  # a read-only cache costs the next start 3 s, nothing more
        log.info("could not save the prompt state to %s: %s", path, err)
