"""The refusal decision: the sentence choice's record, the model's arithmetic and file, its fit, and the answer
check deciding by it (fakes for the model's probabilities here; the real model in test_answers_model)."""

from __future__ import annotations

import json
import random

import pytest
from test_checks import context, evidence

import assistant.core.checks.answer_check as answer_check
from assistant.core.answer import Signals
from assistant.core.checks.answer_check import AnswerCheck
from assistant.core.checks.check import Draft
from assistant.core.checks.citations import CitationCheck
from assistant.core.refusal_model import FEATURES, MODEL_FILE, RefusalModel, read_refusal_model, refusal_model
from assistant.core.sentence_choice import MAX_OPTIONS, SentenceChoice, labels
from assistant.models.chat_models import LocalChatModel
from evals.refusal_curve import refusal_curve
from evals.refusal_fit import FitError, fit, fitted_model, model_score, separation, signal_rows


def signals(none: float, same: float, score: float = 0.5, cited: bool = True) -> Signals:
    """A choice between none and one sentence."""
    shares = [none, 1 - none]
    return Signals(none_probability=none, choice_shares=shares, same_probability=same, evidence_score=score, chosen_cited=cited)


def test_a_sentence_choice_reads_none_and_the_chosen_number():
    assert SentenceChoice((0.7, 0.2, 0.1)).chosen is None
    choice = SentenceChoice((0.1, 0.2, 0.7))
    assert choice.chosen == 2 and choice.none_probability == 0.1
    assert labels(3) == [["0"], ["1"], ["2"], ["3"]] and len(labels(20)) == MAX_OPTIONS + 1


def test_the_model_reads_log_odds_and_refuses_below_its_threshold():
    same_only = RefusalModel(FEATURES, (0.0, 1.0, 0.0), 0.0, 0.62)
    assert same_only.probability(signals(0.9, 0.8)) == pytest.approx(0.8)
    leaning = RefusalModel(FEATURES, (-1.0, 0.0, 0.0), 0.0, 0.5)
    assert leaning.probability(signals(0.9, 0.5)) == pytest.approx(0.1)
    three = Signals(none_probability=0.5, choice_shares=[0.5, 0.4, 0.1], same_probability=0.5, evidence_score=0.0)
    assert leaning.probability(three) == pytest.approx(0.4 / 0.9), "none against the likeliest sentence, not all"


def test_the_shipped_model_loads_and_a_bad_file_says_what_is_wrong(tmp_path):
    shipped = refusal_model()
    assert shipped == read_refusal_model(MODEL_FILE) and set(shipped.features) <= set(FEATURES)
    assert 0.0 < shipped.threshold < 1.0 and shipped.fitted_by
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"features": ["shoe_size"], "coefficients": [1.0], "intercept": 0, "threshold": 0.5}))
    with pytest.raises(ValueError, match="shoe_size"):
        read_refusal_model(bad)


def row(qid: str, answerable: bool, s: Signals | None, refused: bool = False) -> dict:
    return {
        "id": qid,
        "refused": refused,
        "signals": s.model_dump() if s else None,
        "gold": {"answerable": answerable},
        "scores": {"false_refusal" if answerable else "correct_refusal": float(refused)},
    }


def synthetic(n: int, seed: int) -> list[dict]:
    """Unanswerable questions get a high P(none); the answer check is noise."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        answerable = i % 2 == 0
        none = min(max(rng.gauss(0.3 if answerable else 0.6, 0.15), 0.01), 0.99)
        rows.append(row(f"q{i}", answerable, signals(none, rng.uniform(0.5, 0.8), rng.uniform(0.3, 0.7))))
    return rows


def test_a_fit_finds_the_signal_that_separates_and_its_threshold_keeps_the_budget():
    train, dev = synthetic(200, 1), synthetic(100, 2)
    coefficients, _ = fit(signal_rows(train))
    assert coefficients[FEATURES.index("none_over_best")] < -0.5
    model, chosen = fitted_model(train, dev, max_false_refusal=0.10)
    assert chosen.false_refusal <= 0.10 and chosen.correct_refusal > 0.3
    auc = separation(signal_rows(dev), model)
    assert auc["none_over_best"] < 0.3 and auc["model"] > 0.7
    points = {p.floor: p for p in refusal_curve(dev, score=model_score(model))}
    assert points[model.threshold] == chosen


def test_a_run_with_the_decision_on_cannot_be_fitted_on():
    rows = [row("a", True, signals(0.2, 0.7), refused=True), row("b", False, signals(0.8, 0.6))]
    with pytest.raises(FitError, match="BYLINE_REFUSAL_MODEL=false"):
        signal_rows(rows)
    with pytest.raises(FitError, match="all answerable"):
        fit(signal_rows([row("a", True, signals(0.2, 0.7))]))


def test_the_answer_check_decides_by_the_model_when_the_sentence_choice_ran(monkeypatch):
    shown = evidence("The harbour reopened on Monday after repairs.", "Fishing boats returned on Tuesday.")
    model = LocalChatModel(model_path="unused.gguf")
    monkeypatch.setattr(answer_check, "same_probability", lambda *args: 0.9)
    monkeypatch.setattr(answer_check, "refusal_model", lambda: RefusalModel(FEATURES, (-2.0, 0.0, 0.0), 0.0, 0.5))
    ctx = context("When did the harbour reopen?", shown, "The harbour reopened on Monday [1].", model)
    draft = CitationCheck().run(Draft(ctx.raw), ctx).draft

    def judged(choice: SentenceChoice):
        return AnswerCheck().run(draft, ctx.__class__(**{**ctx.__dict__, "sentence_choice": choice}))

    sure = judged(SentenceChoice((0.1, 0.8, 0.1)))
    assert sure.passed and sure.signals is not None and sure.signals.chosen_cited
    assert sure.signals.answerable == pytest.approx(1 / (1 + 8**-2))
    doubtful = judged(SentenceChoice((0.8, 0.1, 0.1)))
    assert not doubtful.passed and doubtful.probability == 0.9 and doubtful.signals.chosen_sentence is None
    assert judged(SentenceChoice((0.1, 0.1, 0.8))).signals.chosen_cited is False


def test_the_report_shows_the_trade_off_and_the_reliability_of_the_model():
    from evals.refusal_plots import refusal_model_section, reliability, undecided

    model = RefusalModel(FEATURES, (-1.0, 0.0, 0.0), 0.0, 0.5)
    rows = [*synthetic(60, 3), row("decided", False, signals(0.9, 0.6), refused=True), row("early", True, None, True)]
    bins = reliability(rows, model)
    assert sum(n for *_, n in bins) == 61 and all(0 <= p <= 1 and 0 <= y <= 1 for p, y, _ in bins)
    assert [r["refused"] for r in undecided(rows)[-2:]] == [False, True]
    html = refusal_model_section(rows, model)
    assert html.count("<img") == 2 and "refusal model" in html.lower()
    assert refusal_model_section([row("early", True, None, True)], model) == ""


def test_the_shipped_model_is_what_its_recorded_command_fits_from_the_committed_runs():
    from evals.refusal_curve import read_rows

    from conftest import ROOT

    fits = ROOT / "evals" / "fits" / "refusal"
    train, dev = read_rows([fits / "squad-train-train-160.jsonl"]), read_rows([fits / "squad-train-dev-160.jsonl"])
    model, chosen = fitted_model(train, dev, max_false_refusal=0.20)
    shipped = refusal_model()
    assert model.features == shipped.features and model.threshold == shipped.threshold
    assert model.coefficients == pytest.approx(shipped.coefficients) and model.intercept == pytest.approx(shipped.intercept)
    assert "--max-false-refusal 0.2" in shipped.fitted_by and chosen.false_refusal <= 0.20
