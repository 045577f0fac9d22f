"""A compound yes/no question ("Does The Verge suggest A, while TechCrunch reports B?"): a search per part, in the
outlets that part names, so each part is judged against its own sentences (`compound.py`)."""

from __future__ import annotations

from dataclasses import replace

from assistant.core.compound import PartEvidence
from assistant.core.evidence import Evidence, select_evidence
from assistant.core.question import Question
from assistant.core.retrieval import RetrievedPassage
from assistant.core.routes.route import Found, RouteContext
from assistant.core.scope import named_outlets
from ingest.records import PassageFilter


def part_filter(part: str, where: PassageFilter, outlets: set[str]) -> PassageFilter:
    """The outlets this part names (within the user's, when set); the whole question's filter when it names none."""
    named = [o for o in named_outlets(part, outlets) if not where.outlets or o in where.outlets]
    return replace(where, outlets=tuple(named)) if named else where


class CompoundRoute:
    name = "several claims"

    def applies(self, question: Question) -> bool:
        return question.speaker is None and len(question.parts) > 1

    def find(self, context: RouteContext) -> Found:
        q, settings, search = context.question, context.settings, context.search
        vectors = search.embedder.embed(list(q.parts))
        passages: list[RetrievedPassage] = []
        groups: list[list[Evidence]] = []
        for part, vector in zip(q.parts, vectors, strict=True):
            where = part_filter(part, q.where, set(context.index.outlets))
            found = search.retrieve(part, settings.retrieval.claim_passages, where, vector=vector)
            passages.extend(p for p in found if p.id not in {k.id for k in passages})
            groups.append(select_evidence(part, vector, found, search.embedder, settings)[: settings.retrieval.claim_sentences])
        numbered: dict[tuple[str, int], Evidence] = {}
        for i in range(max((len(g) for g in groups), default=0)):
            for group in groups:
                if i < len(group) and (key := (group[i].passage.id, group[i].start)) not in numbered:
                    numbered[key] = replace(group[i], number=len(numbered) + 1)
        parts = [
            PartEvidence(part, tuple(numbered[(e.passage.id, e.start)].number for e in group))
            for part, group in zip(q.parts, groups, strict=True)
        ]
        return Found(passages, list(numbered.values()), parts=parts)
