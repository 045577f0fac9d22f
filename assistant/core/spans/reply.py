"""The reply the code writes around a chosen span: the span, with the marker of the sentence it was taken from."""

from __future__ import annotations

from ..answer import SpanAnswer
from ..sentence_choice import SentenceChoice
from .candidates import SpanCandidate


def cited_sentence(span: SpanCandidate, sentences: list[str], choice: SentenceChoice | None) -> int:
    """Of the sentences that hold the span, the one the numbered pass weighs most (the first without a choice)."""
    holding = [n for n, s in enumerate(sentences, 1) if span.text.lower() in s.lower()] or [span.sentence]
    if choice is None:
        return holding[0]
    return max(holding, key=lambda n: choice.shares[n] if n < len(choice.shares) else 0.0)


def span_reply(span: SpanAnswer) -> str:
    """ "Amnesty International [1]." A span that ends in an abbreviation keeps its dot before the marker."""
    return f"{span.text[:1].upper()}{span.text[1:]} [{span.sentence}]."
