"""Text clean-up that makes pasted and extracted articles look like one consistent text.

Offsets of passages and citations refer to the text this module returns, so it runs exactly once per article.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Zero-width characters, soft hyphens and bidirectional controls: removed, not spaced, so that "Ma\u200bcron" is
"Macron" and a right-to-left override cannot reorder a title."""


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


_SENTENCE_END = re.compile(r"""[.!?:;…"'”’»)\]]$""")
_LIST_OR_HEADING = re.compile(r"^(#{1,6}\s|[-*+•]\s|\d+[.)]\s)")


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub("", strip_invisible(line))).strip()


def _continues(previous: str, line: str) -> bool:
    """A line continues the previous one when that one stopped mid-sentence (as pasted text often does)."""
    if not previous or _SENTENCE_END.search(previous) or _LIST_OR_HEADING.match(line):
        return False
    return not _LIST_OR_HEADING.match(previous)


def normalize_text(raw: str) -> str:
    """NFC, one space between words, sentence-breaking line wraps joined, paragraphs kept one per line."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = clean_line(raw_line)
        if not line:
            if lines and lines[-1]:
                lines.append("")
            continue
        if lines and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(line for line in lines if line)


def looks_like_headline(line: str) -> bool:
    line = line.strip().lstrip("#").strip()
    return 0 < len(line) <= 200 and len(line.split()) <= 30
