"""Ways of answering, in the order they are tried: the first whose `applies` is true answers the question.

A new kind of question is a module here with a class that has `name`, `applies` and `find` (see `route.Route`),
and one line in `ROUTES`.
"""

from __future__ import annotations

from ..question import Question
from .compound import CompoundRoute
from .consistency import ConsistencyRoute
from .outlets import OutletsRoute
from .overview import OverviewRoute
from .plain import PlainRoute
from .quote import QuoteRoute
from .route import Route
from .speaker import SpeakerRoute, UnquotedSpeakerRoute
from .timeline import TimelineRoute

ROUTES: list[Route] = [
    TimelineRoute(),  # "How did the talks unfold?": dated events in order, extracted, no generation
    OverviewRoute(),  # "Summarize the news": extracted, no generation
    QuoteRoute(),  # "Did Vance say that …?": a verdict from the words and the model's choice, no generation
    SpeakerRoute(),  # "What did Vance say?": only Vance's sentences
    UnquotedSpeakerRoute(),  # "What did X say?" where no article quotes X: a refusal naming who is quoted
    ConsistencyRoute(),  # "Was there inconsistency between the two reports?": each report's sentence, extracted
    CompoundRoute(),  # "Does X suggest A, while Y reports B?": a search per part, Yes/No read part by part
    OutletsRoute(),  # a question naming several outlets: a search per outlet
    PlainRoute(),  # everything else
]


def pick_route(question: Question, routes: list[Route] = ROUTES) -> Route:
    return next(route for route in routes if route.applies(question))
