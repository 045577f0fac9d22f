"""`byline fit-refusal`: fit the refusal model, print what each signal separates, optionally write the model."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from assistant.core.refusal_model import MODEL_FILE
from evals.refusal_curve import at_floor, read_rows
from evals.refusal_fit import FitError, fitted_model, model_score, separation, signal_rows
from evals.summary import build_summary
from ingest.cli import fail


def cmd_fit_refusal(args: argparse.Namespace) -> int:
    train, dev = read_rows([Path(p) for p in args.train]), read_rows([Path(p) for p in args.dev])
    try:
        model, chosen = fitted_model(train, dev, args.max_false_refusal, args.c)
        train_rows, dev_rows = signal_rows(train), signal_rows(dev)
    except FitError as err:
        return fail(str(err))
    print(f"fitted on {len(train_rows)} answers ({sum(r.answerable for r in train_rows)} answerable); dev {len(dev_rows)}")
    print("ROC AUC (answerable above unanswerable)   train    dev")
    train_auc, dev_auc = separation(train_rows, model), separation(dev_rows, model)
    for name in dev_auc:
        print(f"  {name:38s} {train_auc.get(name, float('nan')):.3f}  {dev_auc[name]:.3f}")
    print("coefficients: " + ", ".join(f"{n} {c:+.3f}" for n, c in zip(model.features, model.coefficients)))
    print(
        f"intercept {model.intercept:+.3f}; threshold {model.threshold:.2f} (the highest with dev false_refusal <= "
        f"{args.max_false_refusal}): correct_refusal {chosen.correct_refusal:.3f}, false_refusal {chosen.false_refusal:.3f}"
    )
    summary = build_summary(at_floor(dev, model.threshold, model_score(model)))
    metrics = summary["metrics"]
    shown = [k for k in ("answer_presence", "gold_citation_precision", "correct_refusal", "false_refusal") if k in metrics]
    print("dev at that threshold: " + ", ".join(f"{k} {metrics[k]['mean']:.3f}" for k in shown))
    if args.write:
        note = (
            f"byline fit-refusal --train {' '.join(args.train)} --dev {' '.join(args.dev)} --max-false-refusal "
            f"{args.max_false_refusal} --c {args.c}: dev ROC AUC {dev_auc.get('model', float('nan')):.3f}, correct_refusal "
            f"{chosen.correct_refusal:.3f}, false_refusal {chosen.false_refusal:.3f}"
        )
        path = Path(args.write)
        path.write_text(replace(model, fitted_by=note).to_json())
        print(f"wrote {path}")
    return 0


def register_refusal(sub) -> None:
    p = sub.add_parser("fit-refusal", help="fit the refusal model on train results, its threshold on dev results")
    p.add_argument("--train", nargs="+", required=True, help="`byline eval --out` results on training data (decision off)")
    p.add_argument("--dev", nargs="+", required=True, help="the same on dev data, for the threshold")
    p.add_argument("--max-false-refusal", type=float, default=0.10, help="false refusal budget on dev (default 0.10)")
    p.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic regression (default 1)")
    p.add_argument("--write", nargs="?", const=str(MODEL_FILE), metavar="FILE", help=f"write the model (default {MODEL_FILE})")
    p.set_defaults(func=cmd_fit_refusal)
