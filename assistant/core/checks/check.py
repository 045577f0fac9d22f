"""What a check is: a judgement of a generated answer with one typed verdict, run in the order of `CHECKS`.

Each check reads the answer as the checks before it left it (a `Draft`) and returns a verdict that carries the
draft it leaves for the next; the final `Answer` is composed from the last draft and the verdicts' own fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.models.choices import ChoiceReader
from ingest.settings import Settings

from ..answer import Citation, SpanAnswer
from ..compound import PartVerdict
from ..evidence import Evidence
from ..question import Question
from ..retrieval import RetrievedPassage
from ..sentence_choice import SentenceChoice
from ..support import SupportJudge
from ..yes_no_choice import YesNoChoice


@dataclass(frozen=True)
class Draft:
    """An answer on its way through the checks."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    refused: bool = False
    refusal: str | None = None
    """What a check that refused says to the user; None leaves the wording to the route or the default."""

    def refuse(self, refusal: str | None = None) -> Draft:
        """The draft withdrawn: its text counts as unsupported, nothing is cited."""
        return Draft("", [], [*self.unsupported, self.text], True, refusal)


@dataclass(frozen=True)
class Verdict:
    check: str
    draft: Draft
    """The answer as this check leaves it."""
    ran: bool = field(default=True, kw_only=True)
    """False when the check could not judge (turned off, or the backend cannot give what it reads)."""

    @property
    def passed(self) -> bool:
        return not self.draft.refused


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the question, the evidence shown to the model and what the model wrote."""

    question: Question
    evidence: list[Evidence]
    passages: list[RetrievedPassage]
    raw: str
    messages: list[BaseMessage]
    settings: Settings
    judge: SupportJudge
    chat_model: BaseChatModel | None = None
    yes_no: YesNoChoice | None = None
    """A yes/no question's verdict read from the model's probabilities, when it was."""
    sentence_choice: SentenceChoice | None = None
    """Which sentence the model read as answering, or none, when it was asked."""
    choices: ChoiceReader | None = None
    """How the chat model's choices are read; None where they cannot be (no check that reads them runs)."""
    span: SpanAnswer | None = None
    """The span the model chose, when the answer is one."""
    yes_no_parts: list[PartVerdict] = field(default_factory=list)
    """A compound question's parts, each with the Yes or No read for it."""


class Check(Protocol):
    name: str
    on_refused: bool
    """Whether it also runs on an answer that an earlier check refused (to rescue part of it)."""

    def run(self, draft: Draft, context: CheckContext) -> Verdict: ...


def run_checks(checks: list[Check], draft: Draft, context: CheckContext) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for check in checks:
        if draft.refused and not check.on_refused:
            continue
        verdict = check.run(draft, context)
        verdicts.append(verdict)
        draft = verdict.draft
    return verdicts
