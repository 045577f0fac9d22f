"""Timelines ("How did the talks unfold?", "What happened in the dock strike, in order?"): the story's events,
one line each in date order, every line cited; the same event told by several articles is one line naming them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from assistant.core.answer import TimelineLine
from assistant.core.evidence import Evidence
from assistant.core.question import Question
from assistant.core.routes.route import Extract, Found, RouteContext
from assistant.core.timeline.dates import resolve
from assistant.core.timeline.events import Event, story_events


def _line(event: Event) -> str:
    dated = "" if event.when.stated else ", the day it was published"
    return f"{event.when.label} ({', '.join(event.outlets)}{dated}): {event.told[0].text}"


class TimelineRoute:
    name = "timeline"

    def applies(self, question: Question) -> bool:
        return question.timeline is not None

    def find(self, context: RouteContext) -> Found:
        q = context.question
        assert q.timeline is not None
        topic = q.timeline.topic or q.standalone
        weight = context.settings.retrieval.evidence_cosine_weight
        events = story_events(topic, context.search, q.where, context.settings.answering.timeline_event_floor, weight)
        if q.timeline.since:
            start = resolve(q.timeline.since, date.today())
            events = [e for e in events if start is None or e.when.day >= start.day]
        evidence: list[Evidence] = []
        claims, lines = [], []
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
        return Found(passages, evidence, extract=Extract(claims, "timeline", refusal, timeline=lines))
