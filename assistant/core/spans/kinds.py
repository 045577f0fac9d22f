"""What kind of span a question asks for, from its wh-phrase: the kind decides which spans of the evidence are
candidates (a "when" question is answered by a date, never by how something happened)."""

from __future__ import annotations

import re
from enum import StrEnum


class SpanKind(StrEnum):
    WHO = "who"
    WHEN = "when"
    WHERE = "where"
    NUMBER = "number"
    DURATION = "duration"
    """"How long …?", "How old …?", "How many years …?": spaCy tags these spans DATE or TIME, which a plain count
    must not admit ("How many people died?" is not answered by "75-year-old")."""
    THING = "thing"
    """"Which organization …?", "What company …?": a name or a noun phrase."""


_OPENING = r"^(?:(?:and|so|but|then|also)\s+|(?:in|on|at|from|by|for|to|of|with)\s+)?"
_DURATION_UNITS = r"(?:years|months|weeks|days|hours|minutes|seconds|decades|centuries|times)"
_KINDS: list[tuple[SpanKind, re.Pattern[str]]] = [
    (SpanKind.DURATION, re.compile(_OPENING + rf"how\s+(?:long|old|often|many\s+{_DURATION_UNITS})\b", re.I)),
    (
        SpanKind.NUMBER,
        re.compile(
            _OPENING
            + r"(?:how\s+(?:many|much|far|big|large|tall|high)\b|what\s+(?:percentage|percent|share|proportion|number|amount|fraction)\b)",
            re.I,
        ),
    ),
    (
        SpanKind.WHEN,
        re.compile(
            _OPENING
            + r"(?:when\b|what\s+(?:year|date|day|month|time|decade|century|season)\b|which\s+(?:year|date|day|month|decade|century)\b)",
            re.I,
        ),
    ),
    (
        SpanKind.WHERE,
        re.compile(
            _OPENING
            + r"(?:where\b|what\s+(?:city|country|town|place|region|state|location)\b|which\s+(?:city|country|town|place|region|state|location)\b)",
            re.I,
        ),
    ),
    (SpanKind.WHO, re.compile(_OPENING + r"(?:who(?:m|se)?\b(?!\s+(?:said|says|say)\b))", re.I)),
    (
        SpanKind.THING,
        re.compile(
            _OPENING
            + r"(?:which|what)\s+(?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|happened|happens|about|if|else|kind\s+of\s+(?:thing|things)|the\s+))[a-z-]+\b(?:\s+[a-z-]+)?\s+(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|[a-z]+ed|[a-z]+s)\b",
            re.I,
        ),
    ),
]


_ASKED_COUNT = re.compile(r"\b(?:which|what|who\s+(?:are|were)\s+the|name\s+the)\s+(two|three|four|five|both)\b(?!-)", re.I)
_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}


def asked_count(question: str) -> int:
    """How many things the question asks for ("Which two compounds …?" asks for two); one unless it says."""
    m = _ASKED_COUNT.search(question)
    return _COUNTS[m.group(1).lower()] if m else 1


def span_kind(question: str) -> SpanKind | None:
    """The span kind of the question's first clause; None for questions answered in sentences (why, how, what did
    X say, what happened) and for yes/no questions."""
    text = question.strip()
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return None
