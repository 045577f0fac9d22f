"""The refusal model in the HTML report: its refusal trade-off and its reliability (calibration) curve.

An answer that records signals reached the last check, so only the decision could have refused it: the plots
read such rows as undecided and apply each threshold themselves, which works for runs with the decision on or off.
"""

from __future__ import annotations

from assistant.core.answer import Signals
from assistant.core.refusal_model import RefusalModel, refusal_model
from evals.plots import plot_png
from evals.refusal_curve import FLOORS, draw_trade_off, refusal_curve
from evals.refusal_fit import model_score

BINS = 5


def undecided(rows: list[dict]) -> list[dict]:
    return [{**r, "refused": False} if r.get("signals") else r for r in rows]


def reliability(rows: list[dict], model: RefusalModel, bins: int = BINS) -> list[tuple[float, float, int]]:
    """(mean predicted P(answerable), share answerable, answers) per bin of equal width; empty bins left out."""
    pairs = [
        (model.probability(Signals(**r["signals"])), bool(r["gold"]["answerable"]))
        for r in rows
        if r.get("signals") and r.get("gold", {}).get("answerable") is not None
    ]
    out = []
    for b in range(bins):
        inside = [(p, y) for p, y in pairs if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1.0)]
        if inside:
            out.append((sum(p for p, _ in inside) / len(inside), sum(y for _, y in inside) / len(inside), len(inside)))
    return out


def refusal_model_section(rows: list[dict], model: RefusalModel | None = None) -> str:
    model = model or refusal_model()
    points = reliability(rows, model)
    if not points:
        return ""
    curve = refusal_curve(undecided(rows), FLOORS, model_score(model))

    def trade_off(ax):
        label = f"threshold {model.threshold:.2f}"
        draw_trade_off(ax, curve, model.threshold, label, "Refusal model: refusals as its threshold rises")

    def calibration(ax):
        ax.plot([0, 1], [0, 1], ls="--", color="#999", label="perfectly calibrated")
        ax.plot([p for p, _, _ in points], [y for _, y, _ in points], marker="o", color="#4a7ebb", label="this run")
        for p, y, n in points:
            ax.annotate(str(n), (p, y), fontsize=7, textcoords="offset points", xytext=(4, -10))
        ax.set_xlabel("predicted P(answerable)")
        ax.set_ylabel("share answerable")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.05)
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"Refusal model reliability ({BINS} bins; answers per bin marked)")

    return (
        "<h2>The refusal model</h2><p class=muted>Answers that reached the decision, with the shipped model "
        f"({model.fitted_by or 'not fitted'}).</p>" + plot_png(trade_off) + plot_png(calibration)
    )
