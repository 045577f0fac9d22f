"""The `Answer` record, composed once from what the question, the route, the generation and the checks produced."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .answer import Answer, ClaimCheck, ClaimVerdict, Event, Source, Timings, YesNoPart
from .checks.answer_check import AnswerCheckVerdict
from .checks.check import Draft, Verdict
from .checks.citations import CitationVerdict, number_citations, parse_claims, strip_markers
from .question import Question
from .retrieval import RetrievedPassage
from .routes.route import Extract, Found

if TYPE_CHECKING:
    from ingest.store.stories import StoryIndex

    from .generation import Generation


def refusal_text(question: str) -> str:
    return f"The articles don't say. Nothing in them answers “{question}”; the closest passages are listed below."


def _record(q: Question, found: Found, scope: str | None, timings: Timings) -> Answer:
    answer = Answer(
        question=q.asked,
        standalone_question=q.standalone,
        answer="",
        sources=[source(p) for p in found.passages],
        retrieved_ids=[p.id for p in found.passages],
        error=q.error,
        scope=scope,
        scope_from_question=q.scope_from_question,
        timings=timings,
    )
    answer.ranking = found.ranking
    return answer


def extracted_answer(q: Question, found: Found, extract: Extract, scope: str | None, timings: Timings, started: float) -> Answer:
    answer = _record(q, found, scope, timings)
    answer.quote_check, answer.timeline = extract.quote_check, extract.timeline
    answer.timeline_since = extract.timeline_since
    if extract.claims:
        separator = "\n" if extract.timeline else " "
        answer.answer, answer.citations = number_citations(extract.claims, found.evidence, separator)
    else:
        answer.refused, answer.answer = True, extract.refusal
    timings.total_s = time.perf_counter() - started
    answer.model = extract.model
    return answer


def compose_answer(
    q: Question, found: Found, generation: Generation, verdicts: list[Verdict], scope: str | None, timings: Timings
) -> Answer:
    """A generated answer as the last check left it; a refusal in the words of the check or route that refused."""
    answer = _record(q, found, scope, timings)
    answer.raw_answer, answer.usage = generation.raw, generation.usage
    if generation.yes_no is not None:
        answer.yes_no_probability, answer.yes_no_prior = generation.yes_no.probability, generation.yes_no.prior
    answer.yes_no_parts = [
        YesNoPart(
            part=p.part,
            verdict=p.choice.verdict,
            probability=p.choice.probability,
            prior=p.choice.prior,
            sentences=list(p.numbers),
        )
        for p in generation.yes_no_parts
    ]
    answer.error = answer.error or generation.error
    answer.choices_from = generation.choices_from
    answer.span = generation.span
    answer.checks_run = [v.check for v in verdicts if v.ran]
    draft = verdicts[-1].draft if verdicts else Draft("")
    answer.answer, answer.citations, answer.unsupported = draft.text, draft.citations, draft.unsupported
    answer.refused = draft.refused
    for i, verdict in enumerate(verdicts):
        if isinstance(verdict, CitationVerdict):
            answer.markers_total, answer.markers_valid = verdict.markers_total, verdict.markers_valid
            answer.claims = final_claims(list(verdict.claims), verdicts[i + 1 :], draft)
        elif isinstance(verdict, AnswerCheckVerdict):
            answer.answer_check, answer.signals = verdict.probability, verdict.signals
            answer.choices_from = verdict.choices_from or answer.choices_from
    if not answer.answer and answer.error is None:
        answer.refused, answer.answer = True, draft.refusal or found.refusal or refusal_text(q.standalone)
    elif answer.error is not None and not answer.answer:
        answer.answer = f"Could not generate an answer: {answer.error}"
    return answer


def _plain(text: str) -> str:
    return " ".join(strip_markers(text).lower().rstrip(" .!?").split())


def final_claims(checked: list[ClaimCheck], later: list[Verdict], final: Draft) -> list[ClaimCheck]:
    """The citation check's claim verdicts as the answer ends: a claim a later check took out is dropped by that
    check; one still there carries its final markers."""
    markers = {_plain(c.text): c.markers for c in parse_claims(final.text)} if not final.refused else {}
    out = []
    for claim in checked:
        key = _plain(claim.text)
        if claim.verdict is ClaimVerdict.DROPPED:
            out.append(claim)
        elif key in markers:
            out.append(claim.model_copy(update={"markers": markers[key]}))
        else:
            by = next((v.check for v in later if v.draft.refused or key not in _plain(v.draft.text)), "citations")
            out.append(claim.model_copy(update={"verdict": ClaimVerdict.DROPPED, "by": by}))
    return out


def with_other_copies(answer: Answer, stories: StoryIndex) -> Answer:
    """Each source and citation says which other outlets ran the same story (retrieval kept one copy of it)."""
    refs = [*answer.citations, *answer.sources]
    if not refs:
        return answer
    story_of = stories.story_of([r.article_id for r in refs])
    copies = stories.copies(list(set(story_of.values())))

    def others(article_id: str) -> list[str]:
        found = copies.get(story_of[article_id], [])
        return [
            f"{c.outlet or c.title}" + (f" ({c.published_at[:10]})" if c.published_at else "")
            for c in found
            if c.article_id != article_id
        ]

    return answer.model_copy(
        update={
            "citations": [c.model_copy(update={"also_reported_by": others(c.article_id)}) for c in answer.citations],
            "sources": [s.model_copy(update={"also_reported_by": others(s.article_id)}) for s in answer.sources],
        }
    )


def source(p: RetrievedPassage) -> Source:
    return Source(**Source.fields_of(p), text=p.text, score=p.score)


__all__ = ["Event", "compose_answer", "extracted_answer", "refusal_text", "source", "with_other_copies"]
