"""A claim must not change the sentence it cites: swap who does what to whom ("Putin called Trump" citing "Trump
called Putin"), name another doer ("Macron mediates the ceasefire" citing Trump's offer to mediate), flip a
negation or change a number or a day. The support judge passes these (same words, same topic); this check drops the
claim, and the answer keeps the claims that stand.

A claim citing several sentences stands when any one of them has its roles and negation, and the sentences
together have its numbers and days. The answer to a yes/no question may negate what it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ingest.speakers.attribute import english_pipeline

from ..answer import Citation
from ..quotes.matching import DAY_NAMES, words_of
from .check import CheckContext, Draft, Verdict
from .citations import parse_claims
from .roles import negation_flipped, swapped_roles


@dataclass(frozen=True)
class Departure:
    claim: str
    how: list[str]


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


_NAMED_NUMBER = re.compile(r"\b[A-Za-z]+-\d+\b")
"""A number that is part of a name ("GPT-4", "Covid-19") states no quantity."""


def _numbers_and_days(text: str) -> tuple[set[str], set[str]]:
    """Numbers ("1,000", "$1000" and "one thousand" alike as far as the quote check's words go) and day names."""
    words = [w for w, *_ in words_of(_THOUSANDS.sub("", _NAMED_NUMBER.sub(" ", text)))]
    return {w for w in words if w.isdigit()}, {w for w in words if w in DAY_NAMES}


def _without_dates_of(claim: str, given: str) -> str:
    """The claim less the publication dates it repeats as dates ("on October 31, 2023", "2023-10-31", "in 2023"): a
    day of the month elsewhere ("19 million") is still a number."""
    for iso in set(re.findall(r"\d{4}-\d{2}-\d{2}", given)):
        day = date.fromisoformat(iso)
        month, d, y = f"(?:{day:%B}|{day:%b}\\.?)", str(day.day), str(day.year)
        for pattern in (
            rf"{month}\s+{d}(?:st|nd|rd|th)?(?:,?\s+{y})?",
            rf"{d}(?:st|nd|rd|th)?\s+{month}(?:,?\s+{y})?",
            iso,
            rf"\b{y}\b",
        ):
            claim = re.sub(pattern, " ", claim, flags=re.I)
    return claim


def _numbers_changed(claim: str, sentences: list[str], given: str) -> list[str]:
    """Numbers and days of the claim that the sentences give otherwise; the shown articles' publication dates are
    the claim's to repeat, as dates."""
    mine, their = _numbers_and_days(_without_dates_of(claim, given)), _numbers_and_days(" ".join(sentences))
    found = []
    for kind, own, other in (("number", mine[0], their[0]), ("day", mine[1], their[1])):
        extra = own - other
        if extra and other:
            found.append(f"{kind}: {', '.join(sorted(extra))} for {', '.join(sorted(other))}")
    return found


def departures(
    claims: list[str], cited: list[list[str]], negation: bool = True, given: list[str] | None = None
) -> list[Departure | None]:
    """For each claim with the sentences it cites: how it departs from them, or None where it does not. Without
    `negation` a claim may negate what it cites: the answer to a yes/no question ("No, the port did not reopen [1]").
    `given`, per claim, is text whose names, numbers and days it may repeat: the outlets and dates of the articles
    shown ("TechCrunch reported on October 31, 2023 …"). Not the question's: "Did the union ask for 15 percent?" answered
    "Yes, it asked for 15 percent [1]" citing "12 percent" is the error this check is for."""
    nlp = english_pipeline()
    given = given or [""] * len(claims)
    texts = list(dict.fromkeys([*claims, *(s for sentences in cited for s in sentences)]))
    docs = dict(zip(texts, nlp.pipe(texts)))
    found: list[Departure | None] = []
    for claim, sentences, free in zip(claims, cited, given):
        if not sentences:
            found.append(None)
            continue
        exempt = {w.lower() for w in re.findall(r"[A-Za-z]+", free)}
        per_sentence = [
            swapped_roles(docs[claim], docs[s], exempt) + (negation_flipped(docs[claim], docs[s]) if negation else [])
            for s in sentences
        ]
        how = [] if any(not h for h in per_sentence) else list(per_sentence[0])
        how += _numbers_changed(claim, sentences, free)
        found.append(Departure(claim, how) if how else None)
    return found


def without_claims(draft: Draft, dropped: set[int]) -> Draft:
    """The draft less those claims (by position), its markers renumbered 1..m; nothing left is a refusal."""
    claims = parse_claims(draft.text)
    by_marker = {c.marker: c for c in draft.citations}
    renumbered: dict[int, int] = {}
    parts, gone = [], []
    for i, claim in enumerate(claims):
        if i in dropped:
            gone.append(claim.text)
            continue
        marks = [renumbered.setdefault(m, len(renumbered) + 1) for m in claim.markers if m in by_marker]
        body = claim.text.rstrip()
        tail = body[-1] if body and body[-1] in ".!?" else "."
        body = body[:-1] if body and body[-1] in ".!?" else body
        parts.append(f"{body} {''.join(f'[{m}]' for m in marks)}{tail}" if marks else f"{body}{tail}")
    citations: list[Citation] = [
        by_marker[old].model_copy(update={"marker": new}) for old, new in sorted(renumbered.items(), key=lambda kv: kv[1])
    ]
    if not parts:
        return Draft("", [], [*draft.unsupported, *gone], True, draft.refusal)
    return Draft(" ".join(parts), citations, [*draft.unsupported, *gone], False, draft.refusal)


@dataclass(frozen=True)
class FidelityVerdict(Verdict):
    departed: list[Departure] = field(default_factory=list)
    """The claims dropped, each with how it changed what its sentence says."""


class FidelityCheck:
    name = "fidelity"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> FidelityVerdict:
        claims = parse_claims(draft.text)
        by_marker = {c.marker: c for c in draft.citations}
        cited = [[by_marker[m].quote for m in c.markers if m in by_marker] for c in claims]
        shown = {f"{e.passage.outlet or ''} {(e.passage.published_at or '')[:10]}" for e in context.evidence}
        shown |= {f"{c.outlet or ''} {(c.published_at or '')[:10]}" for c in draft.citations}
        given = [" ".join(sorted(shown))] * len(claims)
        found = departures([c.text for c in claims], cited, negation=not context.question.yes_no, given=given)
        dropped = {i for i, d in enumerate(found) if d is not None}
        if not dropped:
            return FidelityVerdict(self.name, draft)
        return FidelityVerdict(self.name, without_claims(draft, dropped), [d for d in found if d is not None])
