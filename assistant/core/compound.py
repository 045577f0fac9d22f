"""Compound yes/no questions ("Does The Verge suggest A, while TechCrunch reports B?", "Did A win, and did B
lose?"): each part is a claim of
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

_AUX = r"(?:does|do|did|is|are|was|were|has|have|had)\b"
_SUBJECT = r"(?:the|a|an|it|its|they|their|he|his|she|her|this|that|these|those|both|(?-i:[A-Z'\"‘“]))"
_CONTRAST = re.compile(rf"\s*,\s*while\s+|,?\s+whereas\s+|\s*,\s*and\s+(?={_AUX}\s+{_SUBJECT})", re.I)
_OPENING_AUX = re.compile(rf"^{_AUX}", re.I)
MIN_PART_WORDS = 4


def question_parts(question: str) -> tuple[str, ...]:
    """A yes/no question's contrasted or joined parts, each asked as a question; () when it has one part.

    A contrast ("while", "whereas") after the opening clause splits, and so does ", and" opening a second question
    ("Did A win, and did B lose?": an auxiliary then a subject); a bare "and" joins too much else (names, lists, verbs) to be read as two claims
    without a parse, and "or" asks for one of two."""
    text = question.strip().rstrip("?").strip()
    pieces = [p.strip(" ,;") for p in _CONTRAST.split(text)]
    if len(pieces) < 2 or not _OPENING_AUX.match(pieces[0]) or any(len(p.split()) < MIN_PART_WORDS for p in pieces):
        return ()
    return tuple(p[0].upper() + p[1:] + "?" if _OPENING_AUX.match(p) else f"Does {p}?" for p in pieces)


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
