"""The chat model's part of an answer: rewriting a follow-up, fitting the evidence to the context window, and
streaming the answer's tokens. Backend failures become one readable message; details go to the log."""

from __future__ import annotations

import logging
import time
from collections.abc import Generator as Yielding
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser

from assistant.models.chat_models import BackendError, LocalChatModel, backend_hint, chat_turns, make_chat_model
from assistant.models.choices import ChoiceReader, ChoiceSource, choice_reader, word_odds
from ingest.settings import Settings

from .answer import Event, SpanAnswer, Timings, Usage
from .compound import PartEvidence, PartVerdict, weakest
from .evidence import Evidence
from .followup import swapped_question
from .prompts import ANSWER, ANSWER_YES_NO, CHOOSE, REWRITE, answer_prompt_tokens, clean_rewrite, format_history, needs_rewrite
from .question import Question, QuestionError
from .sentence_choice import SentenceChoice, labels
from .spans.choose import choose_span
from .spans.reply import span_reply
from .yes_no_choice import YesNoChoice

log = logging.getLogger("byline")
__all__ = ["BackendError", "Generation", "Generator"]


YES = ["Yes", " Yes", "yes", " yes", "YES"]
NO = ["No", " No", "no", " no", "NO"]
NO_EVIDENCE = "[1] (no sentence was found)"


def choose_yes_no(reader: ChoiceReader, question: str, evidence: str, floor: float, prior_weight: float = 1.0) -> YesNoChoice:
    """P(Yes) with no evidence, then with it (so the local context holds the prompt generation goes on from).
    Read from a short completion, the word itself is the verdict: there is no leaning to correct; with a weight of 0
    the leaning is not read (a prompt evaluation saved)."""
    reads_leaning = reader.source is not ChoiceSource.COMPLETION and prior_weight != 0
    blind = chat_turns(ANSWER_YES_NO.format_messages(evidence=NO_EVIDENCE, question=question))
    prior = word_odds(reader, blind, YES, NO) if reads_leaning else None
    odds = word_odds(reader, chat_turns(ANSWER_YES_NO.format_messages(evidence=evidence, question=question)), YES, NO)
    said = 1.0 if odds is None else odds
    if reader.source is ChoiceSource.COMPLETION:
        return YesNoChoice(said, 0.5, 0.0, 0.0)
    if not reads_leaning:
        return YesNoChoice(said, None, floor, 0.0)
    return YesNoChoice(said, 1.0 if prior is None else prior, floor, prior_weight)


def choose_sentence(reader: ChoiceReader, question: str, evidence: str, count: int) -> SentenceChoice | None:
    """The numbered pass; the local answer prompt then shares all of it but its last line."""
    turns = chat_turns(CHOOSE.format_messages(evidence=evidence, question=question))
    shares = reader.shares(turns, labels(count))
    return None if shares is None else SentenceChoice(tuple(shares))


@dataclass
class Generation:
    """What one streamed generation produced: the raw text, or the error that cut it short."""

    raw: str = ""
    usage: Usage = field(default_factory=Usage)
    first_token_s: float | None = None
    error: str | None = None
    messages: list[BaseMessage] = field(default_factory=list)
    yes_no: YesNoChoice | None = None
    """A yes/no question's verdict as read from the model's probabilities (local model, `yes_no_choice` on); for a
    compound question, its weakest part's."""
    yes_no_parts: list[PartVerdict] = field(default_factory=list)
    sentence_choice: SentenceChoice | None = None
    choice_s: float | None = None
    """Which sentence answers, or none, as read from the model's probabilities (`sentence_choice` on)."""
    span: SpanAnswer | None = None
    """The span chosen for a who/when/where/how-many question; the reply is then written around it, not generated."""
    span_s: float | None = None
    choices_from: ChoiceSource | None = None
    """How the choices were read (logits, logprobs, a short completion); None when none was made."""


class Generator:
    """Owns the chat model, loaded on first use."""

    def __init__(self, settings: Settings, chat_model: BaseChatModel | None = None, model_name: str | None = None):
        self.settings = settings
        self._chat_model = chat_model
        self._model_name = model_name or (type(chat_model).__name__ if chat_model else "")
        self._choices: ChoiceReader | None = None

    @property
    def chat_model(self) -> BaseChatModel:
        if self._chat_model is None:
            self._chat_model, self._model_name = make_chat_model(self.settings)
        return self._chat_model

    @property
    def choices(self) -> ChoiceReader | None:
        """How this backend's choices are read; None for a chat model Byline does not know (a test's fake)."""
        if self._choices is None:
            self._choices = choice_reader(self.chat_model)
        return self._choices

    @property
    def model_name(self) -> str:
        return self._model_name or self.settings.models.backend

    @property
    def rewrite_model(self) -> BaseChatModel:
        """The local model rewrites in a context of its own, so its prompt never evicts the answer prompt's prefix."""
        model = self.chat_model
        if isinstance(model, LocalChatModel):
            return model.model_copy(update={"slot": "rewrite", "max_tokens": self.settings.models.rewrite_max_tokens})
        return model

    def warm_up(self) -> None:
        messages = ANSWER.format_messages(evidence="[1] Nothing.", question="Nothing?")
        if isinstance(self.chat_model, LocalChatModel):
            self.chat_model.warm_up(messages, self.settings.models.cache_dir / "prompt-state")
        else:
            self.chat_model.invoke(messages, max_tokens=1)

    def standalone(self, question: str, history: list[tuple[str, str]], timings: Timings) -> str:
        if not needs_rewrite(question, history):
            return question
        t0 = time.perf_counter()
        if swapped := swapped_question(question, history):
            timings.rewrite_s = time.perf_counter() - t0
            return swapped
        chain = REWRITE | self.rewrite_model | StrOutputParser()
        try:
            history_text = format_history(
                history, self.settings.answering.history_turns, self.settings.answering.history_answer_chars
            )
            text = chain.invoke({"history": history_text, "question": question}, stop=["\n"])
        except BackendError:
            raise
        except Exception as err:
            raise BackendError(self.backend_message(err)) from None
        timings.rewrite_s = time.perf_counter() - t0
        return clean_rewrite(text, question)

    def fit_to_context(self, evidence: list[Evidence], question: str) -> list[Evidence]:
        """The local model's context must hold the prompt and the answer: the weakest evidence goes first, and a
        question that cannot fit even alone is an error that says so (not a backend failure)."""
        if self.settings.models.backend != "local":
            return evidence
        budget = self.settings.models.n_ctx - self.settings.models.max_tokens
        kept = list(evidence)
        while kept and answer_prompt_tokens([e.prompt_line() for e in kept], question) > budget:
            kept.pop()
        if answer_prompt_tokens([e.prompt_line() for e in kept], question) > budget or not kept:
            raise QuestionError(
                f"the question and its evidence do not fit the local model's context window ({self.settings.models.n_ctx} "
                f"tokens, {self.settings.models.max_tokens} of them kept for the answer); ask a shorter question or raise "
                "BYLINE_N_CTX"
            )
        return kept

    def generate(
        self, question: Question, evidence: list[Evidence], started: float, parts: list[PartEvidence] | None = None
    ) -> Yielding[Event, None, Generation]:
        """Streams the model's tokens as events; returns the whole generation."""
        prompt = ANSWER_YES_NO if question.yes_no else ANSWER
        lines = "\n".join(e.prompt_line() for e in evidence)
        messages = prompt.format_messages(evidence=lines, question=question.standalone)
        result = Generation(messages=messages)
        raw, finished = [], False
        try:
            if parts and question.yes_no and self.settings.answering.compound_yes_no:
                self.read_parts(parts, evidence, result)
            self.read_choices(question, evidence, lines, result)
            if result.span is not None:
                result.raw = span_reply(result.span)
                result.first_token_s = time.perf_counter() - started
                yield Event("token", result.raw)
                return result
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
            result.error = self.backend_message(err)
        result.raw = "".join(raw).strip()
        if result.error is None and self.settings.models.backend != "local" and not finished:
            result.error = self.backend_message(ConnectionError("the stream ended before the answer was finished"))
        return result

    def read_choices(self, question: Question, evidence: list[Evidence], lines: str, result: Generation) -> None:
        """The model's choices before it writes, each read from its probabilities: which sentence answers (or
        none), Yes or No, and for a span question the span itself (which then is the answer)."""
        answering, reader = self.settings.answering, self.choices
        if reader is None:
            return
        if answering.sentence_choice:
            t0 = time.perf_counter()
            result.sentence_choice = choose_sentence(reader, question.standalone, lines, len(evidence))
            result.choice_s = (result.choice_s or 0.0) + time.perf_counter() - t0
        if question.yes_no and answering.yes_no_choice and result.yes_no is None:
            result.yes_no = choose_yes_no(
                reader, question.standalone, lines, answering.yes_no_floor, answering.yes_no_prior_weight
            )
        if question.span is not None and answering.span_answers:
            t0 = time.perf_counter()
            sentences = [e.text for e in evidence]
            result.span = choose_span(reader, question.span, question.standalone, sentences, lines, result.sentence_choice)
            result.span_s = time.perf_counter() - t0
        if result.choice_s is not None or result.yes_no is not None or result.span_s is not None:
            result.choices_from = reader.source

    def read_parts(self, parts: list[PartEvidence], evidence: list[Evidence], result: Generation) -> None:
        """Yes or No for each part of a compound question against its own sentences; asked before the other choices
        so that the prompt they share with the answer stays in the local model's cache."""
        answering, reader = self.settings.answering, self.choices
        if reader is None or reader.source is ChoiceSource.COMPLETION:
            return
        shown = {e.number: e for e in evidence}
        t0 = time.perf_counter()
        for part in parts:
            kept = [shown[n] for n in part.numbers if n in shown]
            lines = "\n".join(e.prompt_line() for e in kept) or NO_EVIDENCE
            choice = choose_yes_no(
                reader, part.part, lines, answering.compound_yes_no_floor, answering.compound_yes_no_prior_weight
            )
            result.yes_no_parts.append(PartVerdict(part.part, choice, tuple(e.number for e in kept)))
        result.yes_no = weakest(result.yes_no_parts).choice
        result.choice_s = time.perf_counter() - t0

    def backend_message(self, err: Exception) -> str:
        """What the user reads; the exception's class and traceback go to the log only."""
        log.info("chat backend %s failed", self.settings.models.backend, exc_info=err)
        detail = str(err).strip() or "no detail"
        return f"the '{self.settings.models.backend}' chat backend failed ({detail}); check {backend_hint(self.settings)}"
