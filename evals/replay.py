"""Replays a rule of the answering core over stored eval results, without asking the model again: a stored run
has each answer's question, span and cited sentences.

    python -m evals.replay names RESULTS.jsonl...   # the cited-names check's replaced place or year: what it refuses
    python -m evals.replay lists RESULTS.jsonl...   # span answers written as the list they stand in: EM, presence
    python -m evals.replay no RESULTS.jsonl...      # refused yes/no questions about the articles answered No
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.core.answer import Citation
from assistant.core.checks.traps import replaced_places_and_dates
from assistant.core.checks.unreported import asks_about_reporting
from assistant.core.question import asks_yes_no
from assistant.core.spans.candidates import span_candidates
from assistant.core.spans.kinds import SpanKind
from assistant.core.support import names_and_numbers
from evals.metrics import answer_presence, exact_match
from ingest.settings import Settings


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass(frozen=True)
class Replay:
    answerable: int
    unanswerable: int
    refused_answerable: int
    """Newly refused where the gold answer exists: added false refusals."""
    refused_unanswerable: int
    """Newly refused where there is none: added correct refusals."""


def replay(path: Path, names_max: int, verbose: bool = False) -> Replay:
    rows = _rows(path)
    counts = {True: 0, False: 0}
    for row in rows:
        question = row["standalone_question"]
        if row["refused"] or not row["citations"] or not 0 < len(names_and_numbers(question)) <= names_max:
            continue
        citations = [Citation(**{k: v for k, v in c.items() if k in Citation.model_fields}) for c in row["citations"]]
        found = replaced_places_and_dates(question, citations, [])
        if found:
            counts[bool(row["gold"]["answerable"])] += 1
            if verbose:
                print(f"  {'answerable' if row['gold']['answerable'] else 'unanswerable'}: {question} -> {found}")
    answerable = sum(bool(r["gold"]["answerable"]) for r in rows)
    return Replay(answerable, len(rows) - answerable, counts[True], counts[False])


@dataclass(frozen=True)
class ListReplay:
    spans: int
    listed: int
    exact_before: float
    exact_after: float
    present_before: float
    present_after: float


def replay_lists(path: Path, verbose: bool = False) -> ListReplay:
    rows = _rows(path)
    spans = listed = 0
    before, after = [0.0, 0.0], [0.0, 0.0]
    for row in rows:
        span, gold = row.get("span"), row["gold"].get("answers") or []
        if not span or row["refused"] or not gold or not row["citations"]:
            continue
        spans += 1
        quote, answer = row["citations"][0]["quote"], row["answer"]
        kind = SpanKind(span["kind"])
        match = [c for c in span_candidates([quote], kind, row["standalone_question"]) if c.written == span["text"]]
        written = f"{match[0].listed[:1].upper()}{match[0].listed[1:]} [1]." if match and match[0].listed else answer
        if written != answer:
            listed += 1
            if verbose:
                print(f"  {span['text']!r} -> {written!r} (gold {gold[:2]})")
        for scores, text in ((before, answer), (after, written)):
            scores[0] += exact_match(text, gold)
            scores[1] += answer_presence(text, gold)
    n = max(spans, 1)
    return ListReplay(spans, listed, before[0] / n, after[0] / n, before[1] / n, after[1] / n)


@dataclass(frozen=True)
class NoReplay:
    yes_no: int
    """Questions whose gold answer is Yes or No."""
    refused: int
    answered_no: int
    """Refusals the rule answers No (a yes/no question about the articles, by its words alone)."""
    right: int
    """Of those, the ones whose gold answer is No."""


def replay_no(path: Path) -> NoReplay:
    rows = _rows(path)
    gold = [r for r in rows if [a.strip().lower() for a in r["gold"].get("answers") or []] in (["yes"], ["no"])]
    refused = [r for r in gold if r["refused"]]
    turned = [
        r for r in refused if asks_yes_no(r["standalone_question"]) and asks_about_reporting(r["standalone_question"], False)
    ]
    right = sum(r["gold"]["answers"][0].strip().lower() == "no" for r in turned)
    return NoReplay(len(gold), len(refused), len(turned), right)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in args
    args = [a for a in args if a != "--verbose"]
    if not args or args[0] not in ("names", "lists", "no"):
        print("usage: python -m evals.replay names|lists|no RESULTS.jsonl... [--verbose]", file=sys.stderr)
        return 2
    names_max = Settings().answering.question_names_cited_max
    for name in args[1:]:
        if args[0] == "no":
            nr = replay_no(Path(name))
            print(
                f"{name}: {nr.refused} of {nr.yes_no} yes/no questions refused, {nr.answered_no} answered No by the rule, "
                f"{nr.right} of them rightly (yes_no_first +{nr.right / max(nr.yes_no, 1):.3f})"
            )
            continue
        if args[0] == "lists":
            lr = replay_lists(Path(name), verbose)
            print(
                f"{name}: {lr.listed} of {lr.spans} span answers written as their list; exact match "
                f"{lr.exact_before:.3f} -> {lr.exact_after:.3f}, answer presence {lr.present_before:.3f} -> {lr.present_after:.3f}"
            )
            continue
        r = replay(Path(name), names_max, verbose)
        print(
            f"{name}: would refuse {r.refused_answerable}/{r.answerable} answerable (false refusal "
            f"+{r.refused_answerable / max(r.answerable, 1):.3f}), {r.refused_unanswerable}/{r.unanswerable} "
            f"unanswerable (correct refusal +{r.refused_unanswerable / max(r.unanswerable, 1):.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
