"""Any other question: one hybrid search, the best sentences of the top passages as evidence, and those of the
articles published on each day the question names."""

from __future__ import annotations

from assistant.core.evidence import select_evidence
from assistant.core.question import Question
from assistant.core.routes.outlets import day_searches, evidence_from_each, interleaved
from assistant.core.routes.route import Found, RouteContext


class PlainRoute:
    name = "plain question"

    def applies(self, question: Question) -> bool:
        return True

    def find(self, context: RouteContext) -> Found:
        q, settings = context.question, context.settings
        ranking = context.search.rank(q.standalone, settings.retrieval.top_k, q.where, vector=context.vector)
        passages = ranking[: settings.retrieval.top_k]
        evidence = select_evidence(q.standalone, context.vector, passages, context.search.embedder, settings)
        if days := day_searches(context):
            retrieval = settings.retrieval
            dated, groups = evidence_from_each(
                days, context.search, settings, retrieval.multi_passages_per_part, retrieval.multi_sentences_per_part
            )
            passages = passages + [p for p in dated if p.id not in {seen.id for seen in passages}]
            evidence = interleaved([evidence, *groups])[: retrieval.evidence_sentences + len(days)]
        return Found(passages, evidence, ranking=ranking)
