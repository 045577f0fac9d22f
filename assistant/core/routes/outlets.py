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
    searches: list[tuple[str, np.ndarray, PassageFilter]], search: HybridSearch, settings: Settings, passages: int, sentences: int
) -> tuple[list[RetrievedPassage], list[list[Evidence]]]:
    """For each (query, its vector, filter): its best passages and, of them, its best sentences; the passages of all
    the searches together, each once."""
    found_all: list[RetrievedPassage] = []
    groups: list[list[Evidence]] = []
    for query, vector, where in searches:
        found = search.retrieve(query, passages, where, vector=vector)
        found_all.extend(p for p in found if p.id not in {q.id for q in found_all})
        groups.append(select_evidence(query, vector, found, search.embedder, settings)[:sentences])
    return found_all, groups


def interleaved(groups: list[list[Evidence]]) -> list[Evidence]:
    """The groups' sentences numbered in turns (the best of each, then the second of each …), each sentence once, so
    that every group is in the prompt even when the weakest lines must go to fit the context."""
    numbered: dict[tuple[str, int], Evidence] = {}
    for i in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if i < len(group) and (key := (group[i].passage.id, group[i].start)) not in numbered:
                numbered[key] = replace(group[i], number=len(numbered) + 1)
    return list(numbered.values())


class OutletsRoute:
    """A question naming several outlets: a search per outlet, each with its share of the evidence."""

    name = "several outlets"

    def applies(self, question: Question) -> bool:
        return question.speaker is None and bool(question.outlet_parts)

    def find(self, context: RouteContext) -> Found:
        q = context.question
        retrieval = context.settings.retrieval
        searches = [(q.standalone, context.vector, part) for part in q.outlet_parts]
        passages, groups = evidence_from_each(
            searches, context.search, context.settings, retrieval.multi_passages_per_part, retrieval.multi_sentences_per_part
        )
        return Found(passages, interleaved(groups))
