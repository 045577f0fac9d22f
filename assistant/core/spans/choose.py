"""The span that answers, chosen by the model among the evidence's candidates: the reply is held to the
candidates' tokens (local logits) or matched to them (a remote reply's words)."""

from __future__ import annotations

from assistant.models.chat_models import chat_turns
from assistant.models.choices import ChoiceReader

from ..answer import SpanAnswer
from ..prompts import SPAN
from ..sentence_choice import SentenceChoice
from .candidates import span_candidates
from .kinds import SpanKind, asked_count
from .reply import cited_sentence


def choose_span(
    reader: ChoiceReader, kind: SpanKind, question: str, sentences: list[str], lines: str, choice: SentenceChoice | None
) -> SpanAnswer | None:
    """None when the evidence holds no candidate of the kind, the reply matches none, or the question asks for
    more things than the chosen span names ("Which two compounds …?" answered by one): the answer is then written
    by the model as for any question."""
    candidates = span_candidates(sentences, kind, question)
    if not candidates:
        return None
    turns = chat_turns(SPAN.format_messages(evidence=lines, question=question))
    pick = reader.span(turns, [c.spellings for c in candidates])
    if pick is None:
        return None
    chosen = candidates[pick.index]
    if chosen.items < asked_count(question):
        return None
    return SpanAnswer(
        text=chosen.listed or chosen.written,
        sentence=cited_sentence(chosen, sentences, choice),
        probability=pick.probability,
        candidates=len(candidates),
        kind=kind.value,
    )
