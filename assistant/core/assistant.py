"""The path of a question, top to bottom: understand it once, let the first route that applies find the evidence,
generate, let the checks judge the answer, compose the `Answer`. CLI, API and UI all call `Assistant.stream`."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date

from langchain_core.language_models.chat_models import BaseChatModel

from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.speakers.index import SpeakerIndex
from ingest.store.store import Store

from .answer import Answer, Stage, Timings
from .checks import CHECKS
from .checks.check import CheckContext, Draft, run_checks
from .compose import Event, compose_answer, extracted_answer, with_other_copies
from .evidence import evidence_answers, with_sources
from .generation import BackendError, Generation, Generator
from .question import Question, QuestionError, clean_question, understand
from .retrieval import HybridSearch
from .routes import pick_route
from .routes.route import RouteContext
from .support import OverlapSimilarityJudge, SupportJudge

log = logging.getLogger("byline")

__all__ = ["Assistant", "Event", "QuestionError", "Stage"]


class Assistant:
    """Built once per process from settings; `ask` and `stream` are safe to call from several threads."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        chat_model: BaseChatModel | None = None,
        model_name: str | None = None,
        judge: SupportJudge | None = None,
    ):
        self.settings = settings
        self.search = HybridSearch(settings, store)
        self.store = self.search.store
        self._judge = judge
        self.generator = Generator(settings, chat_model, model_name)

    @property
    def judge(self) -> SupportJudge:
        if self._judge is None:
            self._judge = OverlapSimilarityJudge(self.search.embedder, self.settings.answering.support_cosine_weight)
        return self._judge

    @property
    def chat_model(self) -> BaseChatModel:
        return self.generator.chat_model

    @property
    def model_name(self) -> str:
        return self.generator.model_name

    def _chat_model_or_none(self) -> BaseChatModel | None:
        """The chat model for a route's choices; None when the backend cannot be loaded (the route reads the
        words alone)."""
        try:
            return self.chat_model
        except Exception:
            log.info("no chat model for the route", exc_info=True)
            return None

    def warm_up(self) -> None:
        """Load the models and evaluate the fixed prompt prefix, so the first user question is not the slow one."""
        started = time.perf_counter()
        try:
            self.generator.warm_up()  # first: native code that leaves the GIL to the server starting beside it
            self.search.embedder.embed(["warm up"])
            self.store.lexical()
        except Exception:  # a backend that is down is reported when a question is asked
            log.info("warm-up failed", exc_info=True)
        log.info("warmed up in %.1f s", time.perf_counter() - started)

    def ask(self, question: str, history: list[tuple[str, str]] | None = None, where: PassageFilter = PassageFilter()) -> Answer:
        answer = None
        for event in self.stream(question, history, where):
            if event.kind == "answer":
                answer = event.data
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: list[tuple[str, str]] | None = None, where: PassageFilter = PassageFilter()
    ) -> Iterator[Event]:
        started, timings = time.perf_counter(), Timings()
        asked = clean_question(question)
        if self.store.count() == 0:
            raise QuestionError("the store is empty: add articles first (`byline ingest PATH` or the Articles tab)")
        yield Event("stage", Stage.SEARCHING)
        index = self.store.speaker_index()
        q = self.understand(asked, history or [], where, index, timings)
        if q.standalone != q.asked:
            yield Event("standalone", q.standalone)
        route = pick_route(q)
        t0 = time.perf_counter()
        found = route.find(RouteContext(q, self.search, self.store, index, self.settings, self._chat_model_or_none))
        timings.retrieve_s = time.perf_counter() - t0
        if found.extract is not None:
            yield Event("evidence", found.evidence)
            extract = extracted_answer(q, found, found.extract, self.describe(q.where), timings, started)
            yield Event("answer", with_other_copies(extract, self.store.stories))
            return
        evidence = with_sources(found.evidence)
        yield Event("evidence", evidence)
        generation, verdicts = None, []
        if q.error is None and evidence_answers(
            q.standalone, found.passages, evidence, self.settings.answering.min_evidence_score
        ):
            evidence = self.generator.fit_to_context(evidence, q.standalone)
            yield Event("stage", Stage.WRITING)
            generation = yield from self.generator.generate(q, evidence, started, found.parts)
            if generation.error is None:
                yield Event("stage", Stage.CHECKING)
                context = CheckContext(
                    q,
                    evidence,
                    found.passages,
                    generation.raw,
                    generation.messages,
                    self.settings,
                    self.judge,
                    self.chat_model,
                    generation.yes_no,
                    generation.sentence_choice,
                    self.generator.choices,
                    generation.span,
                    generation.yes_no_parts,
                )
                t0 = time.perf_counter()
                verdicts = run_checks(CHECKS, Draft(generation.raw), context)
                timings.check_s = time.perf_counter() - t0
        elif q.error is None and found.refusal is None and q.yes_no:
            # Nothing was written, but a refusal may still be an answer ("No" to what the articles report).
            context = CheckContext(q, evidence, found.passages, "", [], self.settings, self.judge)
            verdicts = run_checks(CHECKS, Draft("", refused=True), context)
        timings.first_token_s = generation.first_token_s if generation else None
        timings.choice_s = generation.choice_s if generation else None
        timings.span_s = generation.span_s if generation else None
        timings.total_s = time.perf_counter() - started
        answer = compose_answer(q, found, generation or Generation(), verdicts, self.describe(q.where), timings)
        answer.model = self.model_name
        yield Event("answer", with_other_copies(answer, self.store.stories))

    def understand(
        self, asked: str, history: list[tuple[str, str]], where: PassageFilter, index: SpeakerIndex, timings: Timings
    ) -> Question:
        """The question record; a follow-up is rewritten first (a backend failure is kept as the answer's error)."""
        error = None
        try:
            standalone = self.generator.standalone(asked, history, timings)
        except BackendError as err:
            error, standalone = str(err), asked
        answering = self.settings.answering
        return understand(
            asked, standalone, where, index, answering.name_match_cutoff, date.today(), error, answering.consistency_answers
        )

    def describe(self, where: PassageFilter) -> str | None:
        """The filter in words, as answers state it: "only “Title”, …; published 2024-01-01 to 2024-06-30"."""
        if not where:
            return None
        parts = []
        if where.outlets:
            parts.append("from " + " or ".join(where.outlets))
        if where.article_ids:
            titles = self.store.titles(list(where.article_ids))
            parts.append("only " + ", ".join(f"“{titles.get(i, i)}”" for i in where.article_ids))
        after, before = (where.published_after or "")[:10], (where.published_before or "")[:10]
        if after and before:
            parts.append(f"published {after} to {before}")
        elif after:
            parts.append(f"published on or after {after}")
        elif before:
            parts.append(f"published on or before {before}")
        return "; ".join(parts)
