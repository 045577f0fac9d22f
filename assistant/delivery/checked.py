"""How a generated answer was judged, in words, for the terminal and the page alike."""

from __future__ import annotations

from collections import Counter

from assistant.core.answer import Answer

_CHOICES_FROM = {
    "logits": "the local model's probabilities",
    "logprobs": "the server's log-probabilities",
    "completion": "the words the model wrote (this backend gives no probabilities)",
}


def checks_summary(answer: Answer) -> str:
    """Its claims' verdicts, the checks that ran, how the choices were read; empty for an answer no check judged
    (an extract, a refusal before writing)."""
    if not answer.checks_run:
        return ""
    counts = Counter(claim.verdict.value for claim in answer.claims)
    parts = [f"Claims: {', '.join(f'{n} {verdict}' for verdict, n in counts.items())}"] if counts else []
    if answer.span is not None and answer.span.candidates == 1:
        parts.append("Answer: the only span of its kind in the evidence")
    elif answer.span is not None:
        parts.append(f"Answer: the span the model chose among {answer.span.candidates} in the evidence")
    if answer.yes_no_parts:
        said = ", ".join(f"{p.verdict} for part {n}" for n, p in enumerate(answer.yes_no_parts, start=1))
        parts.append(f"Yes/No: read part by part ({said}), each against its own articles")
    parts.append("Checks: " + ", ".join(answer.checks_run))
    if answer.choices_from in _CHOICES_FROM:
        parts.append("choices read from " + _CHOICES_FROM[answer.choices_from])
    return " · ".join(parts)
