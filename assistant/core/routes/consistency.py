"""Whether reports agree ("Between the TechCrunch report of 6 November and the one of 15 December, was there
inconsistency …?"): what each report says, side by side, under the verdict that Byline found no contradiction
(`consistency.py` says why that is the stance). Extracted, no generation.

The sentences come from the searches the plain and several-outlets routes make; the best sentence of each of the
best articles is shown (one per named outlet first). Evidence too weak to answer, or from one article only, goes
back to the usual path, which refuses or writes.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.core.evidence import Evidence, evidence_answers
from assistant.core.question import Question
from assistant.core.routes.outlets import OutletsRoute
from assistant.core.routes.plain import PlainRoute
from assistant.core.routes.route import Extract, Found, RouteContext

MAX_REPORTS = 3
NO_CONTRADICTION = "Byline finds no contradiction between what"


def one_per_article(evidence: list[Evidence], limit: int) -> list[Evidence]:
    """The best sentence of each of the best articles, the best article of each outlet first (a question that
    names two outlets is about a report from each), shown oldest first and renumbered from 1."""
    best: dict[str, Evidence] = {}
    for e in sorted(evidence, key=lambda e: -e.score):
        best.setdefault(e.passage.article_id, e)
    firsts: list[Evidence] = []
    rest: list[Evidence] = []
    outlets: set[str | None] = set()
    for e in best.values():
        (rest if e.passage.outlet in outlets else firsts).append(e)
        outlets.add(e.passage.outlet)
    by_date = sorted((firsts + rest)[:limit], key=lambda e: e.passage.published_at or "9999")
    return [replace(e, number=n) for n, e in enumerate(by_date, start=1)]


def report_name(e: Evidence) -> str:
    """A report as the verdict names it, by outlet and date ("The Verge (2023-11-20)"); its headline is on its
    citation, since a headline's own quotation and question marks would be read as the answer's."""
    date = (e.passage.published_at or "")[:10]
    return f"{e.passage.outlet or e.passage.title}" + (f" ({date})" if date else "")


def verdict_line(verdict: str, shown: list[Evidence]) -> str:
    """The verdict and the reports it compares, in the order their sentences follow, each cited on its own: the
    sentences are what the articles say, the names are not in them."""
    names = [report_name(e) for e in shown]
    return f"{verdict}. {NO_CONTRADICTION} {', '.join(names[:-1])} and {names[-1]} report."


class ConsistencyRoute:
    name = "reports agree"

    def applies(self, question: Question) -> bool:
        return question.consistency is not None

    def find(self, context: RouteContext) -> Found:
        q = context.question
        assert q.consistency is not None
        route = OutletsRoute() if q.outlet_parts else PlainRoute()
        found = route.find(context)
        shown = one_per_article(found.evidence, min(max(2, len(q.where.outlets)), MAX_REPORTS))
        floor = context.settings.answering.min_evidence_score
        if len(shown) < 2 or not evidence_answers(q.standalone, found.passages, found.evidence, floor):
            return found
        claims = [(verdict_line(q.consistency.no_contradiction, shown), []), *((e.text, [e.number]) for e in shown)]
        return Found(found.passages, shown, ranking=found.ranking, extract=Extract(claims, "reports side by side", ""))
