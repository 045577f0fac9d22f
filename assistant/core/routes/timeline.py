"""Timelines ("How did the talks unfold?", "What happened in the dock strike, in order?"): the story's events,
one line each in date order, every line cited; the same event told by several articles is one line naming them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from assistant.core.answer import TimelineLine
from assistant.core.evidence import Evidence
from assistant.core.question import Question
from assistant.core.routes.route import Extract, Found, RouteContext
from assistant.core.timeline.dates import EventDate, published_day, resolve
from assistant.core.timeline.events import Event, recent_events, story_events


def _line(event: Event) -> str:
    dated = "" if event.when.stated else ", the day it was published"
    return f"{event.when.label} ({', '.join(event.outlets)}{dated}): {event.told[0].text}"


def since_day(since: str, newest: date | None, today: date) -> tuple[EventDate | None, str]:
    """The day "since Monday" starts, and how it was read. Counted from today; when every article in scope is older
    than that, from the newest article's day: the reader of an archive means the Monday of the news they hold."""
    start = resolve(since, today)
    if start is None:
        return None, ""
    if newest is not None and newest < start.day:
        again = resolve(since, newest)
        if again is not None:
            return again, f"Since {since} ({again.label}, counted back from the newest article, of {newest.isoformat()})"
    return start, f"Since {since} ({start.label})"


class TimelineRoute:
    name = "timeline"

    def applies(self, question: Question) -> bool:
        return question.timeline is not None

    def find(self, context: RouteContext) -> Found:
        q = context.question
        assert q.timeline is not None
        topic = q.timeline.topic or q.standalone
        weight = context.settings.retrieval.evidence_cosine_weight
        claims: list[tuple[str, list[int]]] = []
        reading: str | None = None
        floor = context.settings.answering.timeline_event_floor
        events = story_events(topic, context.search, q.where, floor, weight) if q.timeline.topic or not q.timeline.since else []
        if q.timeline.since:
            days = [published_day(x.passage.published_at) for e in events for x in e.told]
            if not q.timeline.topic:
                days = [published_day(p.published_at) for p in context.store.leads(q.where, 1)]
            start, reading = since_day(q.timeline.since, max((d for d in days if d is not None), default=None), date.today())
            if start is None:
                events = events or story_events(topic, context.search, q.where, floor, weight)
            elif not q.timeline.topic:
                events = recent_events(context.search, q.where, start.day)
            events = [e for e in events if start is None or e.when.day >= start.day]
            if start is not None and events:
                claims.append((reading, []))
            else:
                reading = None
        evidence: list[Evidence] = []
        lines = []
        for event in events:
            numbers = []
            for told in event.told:
                evidence.append(replace(told, number=len(evidence) + 1))
                numbers.append(len(evidence))
            claims.append((_line(event), numbers))
            when = event.when
            lines.append(
                TimelineLine(
                    date=when.day.isoformat(),
                    label=when.label,
                    stated=when.stated,
                    text=event.told[0].text,
                    outlets=event.outlets,
                    markers=numbers,
                )
            )
        passages = list({e.passage.id: e.passage for e in evidence}.values())
        refusal = "The articles tell no dated events on this" + (" within the filter." if q.where else ".")
        if not events:
            nearest = context.search.retrieve(topic, 5, q.where)
            passages = nearest
            if nearest and not any(p.published_at for p in nearest):
                refusal = (
                    "The articles on this carry no publication date, so their events can't be placed in time; "
                    "ask what happened instead. The closest passages are listed below."
                )
        return Found(passages, evidence, extract=Extract(claims, "timeline", refusal, timeline=lines, timeline_since=reading))
