"""When a sentence says its event happened: a date expression spaCy finds in it ("on Tuesday", "late on
Thursday", "last week", "March 3", "in 2009"), resolved by dateparser against the article's publication date, else
the publication date itself, marked as such.

News writes weekdays relative to the day it was published: "on Wednesday" in an article of Wednesday is that day,
and a future tense ("will return to work on Saturday") points forward, not to the Saturday before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

from ingest.text.dates import iso_date

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FUTURE = re.compile(r"\b(?:will|would|shall|is to|are to|plans? to|expects? to|next|tomorrow|upcoming|scheduled)\b", re.I)
_NOISE = re.compile(r"\b(?:late|early|on|by|since|until|from|the|this|that|of|at|around|about|in|during|over)\b", re.I)
_YEAR = re.compile(r"^\s*(?:in\s+)?(\d{4})\s*$")
_PARTS_OF_DAY = re.compile(r"\b(?:morning|afternoon|evening|night|tonight)\b", re.I)


@dataclass(frozen=True)
class EventDate:
    """A day (or only a month or a year), and whether the sentence said it or the publication date stands in."""

    day: date
    precision: str = "day"
    """"day", "week" (`day` is its Monday), "month" or "year": how much of `day` the text gave."""
    stated: bool = True
    """False when the sentence gives no date and the article's publication date is used."""
    expression: str = ""

    @property
    def label(self) -> str:
        """The date as shown: 2026-03-03, 2026-03, 2009, week of 2026-02-23."""
        return {"year": f"{self.day:%Y}", "month": f"{self.day:%Y-%m}", "week": f"week of {self.day.isoformat()}"}.get(
            self.precision, self.day.isoformat()
        )

    @property
    def sort_key(self) -> tuple[date, int]:
        return self.day, {"year": 0, "month": 1, "week": 2, "day": 3}[self.precision]


def published_day(published_at: str | None) -> date | None:
    iso = iso_date(published_at)
    return datetime.fromisoformat(iso).date() if iso else None


def _weekday(expression: str, published: date, forward: bool) -> date | None:
    words = [w for w in re.findall(r"[a-z]+", expression.lower()) if w in _WEEKDAYS]
    if len(words) != 1:
        return None
    shift = (_WEEKDAYS.index(words[0]) - published.weekday()) % 7
    if shift == 0:
        return published
    return published + timedelta(days=shift) if forward else published - timedelta(days=7 - shift)


def resolve(expression: str, published: date, forward: bool = False) -> EventDate | None:
    """The day an expression means, written in an article published on `published`; None for a duration or
    anything else that names no day ("three years", "within ten days")."""
    text = " ".join(expression.split())
    year = _YEAR.match(text)
    if year:
        return EventDate(date(int(year.group(1)), 1, 1), "year", True, expression)
    day = _weekday(text, published, forward)
    if day is not None:
        return EventDate(day, "day", True, expression)
    if re.search(r"\b(?:years?|months?|weeks?|days?|hours?)\b", text, re.I) and not re.search(
        r"\b(?:last|next|this|ago)\b", text, re.I
    ):
        return None  # a duration: "three years", "within ten days"
    cleaned = " ".join(_PARTS_OF_DAY.sub(" ", _NOISE.sub(" ", text)).split())
    base = datetime.combine(published, datetime.min.time())
    found = dateparser.parse(
        cleaned or text,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if forward else "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if found is None:
        return None
    day = found.date()
    if re.search(r"\byears?\b", cleaned, re.I):
        return EventDate(date(day.year, 1, 1), "year", True, expression)
    if re.search(r"\bweeks?\b", cleaned, re.I):
        return EventDate(day - timedelta(days=day.weekday()), "week", True, expression)
    named = re.search(r"\b\d{1,2}\b|\b(?:yesterday|today|tomorrow|ago)\b", cleaned, re.I)
    return EventDate(day, "day" if named or day == published else "month", True, expression)


def forward_looking(sentence: str) -> bool:
    """Whether the sentence speaks of what is to come, so that its weekday lies ahead."""
    return bool(_FUTURE.search(sentence))
