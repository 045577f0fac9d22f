"""Questions that ask whether reports agree ("Between the TechCrunch report of 6 November and the one of 15 December,
was there inconsistency in the portrayal of Google?"), as opposed to what one of them says.

Two reports on a running story mostly tell different parts of it; that is not a contradiction. Asked whole, the
1.5B model reads "different" as "inconsistent" and answers Yes to "was there inconsistency …?" and No to "did it
remain consistent …?" (on MultiHop-RAG dev its written Yes/No was right on 10 of 20 such questions). The stance Byline takes instead: reports are consistent unless one is shown to contradict the other. It
has no contradiction detector (no NLI model ships on PyPI, and no training data with contradicting reports was at
hand to fit one on the local model's probabilities), so the answer says that it found none and shows what each
report says, for the reader to judge. On MultiHop-RAG dev the stance agrees with the gold answer on 23 of the 24
questions this reads (docs/EVALUATION.md, "Do the reports agree?").

A question about whether both reports support one claim ("Do both articles agree that sportsbooks adjust lines?")
is a claim to check, not this, and neither is a compound question (read part by part) or a question naming one
report only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DISAGREE = re.compile(
    r"\b(?:inconsisten(?:t|cy|cies|tly)|discrepanc(?:y|ies)|disagree(?:s|d|ment)?|contradict(?:s|ed|ion|ions|ory)?)\b",
    re.I,
)
_AGREE = re.compile(r"\b(?:consisten(?:t|cy|tly)|agree(?:s|d|ment)?(?!\s+that\b)|align(?:s|ed|ment)?)\b", re.I)
_EITHER = re.compile(
    r"\b(consistent|in agreement|aligned)\s+or\s+(?:inconsistent|in disagreement|misaligned|not)\b\W*\?\W*$", re.I
)
_AGREE_THAT = re.compile(r"\bagree(?:s|d)?\s+(?:that|on whether)\b", re.I)
_REPORTS = re.compile(r"\b(?:report(?:s|ed|ing)?|articles?|coverage|pieces?|reviews?|stor(?:y|ies))\b", re.I)
_OR = re.compile(r"\bor\b", re.I)
_OR_BEFORE = re.compile(r"\bor\s+(?:\w+\s+)?$", re.I)
_NEGATED = re.compile(r"\b(?:not|n't|never)\b", re.I)
MIN_REPORT_MENTIONS = 2


@dataclass(frozen=True)
class ConsistencyQuestion:
    """A question about whether reports agree, and the reply to it when nothing shows a contradiction."""

    no_contradiction: str
    """"Yes" (asked whether they agree), "No" (asked whether they disagree), or the agreeing word of an either-or
    question ("Consistent")."""


def report_mentions(text: str) -> int:
    """How many reports a question speaks of: "the two reports" is two, as is "the report … and the article"."""
    return sum(2 if m.group(0).lower().endswith(("ts", "es")) else 1 for m in _REPORTS.finditer(text))


def consistency_question(asking: str, yes_no: bool, parts: tuple[str, ...]) -> ConsistencyQuestion | None:
    """The question as one about reports agreeing, or None: it must name reports at least twice, ask about their
    agreement as a whole (yes/no or "consistent or inconsistent?"), and not be compound, negated or a claim."""
    if parts or report_mentions(asking) < MIN_REPORT_MENTIONS or _AGREE_THAT.search(asking):
        return None
    if either := _EITHER.search(asking):
        return ConsistencyQuestion(either.group(1)[:1].upper() + either.group(1)[1:].lower())
    if not yes_no or _NEGATED.search(asking):
        return None
    disagree, agree = _DISAGREE.search(asking), _AGREE.search(asking)
    word = disagree or agree
    if word is None or (disagree and agree):
        return None
    if _OR.search(asking, word.end()) or _OR_BEFORE.search(asking[: word.start()]):
        return None
    return ConsistencyQuestion("No" if disagree else "Yes")
