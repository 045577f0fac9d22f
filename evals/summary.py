"""Aggregates result rows into the summary that `--json`, the report, `--compare` and `--min` use."""

from __future__ import annotations

from collections import defaultdict

from evals.datasets import DatasetError
from evals.metrics import LOWER_IS_BETTER, RETRIEVAL, paired_delta, percentiles, summarize

QUALITY = (
    *RETRIEVAL,
    "exact_match",
    "f1",
    "answer_presence",
    "yes_no_first",
    "marker_validity",
    "judge_citation_precision",
    "judge_citation_recall",
    "gold_citation_precision",
    "gold_support_recall",
    "correct_refusal",
    "false_refusal",
    "echo_rate",
    "misquote_rate",
    "quote_verdict",
    *(f"quote_verdict_{v}" for v in ("verbatim", "paraphrase", "someone_else", "changed", "not_found")),
    "quote_wrong_mouth",
    "quote_false_verbatim",
)
COST = ("retrieve_s", "first_token_s", "choice_s", "span_s", "check_s", "total_s", "prompt_tokens", "completion_tokens")

NOTES = {
    "judge_citation_precision": "ALCE-style, judged by the chain's own support check (embedding similarity + content-word "
    "recall + names/numbers rule), not ALCE's NLI model: no NLI model is available offline. The chain already drops "
    "claims this judge rejects, so these figures describe what survives verification, not the raw model output.",
    "marker_validity": "share of the raw model output's [n] markers that point at evidence the model was shown",
    "gold_citation_precision": "share of citations whose passage is a gold document or contains the gold support text",
    "echo_rate": "share of answers (not refusals) that only restate the question: no content word, stemmed, that the "
    "question lacks (the answering core's echo check, `assistant/core/checks/echo.py`)",
    "quote_verdict": "a quote check's verdict is the expected one (quote_verdict_X: among items whose expected verdict is X)",
    "misquote_rate": "share of answers (not refusals) showing in quotation marks words that no sentence their claim "
    "cites has word for word (the answering core removes such marks: `assistant/core/checks/quotation_marks.py`)",
    "quote_wrong_mouth": "quote checks whose verdict says someone said words they did not (gold: someone else or not found), "
    "or names the wrong person",
    "quote_false_verbatim": "quote checks that call a changed or stitched quote verbatim",
    "answer_presence": "a gold answer appears (normalized) inside the answer",
    "yes_no_first": "for questions whose gold answer is Yes or No: the answer's first word is that word",
}


def build_summary(rows: list[dict]) -> dict:
    ok = [r for r in rows if "scores" in r]
    by_type: dict[str, list[dict]] = defaultdict(list)
    for r in ok:
        by_type[r.get("type") or "all"].append(r)
    return {
        "questions": len(rows),
        "passed": sum(bool(r.get("pass")) for r in rows),
        "errors": sum(bool(r.get("error")) for r in rows),
        "metrics": summarize(ok, list(QUALITY)),
        "by_type": {
            t: summarize(rs, list(QUALITY)) | {"questions": {"mean": len(rs), "n": len(rs)}} for t, rs in sorted(by_type.items())
        },
        "latency": {m: percentiles([r["scores"].get(m) for r in ok]) for m in COST if any(m in r["scores"] for r in ok)},
        "model": next((r.get("model") for r in ok if r.get("model")), ""),
        "notes": NOTES,
    }


def parse_floors(values: list[str]) -> dict[str, float]:
    floors = {}
    for value in values or []:
        name, sep, bound = value.partition("=")
        try:
            floors[name.strip()] = float(bound)
        except ValueError:
            raise DatasetError(f"--min {value}: use METRIC=NUMBER, e.g. --min answer_presence=0.8") from None
        if not sep:
            raise DatasetError(f"--min {value}: use METRIC=NUMBER")
    return floors


def metric_value(summary: dict, name: str) -> float | None:
    """A metric's mean, or a latency percentile named like `total_s.p50`."""
    if "." in name:
        metric, stat = name.split(".", 1)
        return summary["latency"].get(metric, {}).get(stat)
    entry = summary["metrics"].get(name)
    return entry["mean"] if entry else None


def check_floors(summary: dict, floors: dict[str, float]) -> list[str]:
    """Failed gates as messages; lower-is-better metrics are ceilings instead of floors."""
    failures = []
    for name, bound in floors.items():
        value = metric_value(summary, name)
        base = name.split(".", 1)[0]
        if value is None:
            failures.append(f"{name}: not measured in this run")
        elif base in LOWER_IS_BETTER and value > bound:
            failures.append(f"{name} = {value:.3f} is above the ceiling {bound}")
        elif base not in LOWER_IS_BETTER and value < bound:
            failures.append(f"{name} = {value:.3f} is below the floor {bound}")
    return failures


def compare(old_rows: list[dict], new_rows: list[dict]) -> dict:
    """Per-metric paired deltas over the questions both runs have, and the questions whose pass/fail flipped."""
    old = {r["id"]: r for r in old_rows if "scores" in r}
    new = {r["id"]: r for r in new_rows if "scores" in r}
    shared = sorted(old.keys() & new.keys())
    deltas = {}
    for m in (*QUALITY, *COST):
        pairs = [(old[q]["scores"][m], new[q]["scores"][m]) for q in shared if m in old[q]["scores"] and m in new[q]["scores"]]
        if pairs:
            mean, low, high = paired_delta([a for a, _ in pairs], [b for _, b in pairs])
            deltas[m] = {"delta": mean, "low": low, "high": high, "n": len(pairs), "significant": not (low <= 0.0 <= high)}
    flips = [
        {"id": q, "question": new[q]["question"], "was": bool(old[q].get("pass")), "now": bool(new[q].get("pass"))}
        for q in shared
        if bool(old[q].get("pass")) != bool(new[q].get("pass"))
    ]
    return {"shared_questions": len(shared), "deltas": deltas, "flipped": flips}
