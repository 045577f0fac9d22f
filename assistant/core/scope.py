"""Outlets and relative dates named in a question ("What did Reuters say yesterday?") as a filter, applied only
when the store knows outlets and dates; the answer states what it understood."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from ingest.records import PassageFilter

_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "few": 3}
_LAST_N = re.compile(
    r"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(\d+|a|one|two|three|four|five|six|seven|ten|few)\s+(days?|weeks?|months?|years?)\b",
    re.I,
)
_LAST_UNIT = re.compile(r"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(day|week|month|year)\b", re.I)
_THIS = re.compile(r"\bthis\s+(week|month|year)\b", re.I)
_DAY = re.compile(r"\b(today|yesterday)\b", re.I)


def relative_dates(question: str, today: date) -> tuple[date, date] | None:
    """The date range a question's relative time means, both ends included."""
    if m := _LAST_N.search(question):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
        return today - timedelta(days=n * _UNITS[m.group(2).lower()]), today
    if m := _LAST_UNIT.search(question):
        return today - timedelta(days=_UNITS[m.group(1).lower()]), today
    if m := _THIS.search(question):
        unit = m.group(1).lower()
        start = today - timedelta(days=today.weekday()) if unit == "week" else today.replace(day=1)
        return (start if unit != "year" else today.replace(month=1, day=1)), today
    if m := _DAY.search(question):
        day = today if m.group(1).lower() == "today" else today - timedelta(days=1)
        return day, day
    return None


def named_outlets(question: str, outlets: set[str]) -> tuple[str, ...]:
    """Outlets the question names as whole words ("the guardian" names "The Guardian"); a short one-word name
    must be written as the outlet writes it ("The Age" is not "age")."""
    found: list[str] = []
    for outlet in sorted(outlets, key=len, reverse=True):
        bare = re.sub(r"^the\s+", "", outlet, flags=re.I)
        lead = r"(?i:the)\s+" if bare != outlet else ""
        name = re.escape(bare) if len(bare) < 5 and " " not in bare else f"(?i:{re.escape(bare)})"
        named = len(bare) >= 3 and re.search(rf"(?<![\w-]){lead}{name}(?![\w-])", question)
        if named and not any(bare.lower() in f.lower() for f in found):
            found.append(outlet)
    return tuple(found)


def scope_from_question(question: str, where: PassageFilter, outlets: set[str], dated: bool, today: date) -> PassageFilter:
    """The filter with what the question names added; a filter the user set for dates is kept as set."""
    named = named_outlets(question, outlets) if outlets and not where.outlets else ()
    dates = relative_dates(question, today) if dated and not (where.published_after or where.published_before) else None
    if not named and dates is None:
        return where
    changed = replace(where, outlets=where.outlets or named)
    if dates is not None:
        changed = replace(changed, published_after=dates[0].isoformat(), published_before=dates[1].isoformat())
    return changed
