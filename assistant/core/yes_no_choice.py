"""Yes or No read from the local model's next-token probabilities, corrected for its leaning on the question alone.

Written freely, the 1.5B model's Yes/No on MultiHop-RAG is a coin toss (0.51 on dev): it leans to one answer
whatever the evidence says. Its probabilities still move with the evidence. So Byline asks twice, reading only the
first token: P(Yes) after the evidence, and P(Yes) after the same question with no evidence (the model's prior for
this question, as in contextual calibration, Zhao et al. 2021). The score is the log-odds with the evidence less a
weight times those without (1: how far the evidence moved them), and Yes is chosen when it passes a floor; the
weight and the floor are fitted on dev data (`byline sweep-yes-no`). Both prompts share the
answer prompt's cached prefix; the one with the evidence is asked last, so generation reuses it
(`generation.choose_yes_no`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_EDGE = 1e-6


def log_odds(p: float) -> float:
    p = min(max(p, _EDGE), 1 - _EDGE)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class YesNoChoice:
    probability: float
    """P(Yes) against P(No) as the first word after the evidence and the question."""
    prior: float | None
    """The same without evidence: what the model would say to the question alone (None: not read, its weight is 0)."""
    floor: float
    prior_weight: float = 1.0
    """How much of the leaning to take away: 1 is contextual calibration, 0 reads P(Yes) as it is."""

    @property
    def score(self) -> float:
        """How far the evidence moved the model's log-odds of Yes (less the weighted leaning)."""
        leaning = 0.0 if self.prior is None else self.prior_weight * log_odds(self.prior)
        return log_odds(self.probability) - leaning

    @property
    def verdict(self) -> str:
        return "Yes" if self.score >= self.floor else "No"
