"""Any other question: one hybrid search, the best sentences of the top passages as evidence."""

from __future__ import annotations

from assistant.core.evidence import select_evidence
from assistant.core.question import Question
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
        return Found(passages, evidence, ranking=ranking)
