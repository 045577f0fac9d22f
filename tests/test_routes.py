"""Routes, each with fakes: which route a question takes, and what each finds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from assistant.core.attribution import SpeakerQuestion
from assistant.core.consistency import ConsistencyQuestion
from assistant.core.question import OverviewRequest, Question
from assistant.core.retrieval import RetrievedPassage
from assistant.core.routes import ROUTES, pick_route
from assistant.core.routes.outlets import OutletsRoute
from assistant.core.routes.plain import PlainRoute
from assistant.core.routes.route import RouteContext
from assistant.core.routes.speaker import SpeakerRoute, UnquotedSpeakerRoute
from ingest.records import Attribution, PassageFilter
from ingest.settings import Settings

from conftest import FakeEmbedder


def passage(pid: str, text: str, outlet: str | None = None, speaker: str | None = None) -> RetrievedPassage:
    speakers = (Attribution(0, len(text), speaker, "name", 0, len(speaker)),) if speaker else ()
    return RetrievedPassage(
        pid, pid, f"Title {pid}", f"{pid}.txt", text, 0, len(text), ((0, len(text)),), None, None, speakers, outlet
    )


@dataclass
class FakeSearch:
    """Returns its passages for any query, filtered by outlet; records every search."""

    passages: list[RetrievedPassage]
    embedder: FakeEmbedder = field(default_factory=FakeEmbedder)
    searches: list[PassageFilter] = field(default_factory=list)

    def _found(self, k: int, where: PassageFilter) -> list[RetrievedPassage]:
        self.searches.append(where)
        return [p for p in self.passages if not where.outlets or p.outlet in where.outlets][:k]

    def rank(self, query: str, k: int, where: PassageFilter = PassageFilter(), vector=None) -> list[RetrievedPassage]:
        return self._found(20, where)

    def retrieve(self, query: str, k: int, where: PassageFilter = PassageFilter(), vector=None) -> list[RetrievedPassage]:
        return self._found(k, where)


class FakeIndex:
    outlets: dict[str, int] = {}
    dated = 0

    def mentions(self, name: str) -> bool:
        return name == "Ana Ruiz"


def context(question: Question, search: FakeSearch) -> RouteContext:
    return RouteContext(question, search, None, FakeIndex(), Settings())  # type: ignore[arg-type]


def question(**fields) -> Question:
    return Question(asked="q?", standalone=fields.pop("standalone", "q?"), where=fields.pop("where", PassageFilter()), **fields)


def test_routes_are_tried_in_order():
    speaker = SpeakerQuestion("Vance", ("JD Vance",), "")
    unknown = SpeakerQuestion("Ana Ruiz", (), "")
    two = PassageFilter(outlets=("Reuters", "AP"))
    assert pick_route(question(overview=OverviewRequest(""))).name == "overview"
    assert pick_route(question(speaker=speaker)).name == "speaker"
    assert pick_route(question(speaker=speaker, where=two)).name == "speaker"
    assert pick_route(question(speaker=unknown)).name == "speaker not quoted"
    assert pick_route(question(where=two)).name == "several outlets"
    agreeing = ConsistencyQuestion("Yes")
    assert pick_route(question(where=two, consistency=agreeing)).name == "reports agree"
    assert pick_route(question(speaker=speaker, consistency=agreeing)).name == "speaker"
    assert pick_route(question(where=PassageFilter(outlets=("AP",)))).name == "plain question"
    assert ROUTES[-1].applies(question())


def test_plain_route_takes_the_best_sentences_of_the_top_passages():
    search = FakeSearch([passage("a", "The harbour reopened on Monday."), passage("b", "Fishing boats returned.")])
    found = PlainRoute().find(context(question(standalone="When did the harbour reopen?"), search))
    assert [p.id for p in found.passages] == ["a", "b"] and found.ranking == found.passages
    assert found.evidence[0].text == "The harbour reopened on Monday." and found.refusal is None


def test_each_named_outlet_is_searched_alone_and_interleaved():
    search = FakeSearch(
        [
            passage("r1", "Reuters says the harbour reopened.", "Reuters"),
            passage("r2", "Reuters says boats returned to the harbour.", "Reuters"),
            passage("a1", "AP says the harbour stayed shut.", "AP"),
        ]
    )
    q = question(standalone="Did the harbour reopen?", where=PassageFilter(outlets=("Reuters", "AP")))
    found = OutletsRoute().find(context(q, search))
    assert [w.outlets for w in search.searches] == [("Reuters",), ("AP",)]
    assert [e.passage.outlet for e in found.evidence][:2] == ["Reuters", "AP"]
    assert [e.number for e in found.evidence] == list(range(1, len(found.evidence) + 1))


def test_a_speaker_nobody_quotes_is_refused_naming_who_is_quoted():
    search = FakeSearch([passage("a", "The port will reopen, Tomas Berg said.", speaker="Tomas Berg")])
    q = question(standalone="What did Ana Ruiz say about the port?", speaker=SpeakerQuestion("Ana Ruiz", (), "the port"))
    found = UnquotedSpeakerRoute().find(context(q, search))
    assert found.evidence == [] and found.refusal
    assert "don't quote Ana Ruiz" in found.refusal and "never report what Ana Ruiz said" in found.refusal
    assert "Tomas Berg" in found.refusal


def test_the_question_vector_is_embedded_once():
    calls = []

    class CountingEmbedder(FakeEmbedder):
        def embed(self, texts: list[str]) -> np.ndarray:
            calls.append(texts)
            return super().embed(texts)

    ctx = context(question(standalone="Where?"), FakeSearch([], CountingEmbedder()))
    assert ctx.vector is ctx.vector and calls == [["Where?"]]


class FakeStories:
    """Every article a story of its own."""

    def story_of(self, article_ids: list[str]) -> dict[str, str]:
        return {a: a for a in article_ids}


class FakeStore:
    def __init__(self, passages: list[RetrievedPassage]):
        self.by_id = {p.id: p for p in passages}
        self.stories = FakeStories()

    def passages(self, ids: list[str], where: PassageFilter = PassageFilter()) -> dict[str, RetrievedPassage]:
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def article_passages(self, article_id: str) -> list[RetrievedPassage]:
        return [p for p in self.by_id.values() if p.article_id == article_id]


def test_a_speaker_question_sees_only_that_speakers_sentences():
    from ingest.speakers.index import Quote

    berg = passage("b", "The port will reopen on Monday, Tomas Berg said.", speaker="Tomas Berg")
    varga = passage("v", "The port stays shut until repairs end, Elena Varga said.", speaker="Elena Varga")

    class Index(FakeIndex):
        quotes = {"Tomas Berg": [Quote("b", "b", 0, len(berg.text))], "Elena Varga": [Quote("v", "v", 0, len(varga.text))]}

    q = question(standalone="What did Berg say about the port?", speaker=SpeakerQuestion("Berg", ("Tomas Berg",), "the port"))
    ctx = RouteContext(q, FakeSearch([berg, varga]), FakeStore([berg, varga]), Index(), Settings())  # type: ignore[arg-type]
    found = SpeakerRoute().find(ctx)
    assert [e.passage.id for e in found.evidence] == ["b"] and found.refusal is None
    off_topic = replace(q, speaker=SpeakerQuestion("Berg", ("Tomas Berg",), "the election result in Peru"))
    refused = SpeakerRoute().find(replace(ctx, question=off_topic))
    assert refused.evidence == [] and "only on other topics" in (refused.refusal or "")
