"""One decision to answer or refuse, from every signal at once: a logistic regression fitted on squad-train
`train` and its threshold on squad-train `dev` (`byline fit-refusal`), in place of a hand-set floor on each signal.

Its coefficients live in `refusal_model.json` beside this file, with the command and data that produced them, so
a refit is a reviewed change of one file.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .answer import Signals
from .yes_no_choice import log_odds

MODEL_FILE = Path(__file__).with_name("refusal_model.json")
_EDGE = 1e-9


def none_over_best(signals: Signals) -> float:
    """log P(none) − log P(the likeliest sentence): unlike P(none) alone, it does not shrink as more sentences are
    shown (on squad-train train ROC AUC 0.66 against 0.58 for P(none))."""
    best = max(signals.choice_shares[1:], default=1.0 - signals.none_probability)
    return math.log(max(signals.none_probability, _EDGE)) - math.log(max(best, _EDGE))


def features(signals: Signals) -> dict[str, float]:
    """The model's inputs, named; probabilities as log-odds, where a logistic model reads them linearly.

    Retrieval relevance is recorded but not used: it separates best on squad-train, but its scale is the corpus's,
    and fitted there it doubled false refusals on MultiHop-RAG dev (0.18 to 0.36); the model's own signals carry
    over (0.16). A span answer's probability is recorded but not used either: with it and a span-answer indicator
    the fit on squad-train train separated dev worse (ROC AUC 0.767 against 0.795; span log-odds alone 0.524)."""
    return {
        "none_over_best": none_over_best(signals),
        "same_log_odds": log_odds(signals.same_probability),
        "chosen_cited": float(signals.chosen_cited),
    }


FEATURES = tuple(features(Signals(none_probability=0.5, same_probability=0.5, evidence_score=0.0)))


@dataclass(frozen=True)
class RefusalModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float
    """Refuse below this probability: the lowest false refusal budget's choice on dev data (see `fitted_by`)."""
    fitted_by: str = ""
    """The command and data that produced the numbers, and what they gave on dev."""

    def probability(self, signals: Signals) -> float:
        """P(the evidence answers the question) as the model reads the signals."""
        values = features(signals)
        z = self.intercept + sum(c * values[name] for name, c in zip(self.features, self.coefficients))
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def read_refusal_model(path: Path) -> RefusalModel:
    data = json.loads(path.read_text())
    model = RefusalModel(
        tuple(data["features"]), tuple(data["coefficients"]), data["intercept"], data["threshold"], data.get("fitted_by", "")
    )
    unknown = set(model.features) - set(FEATURES)
    if unknown or len(model.coefficients) != len(model.features):
        raise ValueError(f"{path}: features {sorted(unknown)} are not among {list(FEATURES)}, or coefficients miscount")
    return model


@cache
def refusal_model() -> RefusalModel:
    return read_refusal_model(MODEL_FILE)
