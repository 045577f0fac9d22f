"""`byline sweep-yes-no`: the floor for reading Yes or No from the model's probabilities, set from dev results.

Every yes/no question of an evaluation run (local model) records P(Yes) with the evidence and without it, and the
raw answer the model wrote, so one run gives: the Yes/No the model wrote (before), and the verdict at every floor
on the score that `assistant/core/yes_no_choice.py` uses (after), plus the uncorrected P(Yes) for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from assistant.core.checks.yes_no import verdict
from assistant.core.yes_no_choice import YesNoChoice
from evals.metrics import Estimate, bootstrap_ci


@dataclass(frozen=True)
class YesNoRow:
    gold: str
    written: str | None
    parts: tuple[tuple[float, float | None], ...]
    """(P(Yes), P(Yes) with no evidence) of the question, or of each part of a compound question."""

    def score(self, prior_weight: float) -> float:
        """The weakest part's score: a compound question is Yes only when each part is."""
        return min(YesNoChoice(p, prior, 0.0, prior_weight).score for p, prior in self.parts)


def yes_no_rows(rows: list[dict], compound: bool = False) -> list[YesNoRow]:
    """The rows of questions whose gold answer is Yes or No and whose probabilities were recorded: compound
    questions read part by part, or (compound False) the others."""
    out = []
    for row in rows:
        answers = [a.strip().lower() for a in row.get("gold", {}).get("answers") or []]
        parts = row.get("yes_no_parts") or []
        if row.get("error") or row.get("yes_no_probability") is None or answers[:1] not in (["yes"], ["no"]):
            continue
        if compound != bool(parts):
            continue
        read = [(p["probability"], p["prior"]) for p in parts] or [(row["yes_no_probability"], row["yes_no_prior"])]
        out.append(YesNoRow(answers[0].capitalize(), verdict(row.get("raw_answer") or ""), tuple(read)))
    return out


def _accuracy(hits: list[float]) -> Estimate:
    low, high = bootstrap_ci(hits)
    return Estimate(float(np.mean(hits)) if hits else float("nan"), low, high, len(hits))


def written_accuracy(rows: list[YesNoRow]) -> Estimate:
    """How often the Yes or No the model wrote first was right (no verdict written counts as wrong)."""
    return _accuracy([float(r.written == r.gold) for r in rows])


WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def accuracy_at(rows: list[YesNoRow], floor: float, prior_weight: float = 1.0) -> Estimate:
    return _accuracy([float(("Yes" if r.score(prior_weight) >= floor else "No") == r.gold) for r in rows])


def choose_floor(rows: list[YesNoRow], prior_weight: float = 1.0) -> float:
    """The floor with the most right verdicts on these rows (midway between neighbouring scores; the one nearest 0
    among equals)."""
    scores = sorted({r.score(prior_weight) for r in rows})
    candidates = [0.0, *(a + (b - a) / 2 for a, b in pairwise(scores)), scores[0] - 1, scores[-1] + 1] if scores else [0.0]
    right = {f: sum(("Yes" if r.score(prior_weight) >= f else "No") == r.gold for r in rows) for f in candidates}
    best = max(right.values())
    return min((f for f in candidates if right[f] == best), key=abs)


def weights(rows: list[YesNoRow]) -> tuple[float, ...]:
    """The prior weights these rows can be read at: 0 alone when a run did not read the leaning (its weight was 0)."""
    return WEIGHTS if all(prior is not None for r in rows for _, prior in r.parts) else (0.0,)


def choose(rows: list[YesNoRow]) -> tuple[float, float]:
    """(prior weight, floor) with the most right verdicts; among equals the larger weight, the calibrated reading."""
    fitted = [(w, choose_floor(rows, w)) for w in weights(rows)]
    return max(fitted, key=lambda wf: (accuracy_at(rows, wf[1], wf[0]).mean, wf[0]))
