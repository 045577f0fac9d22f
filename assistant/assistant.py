"""The whole answering flow: rewrite a follow-up, retrieve, pick evidence, generate, verify citations."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.store import Store

from .answer import Answer, Source, Timings, Usage
from .answer_check import same_probability
from .attribution import respelled
from .chat_models import BackendError, LocalChatModel, backend_hint, make_chat_model
from .citations import number_citations, verify_citations
from .evidence import Evidence, select_evidence
from .multi import asks_yes_no, evidence_from_each, outlet_parts, verdict_answer, with_sources, with_verdict
from .overview import OverviewRequest, overview_evidence, overview_request
from .prompts import ANSWER, ANSWER_YES_NO, REWRITE, answer_prompt_tokens, clean_rewrite, format_history, needs_rewrite
from .quotes import not_quoted, speaker_evidence
from .retrieval import HybridSearch, RetrievedPassage
from .scope import scope_from_question
from .support import OverlapSimilarityJudge, SupportJudge, names_and_numbers
from .traps import asking_part, trap_refusal

log = logging.getLogger("byline")
MAX_QUESTION_CHARS = 2000
_SURROGATES = re.compile(r"[\ud800-\udfff]")  # undecodable bytes, as Python passes them on from stdin
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class QuestionError(ValueError):
    """A question that cannot be asked as it is; the message says why and what to do."""


def clean_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = " ".join(_CONTROL.sub(" ", _SURROGATES.sub("\ufffd", question)).split())
    if not text:
        raise QuestionError("the question is empty; type a question about the articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; keep it under {MAX_QUESTION_CHARS:,} (ask about one thing at a time)"
        )
    return text


@dataclass
class Generation:
    """What one streamed generation produced: the raw text, or the error that cut it short."""

    raw: str = ""
    usage: Usage = field(default_factory=Usage)
    first_token_s: float | None = None
    error: str | None = None
    messages: list[BaseMessage] = field(default_factory=list)


@dataclass
class Event:
    """One step of a streamed answer: 'standalone', 'evidence', 'token' or 'answer' (always last)."""

    kind: str
    data: Any


def refusal_text(question: str) -> str:
    return f"The articles don't say. Nothing in them answers “{question}”; the closest passages are listed below."


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
        self._chat_model = chat_model
        self._model_name = model_name or (type(chat_model).__name__ if chat_model else "")

    @property
    def judge(self) -> SupportJudge:
        if self._judge is None:
            self._judge = OverlapSimilarityJudge(self.search.embedder, self.settings.support_cosine_weight)
        return self._judge

    @property
    def chat_model(self) -> BaseChatModel:
        if self._chat_model is None:
            self._chat_model, self._model_name = make_chat_model(self.settings)
        return self._chat_model

    @property
    def rewrite_model(self) -> BaseChatModel:
        """The local model rewrites in a context of its own, so its prompt never evicts the answer prompt's prefix."""
        model = self.chat_model
        if isinstance(model, LocalChatModel):
            return model.model_copy(update={"slot": "rewrite", "max_tokens": self.settings.rewrite_max_tokens})
        return model

    @property
    def model_name(self) -> str:
        return self._model_name or self.settings.backend

    def warm_up(self) -> None:
        """Load the models and evaluate the fixed prompt prefix, so the first user question is not the slow one."""
        try:
            self.search.embedder.embed(["warm up"])
            self.store.lexical()
            self.chat_model.invoke(ANSWER.format_messages(evidence="[1] Nothing.", question="Nothing?"), max_tokens=1)
        except Exception:  # a backend that is down is reported when a question is asked
            pass

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
        started = time.perf_counter()
        question = clean_question(question)
        history = history or []
        if self.store.count() == 0:
            raise QuestionError("the store is empty: add articles first (`byline ingest PATH` or the Articles tab)")
        timings = Timings()
        result = Answer(question=question, standalone_question=question, answer="", model=self.model_name)
        try:
            standalone = self._standalone(question, history, timings)
        except BackendError as err:
            result.error, standalone = str(err), question
        index = self.store.speaker_index()
        standalone, asked = respelled(standalone, index, self.settings.name_match_cutoff)
        scoped = scope_from_question(standalone, where, set(index.outlets), index.dated > 0, date.today())
        result.scope_from_question = scoped != where
        where = scoped
        result.scope = self.describe(where) if where else None
        result.standalone_question = standalone
        if standalone != question:
            yield Event("standalone", standalone)

        overview = overview_request(standalone) if asked is None else None
        if overview is not None:
            yield from self._overview(overview, result, where, timings, started)
            return

        t0 = time.perf_counter()
        vector = self.search.embedder.embed([standalone])[0]
        refusal = None
        if asked is not None and asked.speakers:
            found = speaker_evidence(asked, standalone, vector, index, self.store, self.search.embedder, self.settings, where)
            passages, evidence, refusal = found.passages, found.evidence, found.refusal
        elif parts := outlet_parts(where) if asked is None else []:
            passages, evidence = evidence_from_each(standalone, vector, self.search, self.settings, parts)
        else:
            result.ranking = self.search.rank(standalone, self.settings.top_k, where, vector=vector)
            passages = result.ranking[: self.settings.top_k]
            evidence = select_evidence(standalone, vector, passages, self.search.embedder, self.settings)
            if asked is not None:
                refusal, evidence = not_quoted(asked, index, passages), []
        evidence = with_sources(evidence)
        timings.retrieve_s = time.perf_counter() - t0
        result.sources = [_source(p) for p in passages]
        result.retrieved_ids = [p.id for p in passages]
        yield Event("evidence", evidence)

        if result.error is None and _answerable(standalone, passages, evidence, self.settings.min_evidence_score):
            evidence = self._fit_to_context(evidence, standalone)
            yes_no = asks_yes_no(standalone)
            generation = yield from self._generate(standalone, evidence, started, ANSWER_YES_NO if yes_no else ANSWER)
            timings.first_token_s, result.usage = generation.first_token_s, generation.usage
            result.raw_answer, result.error = generation.raw, generation.error
            if generation.error is None:
                verified = verify_citations(generation.raw, evidence, self.judge, self.settings.support_threshold, standalone)
                result.answer, result.citations = verified.answer, verified.citations
                result.unsupported, result.refused = verified.unsupported, verified.refused
                if yes_no and verified.refused and (bare := verdict_answer(generation.raw, evidence)):
                    (result.answer, result.citations), result.refused = bare, False
                result.markers_total, result.markers_valid = verified.markers_total, verified.markers_valid
                if not result.refused:
                    if yes_no:
                        result.answer = with_verdict(result.answer, generation.raw)
                    refusal = trap_refusal(standalone, evidence, passages, result, self.settings.question_names_cited_max)
                    refusal = refusal or self._check_answer(result, generation)
                    if refusal:
                        result.unsupported = [*result.unsupported, result.answer]
                        result.answer, result.citations = "", []
        if not result.answer and result.error is None:
            result.refused, result.answer = True, refusal or refusal_text(standalone)
        elif result.error is not None and not result.answer:
            result.answer = f"Could not generate an answer: {result.error}"
        timings.total_s = time.perf_counter() - started
        result.timings, result.model = timings, self.model_name
        yield Event("answer", result)

    def _overview(
        self, request: OverviewRequest, result: Answer, where: PassageFilter, timings: Timings, started: float
    ) -> Iterator[Event]:
        """An extractive, cited summary: one article's lead and central sentences, or one line per article."""
        t0 = time.perf_counter()
        sources, per_article = overview_evidence(request, self.store, self.search, where)
        timings.retrieve_s = time.perf_counter() - t0
        evidence = [replace(e, number=n) for n, e in enumerate((e for group in per_article for e in group), start=1)]
        yield Event("evidence", evidence)
        claims: list[tuple[str, list[int]]] = []
        n = 0
        for group in per_article:
            for i, e in enumerate(group):
                n += 1
                if len(per_article) == 1:
                    claims.append((e.text, [n]))
                elif i == 0:
                    date = f", {e.passage.published_at[:10]}" if e.passage.published_at else ""
                    claims.append((f"{e.passage.title} ({e.passage.outlet or e.passage.source}{date}): {e.text}", [n]))
        result.sources = [_source(p) for p in sources]
        result.retrieved_ids = [p.id for p in sources]
        if claims:
            result.answer, result.citations = number_citations(claims, evidence)
        else:
            result.refused, result.answer = True, "There are no articles to summarize" + (" within the filter." if where else ".")
        timings.total_s = time.perf_counter() - started
        result.timings, result.model = timings, "extractive summary"
        yield Event("answer", result)

    def describe(self, where: PassageFilter) -> str:
        """The filter in words, as answers state it: "only “Title”, …; published 2024-01-01 to 2024-06-30"."""
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

    def _fit_to_context(self, evidence: list[Evidence], question: str) -> list[Evidence]:
        """The local model's context must hold the prompt and the answer: the weakest evidence goes first, and a
        question that cannot fit even alone is an error that says so (not a backend failure)."""
        if self.settings.backend != "local":
            return evidence
        budget = self.settings.n_ctx - self.settings.max_tokens
        kept = list(evidence)
        while kept and answer_prompt_tokens([e.prompt_line() for e in kept], question) > budget:
            kept.pop()
        if answer_prompt_tokens([e.prompt_line() for e in kept], question) > budget or not kept:
            raise QuestionError(
                f"the question and its evidence do not fit the local model's context window ({self.settings.n_ctx} "
                f"tokens, {self.settings.max_tokens} of them kept for the answer); ask a shorter question or raise "
                "BYLINE_N_CTX"
            )
        return kept

    def _standalone(self, question: str, history: list[tuple[str, str]], timings: Timings) -> str:
        if not needs_rewrite(question, history):
            return question
        t0 = time.perf_counter()
        chain = REWRITE | self.rewrite_model | StrOutputParser()
        try:
            history_text = format_history(history, self.settings.history_turns, self.settings.history_answer_chars)
            text = chain.invoke({"history": history_text, "question": question}, stop=["\n"])
        except BackendError:
            raise
        except Exception as err:
            raise BackendError(self._backend_message(err)) from None
        timings.rewrite_s = time.perf_counter() - t0
        return clean_rewrite(text, question)

    def _generate(
        self, question: str, evidence: list[Evidence], started: float, prompt: ChatPromptTemplate = ANSWER
    ) -> Generator[Event, None, Generation]:
        """Streams the model's tokens as events; returns the whole generation."""
        messages = prompt.format_messages(evidence="\n".join(e.prompt_line() for e in evidence), question=question)
        result = Generation(messages=messages)
        raw, finished = [], False
        try:
            for chunk in self.chat_model.stream(messages):
                meta = chunk.response_metadata or {}
                finished = finished or bool(meta.get("finish_reason") or meta.get("done_reason") or meta.get("done"))
                if chunk.usage_metadata:
                    result.usage = Usage(
                        prompt_tokens=chunk.usage_metadata.get("input_tokens", 0),
                        completion_tokens=chunk.usage_metadata.get("output_tokens", 0),
                    )
                if chunk.content:
                    if result.first_token_s is None:
                        result.first_token_s = time.perf_counter() - started
                    raw.append(str(chunk.content))
                    yield Event("token", str(chunk.content))
        except BackendError as err:
            result.error = str(err)
        except Exception as err:
            result.error = self._backend_message(err)
        result.raw = "".join(raw).strip()
        if result.error is None and self.settings.backend != "local" and not finished:
            result.error = self._backend_message(ConnectionError("the stream ended before the answer was finished"))
        return result

    def _check_answer(self, result: Answer, generation: Generation) -> str | None:
        """The local model's own check that the evidence answers the question; a refusal below the swept floor."""
        if not self.settings.answer_check or not isinstance(self.chat_model, LocalChatModel):
            return None
        question = asking_part(result.standalone_question)  # not the instructions around it
        result.answer_check = same_probability(self.chat_model, generation.messages, generation.raw, question)
        if result.answer_check >= self.settings.answer_check_floor:
            return None
        return "The articles don't say: read against the question, the closest sentences do not answer it."

    def _backend_message(self, err: Exception) -> str:
        """What the user reads; the exception's class and traceback go to the log only."""
        log.info("chat backend %s failed", self.settings.backend, exc_info=err)
        detail = str(err).strip() or "no detail"
        return f"the '{self.settings.backend}' chat backend failed ({detail}); check {backend_hint(self.settings)}"


def _answerable(question: str, passages: list[RetrievedPassage], evidence: list[Evidence], floor: float) -> bool:
    """Weak evidence, or a question about a name or number that no retrieved passage (nor its title or outlet)
    mentions, is refused without asking the model: it saves a generation and a small model's guess."""
    if not evidence or max(e.score for e in evidence) < floor:
        return False
    names = names_and_numbers(question)
    haystack = " ".join(f"{p.title} {p.outlet or ''} {p.text}" for p in passages).lower()
    return not names or any(name in haystack for name in names)


def _source(p: RetrievedPassage) -> Source:
    return Source(
        passage_id=p.id,
        article_id=p.article_id,
        title=p.title,
        source=p.source,
        text=p.text,
        start=p.start,
        end=p.end,
        score=p.score,
        published_at=p.published_at,
        outlet=p.outlet,
    )
