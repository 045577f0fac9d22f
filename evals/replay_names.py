"""Replays the replaced-place-or-year test of the cited-names check over stored eval results: which answers it
would have refused, among answerable and unanswerable questions. A stored run has each answer's question and
cited sentences, so a change to that test is measured on them without asking the model again.

    python -m evals.replay_names evals/fits/refusal/squad-train-*.jsonl
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.core.answer import Citation
from assistant.core.checks.traps import replaced_places_and_dates
from assistant.core.support import names_and_numbers
from ingest.settings import Settings


@dataclass(frozen=True)
class Replay:
    answerable: int
    unanswerable: int
    refused_answerable: int
    """Newly refused where the gold answer exists: added false refusals."""
    refused_unanswerable: int
    """Newly refused where there is none: added correct refusals."""


def replay(path: Path, names_max: int, verbose: bool = False) -> Replay:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
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


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in args
    names_max = Settings().answering.question_names_cited_max
    for name in [a for a in args if a != "--verbose"]:
        r = replay(Path(name), names_max, verbose)
        print(
            f"{name}: would refuse {r.refused_answerable}/{r.answerable} answerable (false refusal "
            f"+{r.refused_answerable / max(r.answerable, 1):.3f}), {r.refused_unanswerable}/{r.unanswerable} "
            f"unanswerable (correct refusal +{r.refused_unanswerable / max(r.unanswerable, 1):.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
