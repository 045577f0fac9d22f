"""A choice among a few words (a sentence's number, Yes or No, same or different), read from whichever backend
answers: the local model's next-token logits, an OpenAI-compatible server's `logprobs`, or, where a backend gives
no probabilities, the word it writes in a short completion.

Every choice Byline reads (the sentence that answers, Yes or No, the answer check, a quote's meaning) goes
through one `ChoiceReader`, so the same prompts and checks run on every backend; `source` says how the choice was
read, and the answer reports it, because a choice read from text carries no confidence.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import SecretStr

from .chat_models import LocalChatModel
from .next_token import constrained_choice, first_token_shares

log = logging.getLogger("byline")

TOP_LOGPROBS = 20
"""OpenAI's most alternatives per token; a choice among more options than this may miss some."""


class ChoiceSource(StrEnum):
    LOGITS = "logits"
    """The local model's next-token logits, in the llama.cpp context that shares the prompt's prefix."""
    LOGPROBS = "logprobs"
    """An OpenAI-compatible server's top log-probabilities of the first token."""
    COMPLETION = "completion"
    """The first word of a short completion: a choice with no probability (the chosen option gets all of it)."""


@dataclass(frozen=True)
class SpanPick:
    index: int
    """Which of the candidate texts the reply begins with."""
    probability: float | None
    """The product of each step's share among the allowed tokens; None when read from a reply's words."""


class ChoiceReader(Protocol):
    source: ChoiceSource

    def shares(self, turns: list[dict], options: list[list[str]]) -> list[float] | None:
        """For each option (its spellings), the share of the probability the assistant's next reply after `turns`
        puts on it among the options; None when it cannot be read (the turns do not fit, no option came back)."""
        ...

    def span(self, turns: list[dict], options: list[list[str]]) -> SpanPick | None:
        """Which option (its spellings: "two-hour", "2 hour") the assistant's reply after `turns` begins with;
        None when it cannot be read or the reply begins with none of them."""
        ...

    def in_slot(self, slot: str) -> ChoiceReader:
        """The same reader for another kind of prompt (the local model keeps a llama.cpp context per kind)."""
        ...


@dataclass
class LocalLogits:
    model: LocalChatModel
    source: ChoiceSource = ChoiceSource.LOGITS

    def shares(self, turns: list[dict], options: list[list[str]]) -> list[float] | None:
        return first_token_shares(self.model, turns, options)

    def span(self, turns: list[dict], options: list[list[str]]) -> SpanPick | None:
        chosen = constrained_choice(self.model, turns, options)
        return None if chosen is None else SpanPick(*chosen)

    def in_slot(self, slot: str) -> LocalLogits:
        return LocalLogits(self.model.model_copy(update={"slot": slot}))


def top_logprobs(choice: dict[str, Any]) -> dict[str, float] | None:
    """The first generated token's alternatives, token to log-probability, from one response choice: OpenAI's chat
    shape (`logprobs.content[0].top_logprobs`, a list of {token, logprob}) or the older completions shape that
    some servers return for chat too (`logprobs.top_logprobs[0]`, a dict; llama-cpp-python issue #1787). None
    when the response carries no log-probabilities."""
    logprobs = choice.get("logprobs")
    if not isinstance(logprobs, dict):
        return None
    content = logprobs.get("content")
    if isinstance(content, list) and content:
        first = content[0]
        found = {str(t["token"]): float(t["logprob"]) for t in first.get("top_logprobs") or [] if "token" in t}
        if "token" in first and first.get("logprob") is not None:
            found.setdefault(str(first["token"]), float(first["logprob"]))
        return found or None
    older = logprobs.get("top_logprobs")
    if isinstance(older, list) and older and isinstance(older[0], dict):
        return {str(token): float(lp) for token, lp in older[0].items()}
    return None


def shares_from_logprobs(top: dict[str, float], options: list[list[str]]) -> list[float] | None:
    """Each option at its best-scoring spelling among the returned tokens; an option not among them gets the
    lowest returned log-probability (it is at most that likely). None when no option came back at all."""
    floor = min(top.values())
    best: list[float] = []
    found = False
    for spellings in options:
        hits = [lp for token, lp in top.items() if token in spellings or token.strip() in spellings]
        found = found or bool(hits)
        best.append(max(hits) if hits else floor)
    if not found:
        return None
    peak = max(best)
    weights = [math.exp(b - peak) for b in best]
    return [w / sum(weights) for w in weights]


def shares_from_text(text: str, options: list[list[str]]) -> list[float] | None:
    """All of the probability on the option the reply's first word spells; None when it spells none of them."""
    words = text.strip().split()
    if not words:
        return None
    first = words[0].strip(".,:;!?\"'()[]*").lower()
    for i, spellings in enumerate(options):
        if first in {s.strip().lower() for s in spellings}:
            return [1.0 if j == i else 0.0 for j in range(len(options))]
    return None


def span_from_text(text: str, options: list[list[str]]) -> SpanPick | None:
    """The option with the longest spelling the reply begins with, else the longest it contains (a reply may open
    "It was …"); case and markers aside."""
    reply = " ".join(re.sub(r"\[\d+\]", " ", text).lower().split()).strip(" .,:;\"'")
    spelled = [(i, " ".join(t.lower().split())) for i, spellings in enumerate(options) for t in spellings]
    for test in (reply.startswith, reply.__contains__):
        hits = [(i, t) for i, t in spelled if t and test(t)]
        if hits:
            return SpanPick(max(hits, key=lambda hit: len(hit[1]))[0], None)
    return None


SPAN_REPLY_TOKENS = 24

_NO_LOGPROBS: set[str] = set()
"""Servers that refused or ignored `logprobs` once in this process: asked again in words only."""


@lru_cache(maxsize=4)
def _http_client(timeout_s: float) -> httpx.Client:
    """One pooled client per process: a reader is built per quote check, and a client each would leak sockets."""
    return httpx.Client(timeout=timeout_s)


@dataclass
class RemoteLogprobs:
    """An OpenAI-compatible server asked for one token with its top log-probabilities; a server that does not
    give them (an error naming logprobs, or a reply without them) is asked for a short completion instead, and
    remembered, so `source` tells which way this reader read its last choice."""

    base_url: str
    model: str
    api_key: str = ""
    timeout_s: float = 60.0
    source: ChoiceSource = ChoiceSource.LOGPROBS

    def in_slot(self, slot: str) -> RemoteLogprobs:
        return self

    def span(self, turns: list[dict], options: list[list[str]]) -> SpanPick | None:
        """A short completion, matched to the options: a chat server cannot be made to continue only the options'
        tokens, so this choice is read from words on every remote backend."""
        body = self._post(turns, max_tokens=SPAN_REPLY_TOKENS)
        return None if body is None else span_from_text(str(body["choices"][0]["message"].get("content") or ""), options)

    def shares(self, turns: list[dict], options: list[list[str]]) -> list[float] | None:
        if self.base_url not in _NO_LOGPROBS:
            body = self._post(turns, max_tokens=1, logprobs=True, top_logprobs=TOP_LOGPROBS)
            top = top_logprobs(body["choices"][0]) if body else None
            if top is not None:
                self.source = ChoiceSource.LOGPROBS
                return shares_from_logprobs(top, options)
            log.info("%s gave no logprobs; choices are read from short completions", self.base_url)
            _NO_LOGPROBS.add(self.base_url)
        self.source = ChoiceSource.COMPLETION
        body = self._post(turns, max_tokens=4)
        if body is None:
            return None
        return shares_from_text(str(body["choices"][0]["message"].get("content") or ""), options)

    def _post(self, turns: list[dict], **extra: Any) -> dict | None:
        """The response body; None for a refusal of the request (a 4xx/5xx, which a server without logprobs
        gives) or a body that is not a completion; a connection failure is raised, as for any answer."""
        client = _http_client(self.timeout_s)
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        payload = {"model": self.model, "messages": turns, "temperature": 0, **extra}
        response = client.post(f"{self.base_url.rstrip('/')}/chat/completions", json=payload, headers=headers)
        if response.status_code >= 400:
            log.info("%s refused a choice request (%s): %s", self.base_url, response.status_code, response.text[:300])
            return None
        try:
            body = response.json()
        except ValueError:
            log.info("%s sent a choice reply that is not JSON: %s", self.base_url, response.text[:300])
            return None
        return body if isinstance(body, dict) and body.get("choices") else None


@dataclass
class ShortCompletion:
    """Any LangChain chat model without log-probabilities (Ollama): the reply's first word is the choice."""

    model: BaseChatModel
    source: ChoiceSource = ChoiceSource.COMPLETION

    def in_slot(self, slot: str) -> ShortCompletion:
        return self

    def span(self, turns: list[dict], options: list[list[str]]) -> SpanPick | None:
        model = (
            self.model.model_copy(update={"num_predict": SPAN_REPLY_TOKENS}) if hasattr(self.model, "num_predict") else self.model
        )
        reply = model.invoke([(t["role"], t["content"]) for t in turns], stop=["\n"])
        return span_from_text(str(reply.content), options)

    def shares(self, turns: list[dict], options: list[list[str]]) -> list[float] | None:
        reply = self.model.invoke([(t["role"], t["content"]) for t in turns], stop=["\n"])
        return shares_from_text(str(reply.content), options)


def choice_reader(model: BaseChatModel | None) -> ChoiceReader | None:
    """The reader for a configured backend; None for a model it does not know (a test's fake), which then makes
    no choices."""
    if isinstance(model, LocalChatModel):
        return LocalLogits(model)
    from langchain_ollama import ChatOllama
    from langchain_openai import ChatOpenAI

    if isinstance(model, ChatOpenAI):
        secret = model.openai_api_key
        key = secret.get_secret_value() if isinstance(secret, SecretStr) else ""
        timeout = model.request_timeout if isinstance(model.request_timeout, int | float) else 60.0
        return RemoteLogprobs(str(model.openai_api_base or "https://api.openai.com/v1"), model.model_name, key, float(timeout))
    if isinstance(model, ChatOllama):
        return ShortCompletion(model.model_copy(update={"num_predict": 4}))
    return None


def word_odds(reader: ChoiceReader, turns: list[dict], first: list[str], second: list[str]) -> float | None:
    """P(first) / (P(first) + P(second)); None when it cannot be read."""
    shares = reader.shares(turns, [first, second])
    return None if shares is None else shares[0]
