"""Scores one answered question against its gold data."""

from __future__ import annotations

import numpy as np

from assistant.core.answer import Answer
from assistant.core.checks.citations import parse_claims
from assistant.core.checks.echo import echoes
from assistant.core.checks.quotation_marks import misquoted
from assistant.core.retrieval import RetrievedPassage
from assistant.core.support import SupportJudge
from evals.datasets import Item
from evals.metrics import answer_presence, exact_match, token_f1, yes_no_first


def _contains(text: str, supports: list[str]) -> bool:
    low = text.lower()
    return any(s.lower() in low for s in supports)


def gold_ranking(item: Item, ranked: list[RetrievedPassage], article_ids: set[str]) -> tuple[list[str], set[str]]:
    """The ranking and relevant set at the level the gold is given in: articles, passages or support text."""
    if item.gold_doc_ids:
        gold = set(item.gold_doc_ids)
        if gold & article_ids:
            return list(dict.fromkeys(p.article_id for p in ranked)), gold
        return [p.id for p in ranked], gold
    return [p.id for p in ranked], {p.id for p in ranked if _contains(p.text, item.gold_support)}


def citation_scores(answer: Answer, item: Item, judge: SupportJudge, threshold: float) -> dict[str, float]:
    scores: dict[str, float] = {}
    if answer.markers_total:
        scores["marker_validity"] = answer.markers_valid / answer.markers_total
    if answer.refused or not answer.citations:
        return scores
    quotes = {c.marker: c.quote for c in answer.citations}
    claims = [c for c in parse_claims(answer.answer) if c.markers]
    supported, precise, total_cites = 0, 0, 0
    for claim in claims:
        cited = [quotes[m] for m in claim.markers if m in quotes]
        together = judge.scores([claim.text], [" ".join(cited)], given=answer.standalone_question)[0, 0]
        supported += together >= threshold
        alone = judge.scores([claim.text], cited, given=answer.standalone_question)[0] if cited else np.zeros(0)
        for i in range(len(cited)):
            total_cites += 1
            rest = " ".join(q for j, q in enumerate(cited) if j != i)
            needed = together >= threshold and (
                not rest or judge.scores([claim.text], [rest], given=answer.standalone_question)[0, 0] < threshold
            )
            precise += bool(alone[i] >= threshold or needed)
    if claims:
        scores["judge_citation_recall"] = supported / len(claims)
    if total_cites:
        scores["judge_citation_precision"] = precise / total_cites
    if item.has_gold:
        gold_ids = set(item.gold_doc_ids)
        good = [
            c
            for c in answer.citations
            if c.article_id in gold_ids or c.passage_id in gold_ids or _contains(c.quote, item.gold_support)
        ]
        scores["gold_citation_precision"] = len(good) / len(answer.citations)
        if item.gold_support:
            cited_text = " ".join(c.quote for c in answer.citations).lower()
            scores["gold_support_recall"] = sum(s.lower() in cited_text for s in item.gold_support) / len(item.gold_support)
    return scores


NAMES_WHO_SAID = {"verbatim", "paraphrase", "someone_else"}


def quote_errors(verdict: str, said_by: list[str], item: Item) -> tuple[bool, bool]:
    """(words put in a wrong mouth, a changed quote called verbatim). A verdict that names who said the words is
    wrong-mouthed when none of those it names really said them (for "not found", no one did)."""
    wrong_mouth = verdict in NAMES_WHO_SAID and not set(said_by) & set(item.said_by)
    return wrong_mouth, verdict == "verbatim" and item.verdict == "changed"


def quote_scores(item: Item, answer: Answer) -> dict[str, float]:
    """Accuracy of a quote check's verdict (overall and per expected verdict), and the two errors that must never
    happen."""
    check = answer.quote_check
    verdict = check.verdict.value if check else "none"
    right = float(verdict == item.verdict)
    wrong_mouth, false_verbatim = quote_errors(verdict, check.said_by if check else [], item)
    return {
        "quote_verdict": right,
        f"quote_verdict_{item.verdict}": right,
        "quote_wrong_mouth": float(wrong_mouth),
        "quote_false_verbatim": float(false_verbatim),
    }


def score(
    item: Item, answer: Answer, retrieval: dict[str, float] | None, judge: SupportJudge, threshold: float
) -> dict[str, float]:
    scores: dict[str, float] = dict(retrieval or {})
    if item.verdict:
        scores.update(quote_scores(item, answer))
    answerable = item.answerable if item.answerable is not None else (True if item.answers or item.has_gold else None)
    if answerable is False:
        scores["correct_refusal"] = float(answer.refused)
    elif answerable:
        scores["false_refusal"] = float(answer.refused)
    if item.answers and answerable is not False:
        scores["exact_match"] = exact_match(answer.answer, item.answers)
        scores["f1"] = token_f1(answer.answer, item.answers)
        scores["answer_presence"] = answer_presence(answer.answer, item.answers)
        first = yes_no_first(answer.answer, item.answers)
        if first is not None:
            scores["yes_no_first"] = first
    if not answer.refused and not answer.error:
        scores["echo_rate"] = float(echoes(answer.answer, item.question))
        scores["misquote_rate"] = float(bool(misquoted(answer.answer, answer.citations)))
    scores.update(citation_scores(answer, item, judge, threshold))
    scores["retrieve_s"] = answer.timings.retrieve_s
    scores["total_s"] = answer.timings.total_s
    for stage in ("first_token_s", "choice_s", "span_s", "check_s"):
        if (seconds := getattr(answer.timings, stage)) is not None:
            scores[stage] = seconds
    if answer.usage.prompt_tokens:
        scores["prompt_tokens"] = float(answer.usage.prompt_tokens)
        scores["completion_tokens"] = float(answer.usage.completion_tokens)
    return scores


def passed(item: Item, scores: dict[str, float], answer: Answer) -> bool:
    """A question passes when it is refused exactly when it should be, and an answer that has gold gets it right."""
    if answer.error:
        return False
    if "quote_verdict" in scores:
        return scores["quote_verdict"] == 1.0
    if "correct_refusal" in scores:
        return scores["correct_refusal"] == 1.0
    if scores.get("false_refusal") == 1.0:
        return False
    if "answer_presence" in scores and scores["answer_presence"] < 1.0:
        return False
    return scores.get("gold_citation_precision", 1.0) > 0.0
