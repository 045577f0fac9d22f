"""Publication dates: the one place that parses them, for readers, the store's range filters and CLI flags."""

from __future__ import annotations

from datetime import datetime

UNKNOWN_TS = -1.0
"""Timestamp of an undated article: sorts first and matches no date range."""


def _parse(value: object) -> datetime:
    return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))


def iso_date(value: object) -> str | None:
    """A stored article's date in ISO form, or None when it is missing or unreadable (dates are optional)."""
    if not value:
        return None
    try:
        return _parse(value).isoformat()
    except ValueError:
        return None


def timestamp(value: str | None) -> float:
    """Dates become numbers because Chroma's range filters only compare numbers."""
    if not value:
        return UNKNOWN_TS
    try:
        return _parse(value).timestamp()
    except ValueError:
        return UNKNOWN_TS


def user_date(value: str) -> str:
    """A date typed by a user (--after/--before, the UI); the message shows the expected form."""
    try:
        return _parse(value).isoformat()
    except ValueError:
        raise ValueError(f"'{value}' is not a date; use YYYY-MM-DD") from None
