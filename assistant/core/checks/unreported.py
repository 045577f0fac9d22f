"""A yes/no question about what the articles report ("Does the TechCrunch article say …?", "Did the report
mention …?") has an answer even where nothing in them bears the claim out: No. A refusal there ("the articles
don't say") answers a different question, whether the world is so, which such a question does not ask.

For such a question "the articles don't say" and "No" are the same fact, and the No is the answer the reader
asked for; where the articles do say it (the search or the model missed it) both are wrong alike. None of
MultiHop-RAG's 71 unanswerable questions asks Yes or No. A question about the world ("Did Russia use chemical
weapons?") is still refused: the articles' silence says nothing either way."""

from __future__ import annotations

import re

from .check import CheckContext, Draft, Verdict

NOT_REPORTED = "No. Nothing in the articles bears this out."
_REPORTING = re.compile(
    r"\b(?:articles?|reports?|reported|reporting|coverage|stor(?:y|ies)|pieces?|outlets?|sources?|headlines?)\b", re.I
)


def asks_about_reporting(asking: str, outlets_named: bool) -> bool:
    """The question asks what the articles say: it names an outlet, or the articles or reports themselves."""
    return outlets_named or bool(_REPORTING.search(asking))


class UnreportedClaim:
    name = "not reported"
    on_refused = True

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        q = context.question
        if not context.settings.answering.unreported_no or not q.yes_no:
            return Verdict(self.name, draft, ran=False)
        if not draft.refused or not asks_about_reporting(q.asking, bool(q.where.outlets)):
            return Verdict(self.name, draft)
        return Verdict(self.name, Draft(NOT_REPORTED, [], draft.unsupported))
