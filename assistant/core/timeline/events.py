"""The events of a story, in order: the articles that tell the story, each of their sentences dated by `dates`,
and the same event told by several articles kept as one, naming them all.

A story is chosen as articles, not sentences: "Commuters faced delays of up to an hour" is an event of the bridge
closure though it shares no word with "the bridge closure", and "Mayor Park urged both sides to settle" is no event
of the mayoral election though it shares one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from ingest.records import PassageFilter
from ingest.speakers.attribute import OPENS_QUOTE, english_pipeline

from ..evidence import Evidence, relevance
from ..retrieval import HybridSearch, RetrievedPassage
from .dates import EventDate, published_day, resolve
from .tense import looks_ahead, looks_back

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
            past = looks_back(doc, ent.start_char, ent.end_char)
            # spaCy may run on past a comma: "February 27, a week later"
            found = resolve(ent.text, published, forward, past) or resolve(ent.text.split(",")[0], published, forward, past)
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


def _read(article_ids: list[str], search: HybridSearch, topic: str, cosine_weight: float):
    """Every sentence of these articles, embedded, parsed and scored for relevance to the topic (0 without one);
    and each article's title relevance."""
    passages = [RetrievedPassage.of(p, 0.0, {}) for a in article_ids for p in search.store.article_passages(a)]
    rows = [(p, s, e, t) for p in passages for s, e, t in p.sentence_texts() if t.strip()]
    texts = [t for *_, t in rows]
    heads = {p.article_id: p.title for p in passages}
    vectors = search.embedder.embed(texts + list(heads.values())) if texts else np.zeros((0, 1))
    scores = np.zeros(len(vectors))
    if topic and texts:
        vector = search.embedder.embed([topic])[0]
        scores = relevance(topic, vector, texts + list(heads.values()), vectors, cosine_weight)
    by_article: dict[str, list[_Sentence]] = {}
    for (p, s, e, t), v, score, doc in zip(rows, vectors, scores, english_pipeline().pipe(texts)):
        if t.strip() != p.title.strip():
            by_article.setdefault(p.article_id, []).append(_Sentence(p, s, e, t, v, float(score), doc))
    return by_article, {a: float(s) for a, s in zip(heads, scores[len(texts) :])}


def _events(candidates: list[_Sentence], floor: float = 0.0) -> list[Event]:
    """The sentences (best first) as dated events, the same event told by two articles merged, earliest first. A
    sentence that gives no date must be `floor` relevant to the topic: "The strike lasted five days" is an event of
    the strike, "Mayor Park urged both sides to settle" a reaction on the day."""
    events: list[Event] = []
    for sentence in candidates:
        when = _dated(sentence.passage.published_at, sentence.doc)
        if when is None or (not when.stated and (OPENS_QUOTE.match(sentence.text) or sentence.score < floor)):
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


def story_events(topic: str, search: HybridSearch, where: PassageFilter, floor: float, cosine_weight: float) -> list[Event]:
    """The story's articles (up to ten), every sentence of them that tells something (not the title, not an
    undated quotation), the same event merged across articles, at most twenty, earliest first."""
    found = search.retrieve(topic, 30, where, vector=search.embedder.embed([topic])[0])
    articles = list(dict.fromkeys(p.article_id for p in found))[:MAX_ARTICLES]
    by_article, titled = _read(articles, search, topic, cosine_weight)
    chosen = _story_articles(topic, by_article, titled, floor)
    return _events(sorted((s for a in chosen for s in by_article[a]), key=lambda s: -s.score), floor)


def recent_events(search: HybridSearch, where: PassageFilter, since: date) -> list[Event]:
    """With no topic ("What has happened since Monday?"): the newest articles published since then (up to ten),
    their events on or after that day."""
    leads = search.store.leads(replace(where, published_after=since.isoformat()), MAX_ARTICLES)
    by_article, _ = _read([p.article_id for p in leads], search, "", 0.0)
    events = _events([s for a in by_article.values() for s in a])
    return [e for e in events if e.when.day >= since]
