"""Compound yes/no questions ("Does The Verge suggest A, while TechCrunch reports B?"): each part is a claim of
its own, and the answer is Yes only when every part is.

Asked whole, the 1.5B model weighs the two claims together against evidence from both outlets and its P(Yes) says
little about the weaker one. Asked part by part, each against its own outlet's sentences, the weakest part's P(Yes)
separated Yes from No better on MultiHop-RAG dev (ROC AUC 0.84 against 0.74 whole, 42 "while" questions;
docs/EVALUATION.md, "Compound questions, part by part").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .yes_no_choice import YesNoChoice

_CONTRAST = re.compile(r"\s*,\s*while\s+|,?\s+whereas\s+", re.I)
_OPENING_AUX = re.compile(r"^(?:does|do|did|is|are|was|were|has|have|had)\b", re.I)
MIN_PART_WORDS = 4


def question_parts(question: str) -> tuple[str, ...]:
    """A yes/no question's contrasted parts, each asked as a question; () when it has one part.

    Only a contrast ("while", "whereas") after the opening clause splits: "and" joins too much else (names, lists)
    to be read as two claims without a parse."""
    text = question.strip().rstrip("?").strip()
    pieces = [p.strip(" ,;") for p in _CONTRAST.split(text)]
    if len(pieces) < 2 or not _OPENING_AUX.match(pieces[0]) or any(len(p.split()) < MIN_PART_WORDS for p in pieces):
        return ()
    return tuple(p + "?" if _OPENING_AUX.match(p) else f"Does {p}?" for p in pieces)


@dataclass(frozen=True)
class PartEvidence:
    """The evidence sentences (their numbers) found for one part of a compound question."""

    part: str
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class PartVerdict:
    part: str
    """The part, asked as a question."""
    choice: YesNoChoice
    numbers: tuple[int, ...]
    """The evidence sentences it was read against (the answer's numbering)."""


def weakest(parts: list[PartVerdict]) -> PartVerdict:
    """The part that decides: Yes for the whole needs Yes for each, so the lowest score is the whole's."""
    return min(parts, key=lambda p: p.choice.score)
