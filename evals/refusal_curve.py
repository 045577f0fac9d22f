"""`byline sweep-answer-check`: the refusal floor for the local model's own answer check, set from dev results.

Every answered question of an evaluation run records the check's probability (`answer_check`), so one run gives
the whole curve: at floor t, an answer with a check below t would have been refused. The floor is the highest
whose false refusals on answerable questions stay within the budget; the curve goes into the HTML report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evals.plots import plot_png

FLOORS = [round(0.01 * i, 2) for i in range(101)]

Score = Callable[[dict], float | None]
"""What a floor is applied to in one result row; None where the row has nothing to judge (never refused by it)."""


def check_score(row: dict) -> float | None:
    return row.get("answer_check")


@dataclass(frozen=True)
class CurvePoint:
    floor: float
    correct_refusal: float
    false_refusal: float
    unanswerable: int
    answerable: int


def _refused(row: dict, floor: float, score: Score = check_score) -> bool:
    check = score(row)
    return bool(row.get("refused")) or (check is not None and check < floor)


def refusal_curve(rows: list[dict], floors: list[float] = FLOORS, score: Score = check_score) -> list[CurvePoint]:
    """Correct and false refusals had each floor been applied (rows from a run with the floor at 0)."""
    scored = [r for r in rows if "refused" in r and r.get("gold", {}).get("answerable") is not None]
    bad = [r for r in scored if r["gold"]["answerable"] is False]
    good = [r for r in scored if r["gold"]["answerable"] is not False]
    return [
        CurvePoint(
            floor,
            sum(_refused(r, floor, score) for r in bad) / len(bad) if bad else 0.0,
            sum(_refused(r, floor, score) for r in good) / len(good) if good else 0.0,
            len(bad),
            len(good),
        )
        for floor in floors
    ]


def choose_floor(points: list[CurvePoint], max_false_refusal: float) -> CurvePoint:
    """The highest floor whose false refusal stays within the budget (the lowest floor if none does)."""
    within = [p for p in points if p.false_refusal <= max_false_refusal]
    return max(within, key=lambda p: p.floor) if within else min(points, key=lambda p: p.floor)


def at_floor(rows: list[dict], floor: float, score: Score = check_score) -> list[dict]:
    """The rows as a run with this floor would have scored them: an answer whose check falls below it becomes a
    refusal (its answer metrics 0, its citation metrics gone). The answers themselves do not depend on the floor,
    so one run at floor 0 yields every floor's figures exactly."""
    out = []
    for row in rows:
        value = score(row)
        if row.get("refused") or value is None or value >= floor:
            out.append(row)
            continue
        scores = {k: v for k, v in row["scores"].items() if "citation" not in k and k != "gold_support_recall"}
        for name in ("answer_presence", "exact_match", "f1", "yes_no_first"):
            if name in scores:
                scores[name] = 0.0
        if "false_refusal" in scores:
            scores["false_refusal"] = 1.0
        if "correct_refusal" in scores:
            scores["correct_refusal"] = 1.0
        out.append({**row, "refused": True, "citations": [], "scores": scores})
    return out


def read_rows(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text().splitlines() if line.strip()]


def curve_plot(rows: list[dict], floor: float) -> str:
    """Correct refusals against false refusals as the floor rises; empty when the run has no checks."""
    if not any(r.get("answer_check") is not None for r in rows):
        return ""
    points = refusal_curve(rows)

    def draw(ax):
        draw_trade_off(ax, points, floor, f"floor {floor:.2f}", "Answer check: refusals as its floor rises")

    return plot_png(draw)


def draw_trade_off(ax, points: list[CurvePoint], marked: float, label: str, title: str) -> None:
    """Correct against false refusals along the floors, every tenth floor written on the curve, one marked."""
    ax.plot([p.false_refusal for p in points], [p.correct_refusal for p in points], marker=".", color="#4a7ebb")
    for p in points[::10]:
        ax.annotate(f"{p.floor:.2f}", (p.false_refusal, p.correct_refusal), fontsize=7)
    now = min(points, key=lambda p: abs(p.floor - marked))
    ax.plot([now.false_refusal], [now.correct_refusal], "o", color="#c0392b", label=label)
    ax.set_xlabel("false refusal (answerable questions refused)")
    ax.set_ylabel("correct refusal (unanswerable refused)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title)
