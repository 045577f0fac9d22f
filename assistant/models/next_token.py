"""The local model's choice among a few words, read from its next-token logits instead of from text it writes.

The turns are evaluated in the llama.cpp context that wrote the answer, so the shared prefix (the prompt and the
answer) is not evaluated again: a choice costs the few dozen tokens that ask it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .chat_models import LocalChatModel, load_llama


@lru_cache(maxsize=4)
def _formatter(template: str, eos: str, bos: str):
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


def _first_tokens(llm, words: list[str]) -> list[int]:
    return sorted({llm.tokenize(w.encode(), add_bos=False, special=False)[0] for w in words})


def _common_prefix(a, b) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def first_token_shares(model: LocalChatModel, turns: list[dict], options: list[list[str]]) -> list[float] | None:
    """For each option (its spellings), the share of the probability the assistant's next token after `turns` puts
    on it, among the options only, each option at its best-scoring spelling. None when the turns do not fit the
    context."""
    llm, lock = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    eos, bos = (llm.detokenize([t], special=True).decode("utf-8", "ignore") for t in (llm.token_eos(), llm.token_bos()))
    formatted = _formatter(llm.metadata["tokenizer.chat_template"], eos, bos)(messages=turns)
    tokens = llm.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)
    ids = [_first_tokens(llm, spellings) for spellings in options]
    with lock:
        if len(tokens) >= llm.n_ctx():
            return None
        keep = min(_common_prefix(llm.input_ids[: llm.n_tokens].tolist(), tokens), len(tokens) - 1)
        llm.n_tokens = keep
        llm.eval(tokens[keep:])
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm._n_vocab,))
        best = np.array([float(logits[i].max()) for i in ids])
    shares = np.exp(best - best.max())
    return [float(x) for x in shares / shares.sum()]
