"""`byline fit-refusal`: the refusal model's coefficients from a training run, its threshold from a dev run.

Both runs are `byline eval --out` with the local model and the decision off (`BYLINE_REFUSAL_MODEL=false
BYLINE_ANSWER_CHECK_FLOOR=0`), so every answer that reached the answer check records its signals unrefused and one
run gives every threshold's figures. The label is the gold one: does the question have an answer in the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from assistant.core.answer import Signals
from assistant.core.refusal_model import FEATURES, RefusalModel, features
from evals.refusal_curve import FLOORS, CurvePoint, Score, choose_floor, refusal_curve


class FitError(ValueError):
    pass


@dataclass(frozen=True)
class SignalRow:
    signals: Signals
    answerable: bool


def signal_rows(rows: list[dict]) -> list[SignalRow]:
    """The answers that reached the decision; an error if a decision already refused some (the run had it on)."""
    found = [r for r in rows if r.get("signals") and r.get("gold", {}).get("answerable") is not None]
    decided = [r["id"] for r in found if r.get("refused")]
    if decided:
        raise FitError(
            f"{len(decided)} answers with signals were refused by the decision itself (first: {decided[0]}); rerun "
            "`byline eval` with BYLINE_REFUSAL_MODEL=false BYLINE_ANSWER_CHECK_FLOOR=0"
        )
    return [SignalRow(Signals(**r["signals"]), bool(r["gold"]["answerable"])) for r in found]


def _matrix(rows: list[SignalRow]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[features(r.signals)[name] for name in FEATURES] for r in rows], dtype=float)
    return x, np.array([r.answerable for r in rows], dtype=int)


def fit(rows: list[SignalRow], c: float = 1.0) -> tuple[tuple[float, ...], float]:
    """Coefficients on the raw features (standardised for the fit, then folded back) and the intercept."""
    x, y = _matrix(rows)
    if len(set(y)) < 2:
        raise FitError(f"the training answers are all {'answerable' if y[0] else 'unanswerable'}: a fit needs both")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c).fit((x - mean) / scale, y)
    coefficients = model.coef_[0] / scale
    return tuple(float(v) for v in coefficients), float(model.intercept_[0] - coefficients @ mean)


def separation(rows: list[SignalRow], model: RefusalModel | None = None) -> dict[str, float]:
    """ROC AUC of each signal (answerable above unanswerable; below 0.5 the signal runs the other way), and of the
    model's probability."""
    x, y = _matrix(rows)
    if len(set(y)) < 2:
        return {}
    out = {name: float(roc_auc_score(y, x[:, j])) for j, name in enumerate(FEATURES)}
    if model is not None:
        out["model"] = float(roc_auc_score(y, [model.probability(r.signals) for r in rows]))
    return out


def model_score(model: RefusalModel) -> Score:
    def score(row: dict) -> float | None:
        return model.probability(Signals(**row["signals"])) if row.get("signals") else None

    return score


def fitted_model(train: list[dict], dev: list[dict], max_false_refusal: float, c: float = 1.0) -> tuple[RefusalModel, CurvePoint]:
    """Fitted on train; the threshold the highest whose false refusal on all of dev (refusals before the
    decision included) stays within the budget."""
    coefficients, intercept = fit(signal_rows(train), c)
    unthresholded = RefusalModel(FEATURES, coefficients, intercept, 0.0)
    signal_rows(dev)  # a dev run with the decision on would make the curve wrong: refuse it the same way
    chosen = choose_floor(refusal_curve(dev, FLOORS, model_score(unthresholded)), max_false_refusal)
    return replace(unthresholded, threshold=chosen.floor), chosen
