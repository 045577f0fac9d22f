"""Overview questions ("What is this article about?", "Summarize the news", "What's the latest on the talks?")
answered by extraction: each relevant article's lead and most central sentences, quoted and cited. No
generation, so no prompt to wait for and nothing to verify: every sentence of the answer is a sentence of an
article."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.core.evidence import Evidence
from assistant.core.question import OverviewRequest, Question
from assistant.core.retrieval import HybridSearch, RetrievedPassage
from assistant.core.routes.route import Extract, Found, RouteContext
from ingest.embedding.embedder import Embedder
from ingest.records import PassageFilter, StoredPassage
from ingest.store.store import Store

MAX_ARTICLES = 5
ONE_ARTICLE_SENTENCES = 3


def _in_order(passages: list[StoredPassage]) -> list[tuple[StoredPassage, int, int, str]]:
    return [(p, s, e, t) for p in sorted(passages, key=lambda p: p.start) for s, e, t in p.sentence_texts() if t.strip()]


def article_points(
    passages: list[StoredPassage], embedder: Embedder, topic_vector: np.ndarray | None, count: int
) -> list[tuple[StoredPassage, int, int, str]]:
    """The lead (the first sentence that is not the headline) and the most central sentences, in reading order.
    Central means closest to the article's own mean sentence vector, or to the topic when one was asked."""
    rows = _in_order(passages)
    if not rows:
        return []
    title = passages[0].title.strip().lower()
    rows = [r for r in rows if r[3].strip().lower() != title] or rows
    rows = rows[:60]
    vectors = embedder.embed([t for *_, t in rows])
    centre = vectors.mean(axis=0) if topic_vector is None else topic_vector
    scores = vectors @ centre
    chosen = {0} | {int(i) for i in np.argsort(-scores)[: count + 1]}
    return [rows[i] for i in sorted(chosen)[: max(count, 1)]]


def overview_evidence(
    request: OverviewRequest, store: Store, search: HybridSearch, where: PassageFilter
) -> tuple[list[RetrievedPassage], list[list[Evidence]]]:
    """The articles an overview covers (the most relevant to the topic, else the newest) and, per article, the
    sentences it quotes."""
    embedder = search.embedder
    topic_vector = embedder.embed([request.topic])[0] if request.topic else None
    if request.topic:
        found = search.retrieve(request.topic, 20, where, vector=topic_vector)
        article_ids = list(dict.fromkeys(p.article_id for p in found))[:MAX_ARTICLES]
        found_by_article = {p.article_id: p for p in found}
        sources = [found_by_article[a] for a in article_ids]
    else:
        leads = store.leads(where, MAX_ARTICLES)
        article_ids = [p.article_id for p in leads]
        sources = [RetrievedPassage.of(p, 0.0, {}) for p in leads]
    count = ONE_ARTICLE_SENTENCES if len(article_ids) == 1 else 1
    per_article = []
    for article_id in article_ids:
        points = article_points(store.article_passages(article_id), embedder, topic_vector, count)
        per_article.append([Evidence(0, RetrievedPassage.of(p, 0.0, {}), s, e, t, 0.0, np.zeros(1)) for p, s, e, t in points])
    return sources, [e for e in per_article if e]


class OverviewRoute:
    """Overviews are answered by extraction: one article's lead and central sentences, or a line per article."""

    name = "overview"

    def applies(self, question: Question) -> bool:
        return question.overview is not None

    def find(self, context: RouteContext) -> Found:
        question = context.question
        assert question.overview is not None
        sources, per_article = overview_evidence(question.overview, context.store, context.search, question.where)
        evidence = [replace(e, number=n) for n, e in enumerate((e for group in per_article for e in group), start=1)]
        empty = "There are no articles to summarize" + (" within the filter." if question.where else ".")
        return Found(sources, evidence, extract=Extract(overview_claims(per_article), "extractive summary", empty))


def overview_claims(per_article: list[list[Evidence]]) -> list[tuple[str, list[int]]]:
    """One article: its sentences, each cited. Several: a line per article with headline, outlet and date."""
    claims: list[tuple[str, list[int]]] = []
    n = 0
    for group in per_article:
        for i, e in enumerate(group):
            n += 1
            if len(per_article) == 1:
                claims.append((e.text, [n]))
            elif i == 0:
                date = f", {e.passage.published_at[:10]}" if e.passage.published_at else ""
                claims.append((f"{e.passage.title} ({e.passage.outlet or e.passage.source}{date}): {e.text}", [n]))
    return claims
