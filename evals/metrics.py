"""Per-question scores and their aggregation with bootstrap confidence intervals.

Retrieval metrics come from ranx; answer metrics use SQuAD's normalization; citation precision and recall
follow ALCE (Gao et al. 2023) with the chain's own support judge in place of ALCE's NLI model, so they are
named `judge_citation_*` and the report says which judge produced them.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.core.checks.citations import strip_markers

RETRIEVAL = ("hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10")
_RANX = {"hit@5": "hit_rate@5", "recall@5": "recall@5", "recall@10": "recall@10", "mrr@10": "mrr@10", "ndcg@10": "ndcg@10"}
# Metrics where lower is better; everything else is higher-is-better.
LOWER_IS_BETTER = {
    "false_refusal",
    "echo_rate",
    "quote_wrong_mouth",
    "quote_false_verbatim",
    "timeline_repeated",
    "timeline_merged_wrong",
    "timeline_s",
    "retrieve_s",
    "first_token_s",
    "choice_s",
    "span_s",
    "check_s",
    "total_s",
    "prompt_tokens",
    "completion_tokens",
}


@dataclass(frozen=True)
class Estimate:
    """A rate with its 95% bootstrap interval and how many it was measured on."""

    mean: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.mean:.3f} [{self.low:.3f}, {self.high:.3f}] (n={self.n})"


def normalize_answer(text: str) -> str:
    """SQuAD v1.1 normalization: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: list[str]) -> float:
    pred = normalize_answer(strip_markers(prediction))
    return float(any(pred == normalize_answer(a) for a in answers))


def token_f1(prediction: str, answers: list[str]) -> float:
    pred = normalize_answer(strip_markers(prediction)).split()
    best = 0.0
    for answer in answers:
        gold = normalize_answer(answer).split()
        common = Counter(pred) & Counter(gold)
        same = sum(common.values())
        if same:
            precision, recall = same / len(pred), same / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def answer_presence(prediction: str, answers: list[str]) -> float:
    pred = normalize_answer(strip_markers(prediction))
    return float(any(normalize_answer(a) and normalize_answer(a) in pred for a in answers))


def yes_no_first(prediction: str, answers: list[str]) -> float | None:
    """For a question whose gold is Yes or No: does the answer start with that word? None for other questions."""
    gold = {normalize_answer(a) for a in answers}
    if not gold or not gold <= {"yes", "no"}:
        return None
    words = normalize_answer(strip_markers(prediction)).split()
    return float(bool(words) and words[0] in gold)


def retrieval_scores(rankings: dict[str, list[str]], gold: dict[str, set[str]]) -> dict[str, dict[str, float]]:
    """qid -> metric -> score, for the questions that have gold documents. `rankings` are best-first ids."""
    from ranx import Qrels, Run, evaluate

    qids = [q for q in rankings if gold.get(q)]
    if not qids:
        return {}
    qrels = Qrels({q: {d: 1 for d in gold[q]} for q in qids})
    run = Run({q: {d: 1.0 / (rank + 1) for rank, d in enumerate(rankings[q][:10])} or {"__none__": 0.0} for q in qids})
    evaluate(qrels, run, list(_RANX.values()), make_comparable=True)
    return {q: {name: float(run.scores[m][q]) for name, m in _RANX.items()} for q in qids}


def bootstrap_ci(values: list[float], seed: int = 0, resamples: int = 1000) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the mean (scipy)."""
    data = np.asarray([v for v in values if v is not None], dtype=float)
    if len(data) < 2 or np.all(data == data[0]):
        m = float(data.mean()) if len(data) else float("nan")
        return m, m
    from scipy.stats import bootstrap

    res = bootstrap((data,), np.mean, n_resamples=resamples, confidence_level=0.95, method="percentile", random_state=seed)
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def summarize(rows: list[dict], metrics: list[str]) -> dict[str, dict]:
    """metric -> {mean, low, high, n} over the rows that have the metric."""
    out = {}
    for m in metrics:
        values = [r["scores"][m] for r in rows if r.get("scores", {}).get(m) is not None]
        if values:
            low, high = bootstrap_ci(values)
            out[m] = {"mean": float(np.mean(values)), "low": low, "high": high, "n": len(values)}
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    data = [v for v in values if v is not None]
    if not data:
        return {}
    return {"p50": float(np.percentile(data, 50)), "p95": float(np.percentile(data, 95)), "n": len(data)}


def paired_delta(old: list[float], new: list[float], seed: int = 0) -> tuple[float, float, float]:
    """Mean difference new - old over the same questions, with a bootstrap 95% interval."""
    diff = np.asarray(new, dtype=float) - np.asarray(old, dtype=float)
    low, high = bootstrap_ci(list(diff), seed)
    return float(diff.mean()) if len(diff) else 0.0, low, high
