"""Overview questions ("What is this article about?", "Summarize the news", "What's the latest on the talks?")
answered by extraction: each relevant article's lead and most central sentences, quoted and cited. No
generation, so no prompt to wait for and nothing to verify: every sentence of the answer is a sentence of an
article."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.embedder import Embedder
from ingest.records import PassageFilter, StoredPassage
from ingest.store import Store

from .evidence import Evidence
from .retrieval import HybridSearch, RetrievedPassage

_OVERVIEW = [
    r"^(?:so\s+)?what(?:'s| is| are)\s+(?:this|the|these)\s+(?:article|story|piece|report|news|articles|stories)s?\s+(?:all\s+)?about\b(?P<topic>)",
    r"^(?:please\s+|can you\s+|could you\s+)?(?:give me\s+)?(?:a\s+|an\s+)?(?:short\s+|quick\s+|brief\s+)?(?:summar(?:y|ize|ise)|overview|recap|rundown|tl;?dr|gist)\b(?:\s+(?:of|on|about|for))?(?P<topic>.*)",
    r"^(?:give me\s+|what are\s+)?(?:the\s+)?(?:key|main|top|important)\s+(?:points|takeaways|facts|stories|headlines|news)\b(?:\s+(?:of|on|about|from|in))?(?P<topic>.*)",
    r"^what(?:'s| is| has)\s+(?:the\s+)?(?:latest|new|news|happening|going on)\b(?:\s+(?:on|about|with|in|regarding))?(?P<topic>.*)",
    r"^what happened(?!\s+to\b)(?P<topic>(?:\s+(?:in|at|with|during|on|this|last|today|yesterday|over)\b.*)?)$",
    r"^(?:catch me up|brief me|bring me up to (?:date|speed))\b(?:\s+(?:on|about))?(?P<topic>.*)",
    r"^(?:summar(?:y|ize|ise))(?P<topic>.*)",
]
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in _OVERVIEW]
_FILLER = re.compile(r"^(?:the\s+)?(?:news|articles?|stories|story|this|it|them|everything|all)?\s*$", re.IGNORECASE)
MAX_ARTICLES = 5
ONE_ARTICLE_SENTENCES = 3


@dataclass(frozen=True)
class OverviewRequest:
    topic: str
    """What the overview is about ("the ceasefire talks"), or "" for everything in scope."""


def overview_request(question: str) -> OverviewRequest | None:
    text = question.strip().rstrip("?!. ")
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            topic = re.sub(r"^(?:of|on|about|in|the news (?:on|about))\s+", "", match.group("topic").strip(" ,:"), flags=re.I)
            return OverviewRequest("" if _FILLER.match(topic) else topic)
    return None


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
