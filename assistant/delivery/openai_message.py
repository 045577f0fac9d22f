"""What Byline adds to an OpenAI chat message, and its `logprobs` in OpenAI's chat shape.

Byline's answer is written by code around the model's choices (which sentence answers, Yes or No, whether the
answer is about what was asked), so the log-probabilities a client can ask for are those of the choices, one
entry each: its `token` is the option the model put most weight on, `top_logprobs` the options it weighed, and
`byline_choice` says which choice it was. Choices read from a short completion carry no probabilities: none are
listed, and `choices_from` says so.
"""

from __future__ import annotations

import math
from typing import Any

from assistant.core.answer import Answer

_FLOOR = 1e-12


def _entry(kind: str, tokens: list[str], shares: list[float], top: int) -> dict[str, Any]:
    ranked = sorted(zip(tokens, shares), key=lambda pair: -pair[1])
    alternatives = [{"token": t, "logprob": math.log(max(p, _FLOOR)), "bytes": list(t.encode())} for t, p in ranked[:top]]
    best, share = ranked[0]
    return {
        "token": best,
        "logprob": math.log(max(share, _FLOOR)),
        "bytes": list(best.encode()),
        "top_logprobs": alternatives,
        "byline_choice": kind,
    }


def choice_logprobs(answer: Answer, top: int) -> dict[str, Any]:
    """`choices[0].logprobs` for a client that asked for them."""
    content: list[dict[str, Any]] = []
    if answer.choices_from not in (None, "completion"):
        if answer.signals is not None and answer.signals.choice_shares:
            shares = answer.signals.choice_shares
            content.append(_entry("sentence", [str(n) for n in range(len(shares))], shares, top))
        if answer.yes_no_probability is not None:
            p = answer.yes_no_probability
            content.append(_entry("yes_no", ["Yes", "No"], [p, 1 - p], top))
        for part in answer.yes_no_parts:
            content.append(_entry("yes_no_part", ["Yes", "No"], [part.probability, 1 - part.probability], top))
        if answer.span is not None and answer.span.probability is not None:
            p = answer.span.probability
            content.append(_entry("span", [answer.span.text, "another span"], [p, 1 - p], top))
        if answer.answer_check is not None:
            p = answer.answer_check
            content.append(_entry("answer_check", ["same", "different"], [p, 1 - p], top))
    return {"content": content, "refusal": None}


def message_extras(answer: Answer) -> dict[str, Any]:
    """Citations, the claims' verdicts and how the answer was judged, beside the message's content."""
    extras: dict[str, Any] = {
        "citations": [c.model_dump() for c in answer.citations],
        "refused": answer.refused,
        "claims": [c.model_dump(mode="json") for c in answer.claims],
        "checks_run": answer.checks_run,
        "choices_from": answer.choices_from,
    }
    if answer.standalone_question != answer.question:
        extras["understood_as"] = answer.standalone_question
    if answer.scope:
        extras["filter"] = answer.scope
    if answer.span is not None:
        extras["span"] = answer.span.model_dump(mode="json")
    if answer.yes_no_parts:
        extras["yes_no_parts"] = [p.model_dump(mode="json") for p in answer.yes_no_parts]
    if answer.quote_check is not None:
        extras["quote_check"] = answer.quote_check.model_dump(mode="json")
    return extras
