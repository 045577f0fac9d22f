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
_FUTURE = re.compile(
    r"\b(?:will|would|shall|is to|are to|plans? to|expects? to|expected|due|set for|next|tomorrow|upcoming|scheduled|starts|begins|opens)\b",
    re.I,
)
_NOISE = re.compile(r"\b(?:late|early|on|by|since|until|from|the|this|that|of|at|around|about|in|during|over)\b", re.I)
_YEAR = re.compile(r"^\s*(?:in\s+)?(\d{4})\s*$")
_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![a-z])|\b(?:spring|summer|autumn|fall|winter|christmas|easter)\b",
    re.I,
)
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
    """ "on Tuesday" is the last Tuesday (the day itself when published on one), or the next when the sentence
    looks ahead; "last Friday" is strictly before, "next Monday" and "this Sunday" ahead."""
    words = re.findall(r"[a-z]+", expression.lower())
    days = [w for w in words if w in _WEEKDAYS]
    if len(days) != 1:
        return None
    shift = (_WEEKDAYS.index(days[0]) - published.weekday()) % 7
    if "last" in words or "past" in words:
        return published - timedelta(days=(7 - shift) if shift else 7)
    if "next" in words or "coming" in words:
        return published + timedelta(days=shift or 7)
    if "this" in words or forward:
        return published + timedelta(days=shift)
    return published - timedelta(days=(7 - shift) % 7)


_UNIT = re.compile(
    r"\b(?P<which>last|next|this|earlier\s+this|later\s+this|this\s+past|past|coming)\s+(?P<unit>week(?:end)?|month|year|summer|winter|spring|autumn|fall)\b",
    re.I,
)
_AGO = re.compile(
    r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?P<unit>days?|weeks?|months?|years?|summers?|winters?)\s+ago\b",
    re.I,
)
_COUNTS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_SEASONS = {"spring", "summer", "autumn", "fall", "winter"}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _unit(expression: str, published: date, forward: bool) -> EventDate | None:
    """ "last week", "this month", "earlier this year", "next November", "this past summer", "two summers ago"."""
    ago = _AGO.search(expression)
    if ago:
        n, unit = ago.group("n").lower(), ago.group("unit").lower().rstrip("s")
        count = int(n) if n.isdigit() else _COUNTS[n]
        if unit == "day":
            return EventDate(published - timedelta(days=count), "day", True, expression)
        if unit == "week":
            return EventDate(published - timedelta(days=7 * count), "day", True, expression)
        if unit == "month":
            return EventDate(_shift_months(published, -count), "month", True, expression)
        return EventDate(date(published.year - count, 1, 1), "year", True, expression)
    match = _UNIT.search(expression)
    if match is None:
        return None
    which, unit = " ".join(match.group("which").lower().split()), match.group("unit").lower()
    step = -1 if which in {"last", "past"} else 1 if which in {"next", "coming"} else 0
    if unit in ("week", "weekend"):
        monday = _monday(published) + timedelta(days=7 * step)
        if unit == "weekend" and step == 0 and not forward and published.weekday() < 5:
            monday -= timedelta(days=7)  # "protesters gathered this weekend", written on a Tuesday
        return EventDate(monday, "week", True, expression)
    if unit == "month":
        return EventDate(_shift_months(published, step), "month", True, expression)
    if unit == "year" or unit in _SEASONS:
        return EventDate(date(published.year + step, 1, 1), "year", True, expression)
    return None


def _nearest_year(day: date, published: date, past: bool = False, forward: bool = False) -> date:
    """A day and month without a year: the year that puts it nearest the publication day, not after it when the
    sentence tells what happened ("notched 100 million users in March", written in November), not before it when
    it looks ahead."""
    options = [day.replace(year=published.year + k) for k in (-1, 0, 1) if not (day.month == 2 and day.day == 29)]
    if past:
        options = [d for d in options if d <= published] or options
    elif forward:
        options = [d for d in options if d >= published.replace(day=1)] or options
    return min(options, key=lambda d: abs((d - published).days)) if options else day


def resolve(expression: str, published: date, forward: bool = False, past: bool = False) -> EventDate | None:
    """The day an expression means, written in an article published on `published`; None for a duration or
    anything else that names no day ("three years", "within ten days")."""
    text = " ".join(re.sub(r"\b(?:mid|early|late)-?(?=[a-z])", "", expression, flags=re.I).split())
    year = _YEAR.match(text)
    if year:
        return EventDate(date(int(year.group(1)), 1, 1), "year", True, expression)
    day = _weekday(text, published, forward)
    if day is not None:
        return EventDate(day, "day", True, expression)
    lower = text.lower()
    if re.search(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", lower):
        return EventDate(published, "day", True, expression)
    if re.search(r"\b(?:yesterday|last night)\b", lower):
        return EventDate(published - timedelta(days=1), "day", True, expression)
    if "tomorrow" in lower:
        return EventDate(published + timedelta(days=1), "day", True, expression)
    unit = _unit(text, published, forward)
    if unit is not None:
        return unit
    quarter = re.search(r"\b(?:first|second|third|fourth|last)\s+quarter\b|\bq[1-4]\b", lower)
    if quarter:
        return EventDate(date(published.year, 1, 1), "year", True, expression)
    if re.search(r"\b(?:years?|months?|weeks?|days?|hours?)\b", text, re.I):
        return None  # a duration: "three years", "within ten days"
    cleaned = " ".join(_PARTS_OF_DAY.sub(" ", _NOISE.sub(" ", text)).split())
    if not re.search(r"\d", cleaned) and not _MONTHS.search(cleaned):
        return None  # "one afternoon", "the other day": nothing dateparser should guess a day from
    base = datetime.combine(published, datetime.min.time())
    found = dateparser.parse(
        cleaned or text,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if forward else "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if found is None:
        stated_year = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
        return EventDate(date(int(stated_year.group(1)), 1, 1), "year", True, expression) if stated_year else None
    day = found.date()
    has_year = re.search(r"\b\d{4}\b", cleaned)
    if re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", cleaned):
        return EventDate(day if has_year else _nearest_year(day, published, past, forward), "day", True, expression)
    month = day.replace(day=1)
    return EventDate(month if has_year else _nearest_year(month, published, past, forward), "month", True, expression)


def forward_looking(sentence: str) -> bool:
    """Whether the sentence speaks of what is to come, so that its weekday lies ahead."""
    return bool(_FUTURE.search(sentence))
