"""Timeline questions: "How did the ceasefire talks unfold?", "What happened in the dock strike, in order?",
"Timeline of the port strike", "What has happened since Monday?"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = [
    re.compile(
        r"^how\s+(?:did|has|have|does|do|is|are)\s+(?P<topic>.+?)\s+(?:unfold(?:ed|ing)?|develop(?:ed|ing)?|evolve[d]?|progress(?:ed)?|play(?:ed)?\s+out)\b",
        re.I,
    ),
    re.compile(
        r"^(?:give\s+me\s+|show\s+me\s+|what\s+is\s+|what's\s+)?(?:a\s+|the\s+)?(?:timeline|chronology|sequence\s+of\s+events)\b(?:\s+(?:of|for|on|in))?\s*(?P<topic>.*)$",
        re.I,
    ),
    re.compile(
        r"^what\s+(?:has\s+|had\s+)?happened\s+(?:in|with|during|to|at|on)\s+(?P<topic>.+?),?\s+in\s+(?:chronological\s+)?order$",
        re.I,
    ),
    re.compile(r"^what\s+(?:has\s+)?happened\s+(?:(?:in|with|to)\s+(?P<topic>.+?)\s+)?since\s+(?P<since>.+)$", re.I),
    re.compile(r"^(?P<topic>.+?),?\s+in\s+(?:chronological\s+)?order$", re.I),
]


@dataclass(frozen=True)
class TimelineRequest:
    topic: str
    """What the timeline is of ("the dock strike"), or "" for everything in scope."""
    since: str = ""
    """A date expression events must not precede ("Monday"), resolved against today."""


def timeline_request(question: str) -> TimelineRequest | None:
    text = question.strip().rstrip("?!. ")
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            found = match.groupdict()
            topic = re.sub(r"^(?:the\s+)?(?:events?\s+(?:of|in)\s+)", "", (found.get("topic") or "").strip(" ,"), flags=re.I)
            return TimelineRequest(topic, (found.get("since") or "").strip())
    return None
