"""Judgements of a generated answer, in the order they run: each reads the answer the previous one left.

A new judgement is a module here with a class that has `name`, `on_refused` and `run` (see `check.Check`), and
one line in `CHECKS`.
"""

from __future__ import annotations

from .answer_check import AnswerCheck
from .check import Check
from .citations import CitationCheck
from .echo import EchoCheck
from .fidelity import FidelityCheck
from .parts import UnmetPart
from .quotation_marks import QuotationMarksCheck
from .traps import CitedNamesCheck
from .unreported import UnreportedClaim
from .yes_no import YesNoFirst

CHECKS: list[Check] = [
    CitationCheck(),  # each claim supported by the sentence it cites (and said by whoever it says said it)
    FidelityCheck(),  # no claim swaps who does what to whom, a number, a day or a negation of what it cites
    QuotationMarksCheck(),  # nothing in quotation marks that a cited sentence does not say word for word
    EchoCheck(),  # an answer that only restates the question is no answer
    YesNoFirst(),  # a yes/no question's verdict first, or alone with its citations
    CitedNamesCheck(),  # names and numbers the question asks about are cited, not another place or year
    AnswerCheck(),  # the local model: is the answer about exactly what was asked?
    UnmetPart(),  # a compound question answered No names the part the articles do not bear out
    UnreportedClaim(),  # a refused yes/no question about what the articles report is answered No
]
