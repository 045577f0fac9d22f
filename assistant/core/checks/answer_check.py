"""A second opinion on an answer that costs a few dozen tokens: the local model is asked, in the same llama.cpp
context that just wrote the answer (its prompt and answer are already evaluated), whether its answer is about
exactly what the question asks, and the probability of "same" against "different" is read from the next-token
logits. Of four wordings tried on squad8 questions (docs/EVALUATION.md), this one separated answerable from
unanswerable questions best; "does the evidence answer the question? yes or no" barely did (the model says yes).

SQuAD 2.0's unanswerable questions change one name, date or relation of an answerable one; the answer then reads
fine and cites real sentences, and only a check that rereads the question against the evidence can catch it.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from assistant.models.chat_models import chat_turns
from assistant.models.choices import ChoiceReader, ChoiceSource, word_odds

from ..answer import Signals
from ..refusal_model import refusal_model
from .check import CheckContext, Draft, Verdict

CHECK = (
    'Compare your answer with the question: "{question}" Is your answer about exactly what the question asks, or about '
    "something else (another person, date, place, thing or direction)? Reply with one word: same or different."
)
_SAME = ["same", "Same", " same", " Same"]
_DIFFERENT = ["different", "Different", " different", " Different"]
REFUSAL = "The articles don't say: read against the question, the closest sentences do not answer it."


def same_probability(reader: ChoiceReader, messages: list[BaseMessage], answer: str, question: str) -> float:
    """P("same") / (P("same") + P("different")) for CHECK asked after `answer`, given the prompt `messages` that
    produced it; 1.0 when it cannot be read (the answer then stands on the other checks)."""
    turns = [
        *chat_turns(messages),
        {"role": "assistant", "content": answer},
        {"role": "user", "content": CHECK.format(question=question)},
    ]
    odds = word_odds(reader, turns, _SAME, _DIFFERENT)
    return 1.0 if odds is None else odds


@dataclass(frozen=True)
class AnswerCheckVerdict(Verdict):
    probability: float | None = None
    """P("same"); None when the check did not run (turned off, or a chat model whose choices cannot be read)."""
    signals: Signals | None = None
    """What the refusal model read, when the model was also asked which sentence answers."""
    choices_from: ChoiceSource | None = None


def read_signals(draft: Draft, context: CheckContext, same: float) -> Signals | None:
    choice = context.sentence_choice
    if choice is None or not context.evidence:
        return None
    chosen = choice.chosen
    cited = False
    if chosen is not None and chosen <= len(context.evidence):
        e = context.evidence[chosen - 1]
        cited = any(c.passage_id == e.passage.id and c.start == e.start for c in draft.citations)
    return Signals(
        none_probability=choice.none_probability,
        choice_shares=list(choice.shares),
        chosen_sentence=chosen,
        chosen_cited=cited,
        same_probability=same,
        evidence_score=max(e.score for e in context.evidence),
        span_probability=context.span.probability if context.span else None,
    )


class AnswerCheck:
    """Refuses an answer the model itself reads as being about something other than what was asked, or, with the
    sentence choice's signals, one the refusal model reads as not answered by the evidence. Where the choices are
    words from a short completion (no probabilities to weigh), only the word "different" refuses: the numbered
    pass's likeliest first word is "0" for 0.89 of squad-train questions, answerable or not, so as a word it decides nothing
    (its probability is what carries the signal)."""

    name = "answer check"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> AnswerCheckVerdict:
        reader, settings = context.choices, context.settings
        if not settings.answering.answer_check or reader is None:
            return AnswerCheckVerdict(self.name, draft, ran=False)
        probability = same_probability(reader, context.messages, context.raw, context.question.asking)
        signals = read_signals(draft, context, probability)
        if reader.source is ChoiceSource.COMPLETION:
            keep = probability >= 0.5
        elif signals is not None and settings.answering.refusal_model:
            fitted = refusal_model()
            answerable = fitted.probability(signals)
            signals = signals.model_copy(update={"answerable": answerable})
            keep = answerable >= fitted.threshold
        else:
            keep = probability >= settings.answering.answer_check_floor
        kept = draft if keep else draft.refuse(REFUSAL)
        return AnswerCheckVerdict(self.name, kept, probability, signals, reader.source)
