"""The spans of the evidence that could answer a question of a given kind: spaCy's entities of the kind's labels,
and, where a name or phrase may answer, its noun chunks. A span that only repeats the question is no candidate
(the echo rule, `checks/echo.py`), so a chosen span always adds something; nor is one that opens with a name the
question asks about ("Trump's claims" for "Who did Trump speak with?"): the model's reply tends to open with the
question's subject, and held to the candidates' tokens it would be led down that span."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.speakers.attribute import english_pipeline

from ..checks.echo import echoes
from ..support import names_and_numbers
from .kinds import SpanKind

_LABELS: dict[SpanKind, set[str]] = {
    SpanKind.WHO: {"PERSON", "ORG", "NORP", "GPE"},
    SpanKind.WHEN: {"DATE", "TIME"},
    SpanKind.WHERE: {"GPE", "LOC", "FAC", "ORG"},
    SpanKind.NUMBER: {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"},
    SpanKind.DURATION: {"DATE", "TIME", "QUANTITY", "CARDINAL"},
    SpanKind.THING: {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"},
}
_NOUN_CHUNKS = {SpanKind.WHO, SpanKind.WHERE, SpanKind.THING}
_FUNCTION_WORDS = {"DET", "PRON"}
"""No candidate is a pronoun; a span's opening "the", "a", "his" is dropped: a reply held to the candidates would otherwise start with the
"The" of the sentence the model means to write and be led into whichever "The …" span is likeliest next (on
squad8, "Where did … sign the treaty?" got "The lack")."""
MAX_CANDIDATES = 48
MAX_WORDS = 8
_EDGES = " ,;:\"'“”‘’()"
_LIST_ITEMS = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


@dataclass(frozen=True)
class SpanCandidate:
    text: str
    """What the model's reply is held to: the span without its opening "the" or "his"."""
    written: str
    """The span as the sentence has it, which the reply writes ("the early 11th century")."""
    sentence: int
    """The evidence sentence it comes from (its number in the prompt, from 1)."""
    listed: str = ""
    """The list the span stands in ("the UK, France, Germany, and Italy" for "UK"), which the reply writes whole;
    empty when it stands alone."""

    @property
    def spellings(self) -> list[str]:
        return spellings(self.text)

    @property
    def items(self) -> int:
        """How many things the reply names: the list's items, or one."""
        return len(_LIST_ITEMS.split(self.listed)) if self.listed else 1


_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {
    **{word: n for n, word in enumerate([*_UNITS, *_TEENS], 1)},
    **{word: n for n, word in zip(range(20, 100, 10), _TENS)},
}
_NUMBER_WORD = re.compile(rf"\b(?:({'|'.join(_TENS)})[- ]({'|'.join(_UNITS)})|({'|'.join(_NUMBER_WORDS)}))\b", re.I)


def _in_digits(match: re.Match[str]) -> str:
    tens, units, word = (g.lower() if g else "" for g in match.groups())
    return str(_NUMBER_WORDS[tens] + _NUMBER_WORDS[units]) if tens else str(_NUMBER_WORDS[word])


def spellings(text: str) -> list[str]:
    """The span as written, then as the model may write it: number words in digits, hyphens as spaces ("two-hour"
    is also "2-hour", "two hour", "2 hour"). Held to the written form alone, a model that means "2 hours" is led by
    its first token "2" into any other span that starts with a 2 ("24 hours")."""
    digits = _NUMBER_WORD.sub(_in_digits, text)
    return list(dict.fromkeys([text, digits, text.replace("-", " "), digits.replace("-", " ")]))


def _chunks(doc, kind: SpanKind):
    spans = [e for e in doc.ents if e.label_ in _LABELS[kind]]
    if kind in _NOUN_CHUNKS:
        spans += [chunk for chunk in doc.noun_chunks if chunk.root.pos_ not in _FUNCTION_WORDS]
    for span in spans:
        start = span.start
        while start < span.end - 1 and doc[start].pos_ in _FUNCTION_WORDS:
            start += 1
        yield doc[start : span.end], span


MAX_LIST_WORDS = 14


def coordination(span) -> str:
    """The list a name or phrase is one item of, as the sentence writes it: the first item's left edge to the last
    item's right edge. Asked "Who did Trump speak with?", the sentence "leaders from the UK, France, Germany, and
    Italy also spoke with Trump" answers with all four, not the one the model's first token points at."""
    head = span.root
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    items, stack = [head], [head]
    while stack:
        for child in stack.pop().children:
            if child.dep_ == "conj":
                items.append(child)
                stack.append(child)
    if len(items) < 2:
        return ""
    last = max(items, key=lambda t: t.i)
    whole = span.doc[head.left_edge.i : last.right_edge.i + 1]
    return whole.text.strip(_EDGES) if len(whole) <= MAX_LIST_WORDS else ""


def opens_with_asked_name(text: str, question: str) -> bool:
    """ "Trump's claims", "Trump-Putin call" for a question about Trump."""
    words = re.split(r"[\s\-–]+", text.strip())
    first = words[0].lower().removesuffix("'s").removesuffix("’s") if words else ""
    return bool(first) and first in names_and_numbers(question)


def span_candidates(sentences: list[str], kind: SpanKind, question: str) -> list[SpanCandidate]:
    """Candidates in the order of the sentences (best evidence first), each text once: the first sentence that
    holds it is the one its answer cites."""
    found: list[SpanCandidate] = []
    seen: set[str] = set()
    for number, doc in enumerate(english_pipeline().pipe(sentences), 1):
        for span, whole in _chunks(doc, kind):
            text = span.text.strip(_EDGES)
            key = text.lower()
            if (
                not text
                or key in seen
                or len(text.split()) > MAX_WORDS
                or echoes(text, question)
                or opens_with_asked_name(text, question)
            ):
                continue
            seen.add(key)
            listed = coordination(span) if kind in _NOUN_CHUNKS else ""
            if listed and names_and_numbers(listed) & names_and_numbers(question):
                listed = ""
            found.append(SpanCandidate(text, whole.text.strip(_EDGES), number, listed))
            if len(found) >= MAX_CANDIDATES:
                return found
    return found
