"""Answers that only restate the question: asked which town a storm hit where the articles name none, a small
model writes "The town was hit [1]" and cites the sentence that shares the question's words, which the citation
check passes because that sentence is on topic.

An answer echoes when every content word it has (stemmed, stop words out, so order and inflection do not matter)
is already in the question, nor any name or number (which the stemmer's stop words and two-letter floor would
drop: "the US", "3"), leaving aside words that only frame a reply ("the articles say", "reportedly"). A
yes/no question's Yes or No is itself the answer, and its reasons may well confirm the question word for word
("Does The Verge report that the harbour reopened?" "The Verge reported that the harbour reopened"), so the
answer to a yes/no question never echoes.
"""

from __future__ import annotations

import re

from ..question import asks_yes_no
from ..support import content_words, names_and_numbers
from .check import CheckContext, Draft, Verdict
from .citations import strip_markers
from .yes_no import verdict

REFUSAL = "The articles don't say: the closest sentences only repeat what the question asks, without answering it."
_FRAMING = content_words(
    "article articles report reports reported reportedly say says said state states stated according source sources "
    "mention mentions mentioned text passage sentence evidence information"
)


def echoes(answer: str, question: str) -> bool:
    """Whether the answer adds no content word to the question's own."""
    text = strip_markers(answer)
    if not text.strip() or verdict(text) is not None or asks_yes_no(question):
        return False
    return adds_nothing(text, question)


def adds_nothing(text: str, question: str) -> bool:
    """Whether every content word, name and number of the text is the question's (framing words aside)."""
    asked, asked_words = content_words(question), set(re.findall(r"[\w'’-]+", question.lower()))

    def new_name(name: str) -> bool:
        stems = content_words(name)
        return name not in asked_words and not (stems and stems <= asked)

    words = content_words(text)
    added = (words - asked - _FRAMING) | {n for n in names_and_numbers(text) if new_name(n)}
    return not added and bool(words)


class EchoCheck:
    """Refuses an answer that only restates the question."""

    name = "echo"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        if context.settings.answering.echo_check and echoes(draft.text, context.question.standalone):
            return Verdict(self.name, draft.refuse(REFUSAL))
        return Verdict(self.name, draft)
