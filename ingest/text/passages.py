"""Sentence splitting and grouping of sentences into passages that keep their exact offsets."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.records import Article, Passage, stable_id

_WORD = re.compile(r"\w+|[^\w\s]")
MAX_SENTENCE_CHARS = 600
"""Longer "sentences" (text without sentence punctuation) are cut into pieces of at most this many characters,
so one pasted run-on text can never fill a passage, an embedding window or the model's context on its own."""
_BREAK = re.compile(r"[;,:]\s|\s")


_INNER_END = re.compile(r"[.!?…]")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    # pysbd builds a regex per abbreviation and text; Python's default cache of 512 compiled patterns thrashes
    # (2,600 on the benchmark corpora), which made compiling 60% of its time.
    re._MAXCACHE = max(re._MAXCACHE, 8192)  # type: ignore[attr-defined]
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _line_spans(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line; a line with no sentence punctuation before its last few characters is one
    sentence, which pysbd would say too, at a fraction of the cost (half the lines of news text)."""
    body = line.strip()
    if not _INNER_END.search(body[:-3]):
        start = len(line) - len(line.lstrip())
        return [(start, start + len(body))]
    spans = []
    for span in _segmenter().segment(line):
        chunk = line[span.start : span.end]
        spans.append((span.start + len(chunk) - len(chunk.lstrip()), span.start + len(chunk.rstrip())))
    return spans


def estimate_tokens(text: str) -> int:
    """Word-piece count estimate: close enough to keep passages under the embedder's 256-token window."""
    return int(len(_WORD.findall(text)) * 1.2) + 1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; paragraphs (lines) never share a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for start, end in _line_spans(line):
                if end > start:
                    spans.extend((offset + a, offset + b) for a, b in _cut(line, start, end))
        offset += len(line) + 1
    return spans


def _cut(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces of an over-long sentence, broken after a clause mark or a space where possible."""
    pieces = []
    while end - start > limit:
        window = text[start : start + limit]
        breaks = [m.end() for m in _BREAK.finditer(window) if m.end() > limit // 2]
        clause = [b for b in breaks if window[b - 2] in ";,:"]
        cut = start + (clause[-1] if clause else breaks[-1] if breaks else limit)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def make_passages(article: Article, max_tokens: int, max_sentences: int) -> list[Passage]:
    """Consecutive sentences, grouped while they fit the token and sentence budget."""
    text = article.text
    groups: list[list[tuple[int, int]]] = []
    budget = 0
    for start, end in split_sentences(text):
        tokens = estimate_tokens(text[start:end])
        current = groups[-1] if groups else None
        if current and len(current) < max_sentences and budget + tokens <= max_tokens:
            current.append((start, end))
            budget += tokens
        else:
            groups.append([(start, end)])
            budget = tokens
    return [
        Passage(
            id=stable_id(article.id, article.content_hash, str(position)),
            article_id=article.id,
            position=position,
            start=group[0][0],
            end=group[-1][1],
            text=text[group[0][0] : group[-1][1]],
            sentences=tuple(group),
        )
        for position, group in enumerate(groups)
    ]
