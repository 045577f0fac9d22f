"""`byline sweep-quote-floors`: the floors of the quote check, chosen on the dev split of the quote-check set.

Each item's candidates are gathered and each sentence's P(same meaning) read from the local model once; the
verdict is then decided again at every pair of floors. The pair chosen puts no words in a wrong mouth and calls
no changed quote verbatim, and among those is right most often (among equals, the highest floor for naming
someone else, by the model's P(same meaning) and then by the share of the claim's words, then the highest meaning
floor: a verdict the model is unsure of is worse than a "not found").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import product

import numpy as np

from assistant.core.assistant import Assistant
from assistant.core.question import understand
from assistant.core.quotes.candidates import Said
from assistant.core.quotes.claim import QuoteClaim
from assistant.core.quotes.meaning import same_meaning
from assistant.core.quotes.verdict import QuoteFloors, judge
from assistant.core.routes.quote import quote_candidates
from assistant.core.routes.route import RouteContext
from evals.datasets import Item
from evals.metrics import bootstrap_ci
from evals.scoring import quote_errors
from ingest.records import PassageFilter

MEANING_FLOORS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
TOPIC_FLOORS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
CHANGED_FLOORS = (0.6, 0.7, 1.01)
OTHER_FLOORS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75)
OTHER_WORDS_FLOORS = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class FloorScore:
    floors: QuoteFloors
    right: list[float]
    wrong_mouth: int
    false_verbatim: int

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.right)) if self.right else float("nan")

    def __str__(self) -> str:
        low, high = bootstrap_ci(self.right)
        return (
            f"meaning {self.floors.meaning:.2f} topic {self.floors.topic:.2f} other {self.floors.other:.2f} "
            f"changed {self.floors.changed:.2f} other words {self.floors.other_words:.2f}: {self.accuracy:.3f} [{low:.3f}, {high:.3f}] "
            f"(n={len(self.right)}), wrong mouth {self.wrong_mouth}, changed called verbatim {self.false_verbatim}"
        )


@dataclass(frozen=True)
class SweepItem:
    """One quote-check item with what its verdict is decided from, gathered once."""

    item: Item
    claim: QuoteClaim
    asked: tuple[str, ...]
    candidates: list[Said]
    meaning: Callable[[str], float | None]


def contexts(assistant: Assistant, items: list[Item]) -> list[SweepItem]:
    """Per quote-check item: its candidates and a memoized P(same meaning)."""
    index = assistant.store.speaker_index()
    settings = assistant.settings
    out: list[SweepItem] = []
    model = assistant.chat_model
    for item in items:
        q = understand(item.question, item.question, PassageFilter(), index, settings.answering.name_match_cutoff, date.today())
        if q.quote is None or not item.verdict:
            continue
        memo: dict[str, float | None] = {}
        claim = q.quote

        def meaning(text: str, memo=memo, claim=claim) -> float | None:
            if text not in memo:
                memo[text] = same_meaning(model, claim, text)
            return memo[text]

        context = RouteContext(q, assistant.search, assistant.store, index, settings, lambda: model)
        out.append(SweepItem(item, claim, *quote_candidates(context, claim), meaning))
    return out


def score_floors(rows: list[SweepItem], floors: QuoteFloors) -> FloorScore:
    right, wrong_mouth, false_verbatim = [], 0, 0
    for row in rows:
        item, check = row.item, judge(row.claim, row.asked, row.candidates, floors, row.meaning).check
        right.append(float(check.verdict.value == item.verdict))
        wrong, verbatim = quote_errors(check.verdict.value, check.said_by, item)
        wrong_mouth, false_verbatim = wrong_mouth + wrong, false_verbatim + verbatim
    return FloorScore(floors, right, wrong_mouth, false_verbatim)


def sweep(rows: list[SweepItem]) -> list[FloorScore]:
    return [
        score_floors(rows, QuoteFloors(m, t, o, c, w))
        for m, t, o, c, w in product(MEANING_FLOORS, TOPIC_FLOORS, OTHER_FLOORS, CHANGED_FLOORS, OTHER_WORDS_FLOORS)
        if c > t and o >= m
    ]


def choose(scores: list[FloorScore]) -> FloorScore:
    safe = [s for s in scores if s.wrong_mouth == 0 and s.false_verbatim == 0] or scores
    return max(
        safe,
        key=lambda s: (
            round(s.accuracy, 6),
            s.floors.other,
            s.floors.other_words,
            s.floors.meaning,
            s.floors.topic,
            s.floors.changed,
        ),
    )
