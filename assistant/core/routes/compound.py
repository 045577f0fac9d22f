"""A compound yes/no question ("Does The Verge suggest A, while TechCrunch reports B?"): a search per part, in the
outlets that part names, so each part is judged against its own sentences (`compound.py`)."""

from __future__ import annotations

from dataclasses import replace

from assistant.core.compound import PartEvidence
from assistant.core.question import Question
from assistant.core.routes.outlets import evidence_from_each, interleaved
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
        q, retrieval = context.question, context.settings.retrieval
        outlets = set(context.index.outlets)
        vectors = context.search.embedder.embed(list(q.parts))
        searches = [(part, v, part_filter(part, q.where, outlets)) for part, v in zip(q.parts, vectors, strict=True)]
        passages, groups = evidence_from_each(
            searches, context.search, context.settings, retrieval.claim_passages, retrieval.claim_sentences
        )
        evidence = interleaved(groups)
        number = {(e.passage.id, e.start): e.number for e in evidence}
        parts = [
            PartEvidence(part, tuple(number[(e.passage.id, e.start)] for e in group))
            for part, group in zip(q.parts, groups, strict=True)
        ]
        return Found(passages, evidence, parts=parts)
