"""Plausible answers to questions the articles do not answer: SQuAD 2.0's unanswerable questions change one name,
date or relation of an answerable one, and a small model answers them from the sentence that has the original."""

from __future__ import annotations

import re

from ..answer import Citation
from ..evidence import Evidence
from ..retrieval import RetrievedPassage
from ..support import names_and_numbers, unmentioned
from .check import CheckContext, Draft, Verdict


class CitedNamesCheck:
    """Refuses an answer whose citations never mention a name or number the question asks about."""

    name = "cited names and numbers"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        refusal = trap_refusal(
            context.question.asking,
            context.evidence,
            context.passages,
            draft.citations,
            context.settings.answering.question_names_cited_max,
        )
        return Verdict(self.name, draft.refuse(refusal) if refusal else draft)


def trap_refusal(
    asking: str, evidence: list[Evidence], passages: list[RetrievedPassage], citations: list[Citation], names_cited_max: int
) -> str | None:
    """The refusal for an answer whose citations never mention a name or number the question (its asking part)
    asks about; None when there is none or the question names more than `names_cited_max` (it then compares
    several articles)."""
    if not 0 < len(names_and_numbers(asking)) <= names_cited_max:
        return None
    missing = _asked_but_not_cited(asking, evidence, passages, citations)
    if not missing:
        return None
    return (
        f"The articles don't say. The sentences that come closest never mention "
        f"{', '.join(dict.fromkeys(missing))}, which the question asks about; they are listed below."
    )


def _asked_but_not_cited(
    question: str, evidence: list[Evidence], passages: list[RetrievedPassage], citations: list[Citation]
) -> list[str]:
    """Names and numbers of the question (as written) that neither the cited sentences' speakers nor the text, title,
    outlet or date of their articles' retrieved passages mention (the passages around a sentence name what "the
    London-based group" is): the sign of an answer about someone or some year the question did not ask about
    ("who fled in 1690" answered with 1551)."""
    cited = {(c.passage_id, c.start) for c in citations}
    articles = {c.article_id for c in citations}
    texts = [" ".join(e.speakers) for e in evidence if (e.passage.id, e.start) in cited]
    texts += [" ".join((p.text, p.title, p.outlet or "", p.published_at or "")) for p in passages if p.article_id in articles]
    missing = unmentioned(question, " ".join(texts)) if texts else set()
    return [w for w in re.findall(r"[\w'’.,:/-]+", question) if w.lower().strip(".,:") in missing] if missing else []
