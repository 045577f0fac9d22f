"""Questions that need several articles ("Does The Verge suggest …, while TechCrunch reports …?"): evidence from each
outlet the question names, shown with its outlet and date.

One search over all the named outlets tends to return the best-matching outlet's passages only, and the model then
answers about one article; a search per outlet gives each its share of a budget that grows with the outlets named.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.core.evidence import Evidence, select_evidence
from assistant.core.question import Question
from assistant.core.retrieval import HybridSearch, RetrievedPassage
from assistant.core.routes.route import Found, RouteContext
from ingest.records import PassageFilter
from ingest.settings import Settings


def evidence_from_each(
    question: str, vector: np.ndarray, search: HybridSearch, settings: Settings, parts: list[PassageFilter]
) -> tuple[list[RetrievedPassage], list[Evidence]]:
    """The best passages and sentences of each part, interleaved so that every part is in the prompt even when
    the weakest lines must go to fit the context."""
    passages: list[RetrievedPassage] = []
    groups: list[list[Evidence]] = []
    for part in parts:
        found = search.retrieve(question, settings.retrieval.multi_passages_per_part, part, vector=vector)
        passages.extend(p for p in found if p.id not in {q.id for q in passages})
        groups.append(
            select_evidence(question, vector, found, search.embedder, settings)[: settings.retrieval.multi_sentences_per_part]
        )
    ordered = [g[i] for i in range(max((len(g) for g in groups), default=0)) for g in groups if i < len(g)]
    return passages, [replace(e, number=n) for n, e in enumerate(ordered, start=1)]


class OutletsRoute:
    """A question naming several outlets: a search per outlet, each with its share of the evidence."""

    name = "several outlets"

    def applies(self, question: Question) -> bool:
        return question.speaker is None and bool(question.outlet_parts)

    def find(self, context: RouteContext) -> Found:
        q = context.question
        passages, evidence = evidence_from_each(q.standalone, context.vector, context.search, context.settings, q.outlet_parts)
        return Found(passages, evidence)
