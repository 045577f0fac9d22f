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


def _prompt_tokens(llm, turns: list[dict]) -> list[int]:
    """The turns in the model's chat template, ending where the assistant's reply begins."""
    eos, bos = (llm.detokenize([t], special=True).decode("utf-8", "ignore") for t in (llm.token_eos(), llm.token_bos()))
    formatted = _formatter(llm.metadata["tokenizer.chat_template"], eos, bos)(messages=turns)
    return llm.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)


def _evaluate(llm, tokens: list[int]) -> None:
    """Only what follows the prefix the context already holds is evaluated (the caller holds the lock)."""
    keep = min(_common_prefix(llm.input_ids[: llm.n_tokens].tolist(), tokens), len(tokens) - 1)
    llm.n_tokens = keep
    llm.eval(tokens[keep:])


def _next_logits(llm) -> np.ndarray:
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm._n_vocab,))


def first_token_shares(model: LocalChatModel, turns: list[dict], options: list[list[str]]) -> list[float] | None:
    """For each option (its spellings), the share of the probability the assistant's next token after `turns` puts
    on it, among the options only, each option at its best-scoring spelling. None when the turns do not fit the
    context."""
    llm, lock = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    tokens = _prompt_tokens(llm, turns)
    ids = [_first_tokens(llm, spellings) for spellings in options]
    with lock:
        if len(tokens) >= llm.n_ctx():
            return None
        _evaluate(llm, tokens)
        logits = _next_logits(llm)
        best = np.array([float(logits[i].max()) for i in ids])
    shares = np.exp(best - best.max())
    return [float(x) for x in shares / shares.sum()]


_ENDINGS = [".", " [", "[", ",", "\n", " (", ";"]
"""What follows a finished span in a reply: its full stop, its citation marker, a comma."""


def constrained_choice(model: LocalChatModel, turns: list[dict], options: list[list[str]]) -> tuple[int, float] | None:
    """Which option (its spellings) the assistant's reply after `turns` begins with, decoded greedily with only
    the spellings' tokens allowed (their token trie, each also with a capital first letter), with the end of a
    spelling as one more choice (its full stop, marker or the end of the turn). Returns the option's index and the
    product of each step's share among the allowed tokens; stops as soon as one option is left, so a choice costs
    a token or two after the prompt. None when the turns do not fit the context or nothing tokenizes."""
    llm, lock = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    tokens = _prompt_tokens(llm, turns)
    spelled: list[tuple[list[int], int]] = []
    for i, spellings in enumerate(options):
        for variant in {v for text in spellings for v in (text, text[:1].upper() + text[1:])}:
            ids = llm.tokenize(variant.encode(), add_bos=False, special=False)
            if ids:
                spelled.append((ids, i))
    ends = sorted({*_first_tokens(llm, _ENDINGS), llm.token_eos()})
    if not spelled:
        return None
    if len({i for _, i in spelled}) == 1:
        return spelled[0][1], 1.0  # nothing to choose: the prompt need not be evaluated
    with lock:
        if len(tokens) + max(len(ids) for ids, _ in spelled) >= llm.n_ctx():
            return None
        _evaluate(llm, tokens)
        alive, position, probability = spelled, 0, 1.0
        while True:
            if len({i for _, i in alive}) == 1:
                return alive[0][1], probability
            logits = _next_logits(llm).astype(np.float64)
            finished = [i for ids, i in alive if len(ids) == position]
            nexts = sorted({ids[position] for ids, _ in alive if len(ids) > position})
            scores = [float(logits[t]) for t in nexts] + ([float(logits[ends].max())] if finished else [])
            shares = np.exp(np.array(scores) - max(scores))
            shares /= shares.sum()
            best = int(np.argmax(shares))
            probability *= float(shares[best])
            if best == len(nexts):
                return finished[0], probability
            alive = [(ids, i) for ids, i in alive if len(ids) > position and ids[position] == nexts[best]]
            llm.eval([nexts[best]])
            position += 1
