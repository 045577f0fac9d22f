"""A second opinion on an answer that costs a few dozen tokens: the local model is asked, in the same llama.cpp
context that just wrote the answer (its prompt and answer are already evaluated), whether its answer is about
exactly what the question asks, and the probability of "same" against "different" is read from the next-token
logits. Of four wordings tried on squad8 questions (docs/EVALUATION.md), this one separated answerable from
unanswerable questions best; "does the evidence answer the question? yes or no" barely did (the model says yes).

SQuAD 2.0's unanswerable questions change one name, date or relation of an answerable one; the answer then reads
fine and cites real sentences, and only a check that rereads the question against the evidence can catch it.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from langchain_core.messages import BaseMessage

from .chat_models import LocalChatModel, load_llama

CHECK = (
    'Compare your answer with the question: "{question}" Is your answer about exactly what the question asks, or about '
    "something else (another person, date, place, thing or direction)? Reply with one word: same or different."
)
_SAME = ["same", "Same", " same", " Same"]
_DIFFERENT = ["different", "Different", " different", " Different"]


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


def same_probability(model: LocalChatModel, messages: list[BaseMessage], answer: str, question: str) -> float:
    """P("same") / (P("same") + P("different")) for CHECK asked after `answer`, given the prompt `messages` that
    produced it."""
    llm, lock = load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    eos, bos = (llm.detokenize([t], special=True).decode("utf-8", "ignore") for t in (llm.token_eos(), llm.token_bos()))
    formatter = _formatter(llm.metadata["tokenizer.chat_template"], eos, bos)
    turns = [
        *model.chat_messages(messages),
        {"role": "assistant", "content": answer},
        {"role": "user", "content": CHECK.format(question=question)},
    ]
    formatted = formatter(messages=turns)
    tokens = llm.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)
    same, different = _first_tokens(llm, _SAME), _first_tokens(llm, _DIFFERENT)
    with lock:
        if len(tokens) >= llm.n_ctx():
            return 1.0
        keep = min(_common_prefix(llm.input_ids[: llm.n_tokens].tolist(), tokens), len(tokens) - 1)
        llm.n_tokens = keep
        llm.eval(tokens[keep:])
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm._n_vocab,))
        best_same, best_different = float(logits[same].max()), float(logits[different].max())
    return 1.0 / (1.0 + math.exp(best_different - best_same))
