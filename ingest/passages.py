"""Sentence splitting and grouping of sentences into passages that keep their exact offsets."""

from __future__ import annotations

import re
from functools import lru_cache

from .records import Article, Passage, stable_id

_WORD = re.compile(r"\w+|[^\w\s]")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def estimate_tokens(text: str) -> int:
    """Word-piece count estimate: close enough to keep passages under the embedder's 256-token window."""
    return int(len(_WORD.findall(text)) * 1.2) + 1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; paragraphs (lines) never share a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for span in _segmenter().segment(line):
                chunk = line[span.start : span.end]
                start = span.start + len(chunk) - len(chunk.lstrip())
                end = span.start + len(chunk.rstrip())
                if end > start:
                    spans.append((offset + start, offset + end))
        offset += len(line) + 1
    return spans


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
