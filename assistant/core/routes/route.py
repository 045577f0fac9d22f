"""What a route is: a way of answering one kind of question, chosen by `applies`, that finds the evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel

from ingest.settings import Settings
from ingest.speakers.index import SpeakerIndex
from ingest.store.store import Store

from ..answer import QuoteCheck, TimelineLine
from ..compound import PartEvidence
from ..evidence import Evidence
from ..question import Question
from ..retrieval import HybridSearch, RetrievedPassage


@dataclass(frozen=True)
class Extract:
    """An answer a route writes itself from article sentences (no generation): claims citing evidence numbers."""

    claims: list[tuple[str, list[int]]]
    model: str
    refusal: str
    """The answer when there are no claims."""
    quote_check: QuoteCheck | None = None
    timeline: list[TimelineLine] = field(default_factory=list)
    timeline_since: str | None = None


@dataclass(frozen=True)
class Found:
    """What a route found: the passages shown as sources, the sentences the model may cite, and either a refusal
    (nothing to answer from, said in the route's own words) or an extract the route wrote itself."""

    passages: list[RetrievedPassage]
    evidence: list[Evidence]
    ranking: list[RetrievedPassage] = field(default_factory=list)
    refusal: str | None = None
    extract: Extract | None = None
    parts: list[PartEvidence] = field(default_factory=list)
    """For a compound yes/no question, which sentences each part was found with."""


@dataclass
class RouteContext:
    """The parts a route searches with; the question's vector is embedded once, on first use."""

    question: Question
    search: HybridSearch
    store: Store
    index: SpeakerIndex
    settings: Settings
    load_model: Callable[[], BaseChatModel | None] = lambda: None
    """Loads the chat model, only when a route reads a choice from it (an extract route answers without it)."""

    @cached_property
    def chat_model(self) -> BaseChatModel | None:
        return self.load_model()

    @cached_property
    def vector(self) -> np.ndarray:
        return self.search.embedder.embed([self.question.standalone])[0]


class Route(Protocol):
    name: str

    def applies(self, question: Question) -> bool:
        """Whether this route answers the question; the first route in `ROUTES` that applies does."""

    def find(self, context: RouteContext) -> Found: ...
