"""Checks the model's [n] markers after generation and turns them into citations of exact sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.core.answer import Citation, ClaimCheck, ClaimVerdict
from assistant.core.attribution import cites_speaker
from assistant.core.evidence import Evidence
from assistant.core.support import SupportJudge, content_words
from ingest.text.passages import split_sentences

from .check import CheckContext, Draft, Verdict

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
"""An inline citation marker, [2] or [1, 3]: the one definition every part of Byline uses."""
_SPACED_MARKER = re.compile(r"\s*" + MARKER.pattern)
REFUSAL = re.compile(
    r"NOT[ _]FOUND|\b(?:do(?:es)?n[o']?t|do(?:es)? not) (?:say|mention|provide|contain|specify|state)|"
    r"\bno (?:information|mention)\b|\bnot (?:mentioned|provided|specified|stated)\b|\bcannot be (?:answered|determined)\b",
    re.IGNORECASE,
)


def marker_numbers(group: str) -> list[int]:
    """The numbers inside one marker's brackets."""
    return [int(n) for n in re.split(r"\s*[,;]\s*", group.strip())]


def strip_markers(text: str) -> str:
    return _SPACED_MARKER.sub("", text)


@dataclass
class Claim:
    text: str
    markers: list[int] = field(default_factory=list)


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    unsupported: list[str]
    refused: bool
    markers_total: int = 0
    markers_valid: int = 0
    claims: list[ClaimCheck] = field(default_factory=list)
    """Each claim's verdict, markers not yet numbered (the answer's final markers are set when it is composed)."""


def parse_claims(answer: str) -> list[Claim]:
    """Answer sentences with the marker numbers they carry; the text keeps no markers."""
    claims: list[Claim] = []
    for start, end in split_sentences(answer.strip()):
        sentence = answer.strip()[start:end]
        numbers = [n for group in MARKER.findall(sentence) for n in marker_numbers(group)]
        text = strip_markers(sentence).strip()
        if re.fullmatch(r"[\W_]*", text):
            if claims:
                claims[-1].markers.extend(numbers)
            continue
        claims.append(Claim(text, list(dict.fromkeys(numbers))))
    return claims


def is_refusal(answer: str) -> bool:
    return not answer.strip() or bool(REFUSAL.search(answer[:200]))


def verify_citations(raw: str, evidence: list[Evidence], judge: SupportJudge, threshold: float, question: str = "") -> Verified:
    """Drop markers that point at nothing, re-point or drop unsupported ones, remove claims nothing supports.
    A claim that puts words in someone's mouth is supported only by a sentence that person speaks in (or, for an
    outlet, a sentence of its own article: "The Verge reported …")."""
    claims = parse_claims(raw)
    total = sum(len(c.markers) for c in claims)
    valid = total - sum(1 for c in claims for n in c.markers if not 1 <= n <= len(evidence))
    if not evidence or is_refusal(raw) or not claims:
        return Verified("", [], [], True, total, valid)
    texts = [" ".join((e.text, *e.speakers, e.passage.outlet or "")) for e in evidence]
    scores = judge.scores([c.text for c in claims], texts, np.stack([e.vector for e in evidence]), question)
    for i, claim in enumerate(claims):
        for j, e in enumerate(evidence):
            if not cites_speaker(claim.text, (*e.speakers, *([e.passage.outlet] if e.passage.outlet else []))):
                scores[i, j] = 0.0
    kept: list[tuple[str, list[int]]] = []
    unsupported: list[str] = []
    checked: list[ClaimCheck] = []
    for claim, row in zip(claims, scores):
        cited = [n for n in claim.markers if 1 <= n <= len(evidence) and row[n - 1] >= threshold]
        verdict = ClaimVerdict.VERIFIED if cited else ClaimVerdict.DROPPED
        if not cited:
            best = int(np.argmax(row))
            if row[best] >= threshold:
                cited, verdict = [best + 1], ClaimVerdict.REPOINTED
        checked.append(ClaimCheck(text=claim.text, verdict=verdict, by="citations"))
        if cited:
            kept.append((claim.text, cited))
        elif _is_substantive(claim.text):
            unsupported.append(claim.text)
    if not kept:
        return Verified("", [], unsupported, True, total, valid, checked)
    answer, citations = number_citations(kept, evidence)
    return Verified(answer, citations, unsupported, False, total, valid, checked)


def _is_substantive(text: str) -> bool:
    return len(content_words(text)) >= 2


_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
"""A claim ending in "a.m." or "U.S.": its dot belongs to the word, so the word keeps it and the marker and the
sentence's own dot follow."""


def number_citations(
    kept: list[tuple[str, list[int]]], evidence: list[Evidence], separator: str = " "
) -> tuple[str, list[Citation]]:
    """Claims with the evidence numbers they cite, as the answer text (claims joined by `separator`: a line each
    for a list) and its citations: markers become 1..m in order of first appearance; each citation quotes one
    sentence."""
    new_number: dict[int, int] = {}
    parts = []
    for text, cited in kept:
        for n in cited:
            new_number.setdefault(n, len(new_number) + 1)
        marks = "".join(f"[{new_number[n]}]" for n in cited)
        body = text.rstrip()
        tail = body[-1] if body and body[-1] in ".!?" else ""
        if _ABBREVIATION_END.search(body):
            parts.append(f"{body} {marks}." if marks else body)
            continue
        body = body[:-1] if tail else body
        parts.append(f"{body} {marks}{tail or '.'}" if marks else f"{body}{tail or '.'}")
    citations = []
    for old, new in sorted(new_number.items(), key=lambda kv: kv[1]):
        e = evidence[old - 1]
        fields = {**Citation.fields_of(e.passage), "start": e.start, "end": e.end}
        citations.append(Citation(**fields, marker=new, quote=e.text))
    return separator.join(parts), citations


@dataclass(frozen=True)
class CitationVerdict(Verdict):
    markers_total: int = 0
    """[n] markers in the model's raw answer."""
    markers_valid: int = 0
    """Of those, the ones that point at evidence that was shown."""
    claims: tuple[ClaimCheck, ...] = ()


class CitationCheck:
    """Every claim must be supported by the sentence it cites: markers re-pointed or dropped, unsupported claims
    removed, nothing left a refusal."""

    name = "citations"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> CitationVerdict:
        threshold = context.settings.answering.support_threshold
        verified = verify_citations(draft.text, context.evidence, context.judge, threshold, context.question.standalone)
        checked = Draft(verified.answer, verified.citations, verified.unsupported, verified.refused)
        return CitationVerdict(self.name, checked, verified.markers_total, verified.markers_valid, tuple(verified.claims))
