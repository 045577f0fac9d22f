"""The events of a story, in order: the articles that tell the story, each of their sentences dated by `dates`,
and the same event told by several articles kept as one, naming them all.

A story is chosen as articles, not sentences: "Commuters faced delays of up to an hour" is an event of the bridge
closure though it shares no word with "the bridge closure", and "Mayor Park urged both sides to settle" is no event
of the mayoral election though it shares one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ingest.records import PassageFilter
from ingest.speakers.attribute import OPENS_QUOTE, english_pipeline

from ..evidence import Evidence, relevance
from ..retrieval import HybridSearch, RetrievedPassage
from .dates import EventDate, published_day, resolve
from .tense import looks_ahead

_REFERENCE = {"since", "until", "till", "by", "before", "after", "than", "beyond"}
"""Words that make a date a reference point ("the longest since 2009", "by 2030"), not when the event happened."""
_NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "NORP"}
MAX_ARTICLES = 10
MAX_EVENTS = 20
CORE_SHARE = 0.7
"""An article whose relevance is this share of the best article's tells the story."""
SHARED_NAMES = 2
"""Names (beyond the topic's own) an article must share with the story's core to join it."""
SAME_EVENT = 0.8
"""Cosine at which sentences of different articles tell the same event when only one of them gives a date."""
SAME_DAY_EVENT = 0.35
"""Cosine at which sentences of different articles that give the same date tell the same event (flat from 0.25
to 0.40 on the timeline set's dev stories: no wrong merge, fewest repeats; the middle)."""


@dataclass
class Event:
    when: EventDate
    told: list[Evidence] = field(default_factory=list)
    """The sentences that tell it, the first one shown; one per article."""
    score: float = 0.0

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(e.passage.outlet or e.passage.title for e in self.told))


@dataclass
class _Sentence:
    passage: RetrievedPassage
    start: int
    end: int
    text: str
    vector: np.ndarray
    score: float
    doc: object


def _dated(published_at: str | None, doc) -> EventDate | None:
    published = published_day(published_at)
    if published is None:
        return None
    for ent in doc.ents:
        before = doc[ent.start - 1].lower_ if ent.start else ""
        if ent.label_ in {"DATE", "TIME"} and before not in _REFERENCE:
            forward = looks_ahead(doc, ent.start_char, ent.end_char)
            # spaCy may run on past a comma: "February 27, a week later"
            found = resolve(ent.text, published, forward) or resolve(ent.text.split(",")[0], published, forward)
            if found is not None:
                return found
    return EventDate(published, "day", False)


def _names(docs) -> set[str]:
    """The capitalised words of the names in them: "Ingrid Solberg" and "Solberg" share one."""
    return {tok.lower_ for doc in docs for ent in doc.ents if ent.label_ in _NAMES for tok in ent if tok.text[:1].isupper()}


def _story_articles(topic: str, by_article: dict[str, list[_Sentence]], titled: dict[str, float], floor: float) -> list[str]:
    """The articles most relevant to the topic (their best sentence or their title), and those at least `floor`
    relevant that share names with them: the solar panel failure joins the satellite launch by Kestrel and Aurora-2,
    the match at Harwick does not join the Harwick floods by Harwick alone."""
    scores = {a: max([s.score for s in sentences] + [titled.get(a, 0.0)]) for a, sentences in by_article.items()}
    if not scores or max(scores.values()) < floor:
        return []
    top = max(scores.values())
    core = [a for a, s in scores.items() if s >= CORE_SHARE * top]
    core_names = _names(s.doc for a in core for s in by_article[a]) - {w.lower() for w in re.findall(r"\w+", topic)}
    joined = [
        a
        for a, s in scores.items()
        if a not in core and s >= floor and len(_names(x.doc for x in by_article[a]) & core_names) >= SHARED_NAMES
    ]
    return sorted(core + joined, key=lambda a: -scores[a])


def _same_event(event: Event, sentence: _Sentence, when: EventDate) -> bool:
    if any(x.passage.article_id == sentence.passage.article_id for x in event.told):
        return False
    similarity = max(float(x.vector @ sentence.vector) for x in event.told)
    if event.when.stated and when.stated:
        return event.when.sort_key == when.sort_key and similarity >= SAME_DAY_EVENT
    return similarity >= SAME_EVENT


def story_events(topic: str, search: HybridSearch, where: PassageFilter, floor: float, cosine_weight: float) -> list[Event]:
    """The story's articles (up to ten), every sentence of them that tells something (not the title, not an
    undated quotation), the same event merged across articles, at most twenty, earliest first."""
    vector = search.embedder.embed([topic])[0]
    found = search.retrieve(topic, 30, where, vector=vector)
    articles = list(dict.fromkeys(p.article_id for p in found))[:MAX_ARTICLES]
    passages: list[RetrievedPassage] = []
    for article_id in articles:
        passages += [RetrievedPassage.of(p, 0.0, {}) for p in search.store.article_passages(article_id)]
    rows = [(p, s, e, t) for p in passages for s, e, t in p.sentence_texts() if t.strip()]
    if not rows:
        return []
    texts = [t for *_, t in rows]
    vectors = search.embedder.embed(texts)
    scores = relevance(topic, vector, texts, vectors, cosine_weight)
    docs = english_pipeline().pipe(texts)
    by_article: dict[str, list[_Sentence]] = {}
    titles = {p.title.strip() for p in passages}
    for (p, s, e, t), v, score, doc in zip(rows, vectors, scores, docs):
        by_article.setdefault(p.article_id, []).append(_Sentence(p, s, e, t, v, float(score), doc))
    heads = {p.article_id: p.title for p in passages}
    titled = dict(
        zip(heads, relevance(topic, vector, list(heads.values()), search.embedder.embed(list(heads.values())), cosine_weight))
    )
    chosen = _story_articles(topic, by_article, {a: float(s) for a, s in titled.items()}, floor)
    candidates = sorted((s for a in chosen for s in by_article[a] if s.text.strip() not in titles), key=lambda s: -s.score)
    events: list[Event] = []
    for sentence in candidates:
        when = _dated(sentence.passage.published_at, sentence.doc)
        if when is None or (not when.stated and OPENS_QUOTE.match(sentence.text)):
            continue  # an undated quotation is something said, not an event the timeline can place
        told = Evidence(0, sentence.passage, sentence.start, sentence.end, sentence.text, sentence.score, sentence.vector)
        same = next((ev for ev in events if _same_event(ev, sentence, when)), None)
        if same is not None:
            same.told.append(told)
            if not same.when.stated and when.stated:
                same.when = when
        elif len(events) < MAX_EVENTS:
            events.append(Event(when, [told], sentence.score))
    return sorted(events, key=lambda ev: (ev.when.sort_key, min(x.passage.published_at or "" for x in ev.told), ev.told[0].start))
