"""The events of a story, in order: each relevant sentence of the articles on the topic, dated by `dates`, and the
same event told by several articles kept as one, naming them all."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingest.records import PassageFilter
from ingest.speakers.attribute import OPENS_QUOTE, english_pipeline

from ..evidence import Evidence, relevance
from ..retrieval import HybridSearch, RetrievedPassage
from .dates import EventDate, forward_looking, published_day, resolve

_REFERENCE = {"since", "until", "till", "by", "before", "after", "than", "beyond"}
"""Words that make a date a reference point ("the longest since 2009", "by 2030"), not when the event happened."""
MAX_ARTICLES = 10
MAX_EVENTS = 12
SAME_EVENT = 0.8
"""Cosine similarity at which two sentences of different articles tell the same event."""


@dataclass
class Event:
    when: EventDate
    told: list[Evidence] = field(default_factory=list)
    """The sentences that tell it, the first one shown; one per article."""
    score: float = 0.0

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(e.passage.outlet or e.passage.title for e in self.told))


def _dated(sentence: str, published_at: str | None, doc) -> EventDate | None:
    published = published_day(published_at)
    if published is None:
        return None
    forward = forward_looking(sentence)
    for ent in doc.ents:
        before = doc[ent.start - 1].lower_ if ent.start else ""
        if ent.label_ in {"DATE", "TIME"} and before not in _REFERENCE:
            found = resolve(ent.text, published, forward)
            if found is not None:
                return found
    return EventDate(published, "day", False)


def story_events(topic: str, search: HybridSearch, where: PassageFilter, floor: float, cosine_weight: float) -> list[Event]:
    """The topic's articles (the most relevant, up to ten), each sentence at least `floor` relevant as an event,
    events merged across articles, earliest first."""
    vector = search.embedder.embed([topic])[0]
    found = search.retrieve(topic, 30, where, vector=vector)
    articles = list(dict.fromkeys(p.article_id for p in found))[:MAX_ARTICLES]
    passages: list[RetrievedPassage] = []
    for article_id in articles:
        passages += [RetrievedPassage.of(p, 0.0, {}) for p in search.store.article_passages(article_id)]
    rows = [(p, s, e, t) for p in passages for s, e, t in p.sentence_texts() if t.strip() and t.strip() != p.title.strip()]
    if not rows:
        return []
    texts = [t for *_, t in rows]
    vectors = search.embedder.embed(texts)
    scores = relevance(topic, vector, texts, vectors, cosine_weight)
    keep = [i for i in np.argsort(-scores) if scores[i] >= floor][: MAX_EVENTS * 3]
    docs = english_pipeline().pipe([texts[i] for i in keep])
    events: list[Event] = []
    for i, doc in zip(keep, docs):
        p, s, e, t = rows[i]
        when = _dated(t, p.published_at, doc)
        if when is None or (not when.stated and OPENS_QUOTE.match(t)):
            continue  # an undated quotation is something said, not an event the timeline can place
        told = Evidence(0, p, s, e, t, float(scores[i]), vectors[i])
        same = next(
            (
                ev
                for ev in events
                if all(x.passage.article_id != p.article_id for x in ev.told)
                and max(float(x.vector @ vectors[i]) for x in ev.told) >= SAME_EVENT
            ),
            None,
        )
        if same is not None:
            same.told.append(told)
            if not same.when.stated and when.stated:
                same.when = when
        else:
            events.append(Event(when, [told], float(scores[i])))
    chosen = sorted(events, key=lambda ev: -ev.score)[:MAX_EVENTS]
    return sorted(chosen, key=lambda ev: (ev.when.sort_key, min(x.passage.published_at or "" for x in ev.told), ev.told[0].start))
