"""Quote checks ("Did Vance say that …?", "Who said '…'?"): a verdict from the words and the model's choice,
and an answer the code writes around it (`assistant/core/quotes/`)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.core.question import Question
from assistant.core.quotes.candidates import Said, gather, titled_speakers
from assistant.core.quotes.meaning import same_meaning
from assistant.core.quotes.reply import reply
from assistant.core.quotes.verdict import Judgement, QuoteFloors, judge
from assistant.core.routes.route import Extract, Found, RouteContext
from ingest.settings import Settings


def quote_judgement(context: RouteContext, floors: QuoteFloors, meaning: Callable[[str], float | None]) -> Judgement:
    claim = context.question.quote
    assert claim is not None
    return judge(claim, *quote_candidates(context), floors, meaning)


def quote_candidates(context: RouteContext) -> tuple[tuple[str, ...], list[Said]]:
    """(the speakers asked about, the sentences to judge); a person named by a title ("the mayor") is whoever
    the articles write with that title among the speakers the search finds."""
    q = context.question
    claim = q.quote
    assert claim is not None
    parts = (context.search, context.store, context.index, context.settings, q.where)
    asked = claim.speakers
    candidates = gather(claim, asked, *parts)
    if claim.title and not asked:
        texts = {
            a: " ".join(p.text for p in context.store.article_passages(a))
            for a in {c.parts[0].passage.article_id for c in candidates}
        }
        asked = titled_speakers(claim.title, candidates, texts)
        candidates = gather(claim, asked, *parts) if asked else candidates
    return asked, candidates


def floors_of(settings: Settings) -> QuoteFloors:
    answering = settings.answering
    return QuoteFloors(
        answering.quote_meaning_floor, answering.quote_topic_floor, answering.quote_other_floor, answering.quote_changed_floor
    )


class QuoteRoute:
    name = "quote check"

    def applies(self, question: Question) -> bool:
        return question.quote is not None

    def find(self, context: RouteContext) -> Found:
        claim = context.question.quote
        assert claim is not None
        judgement = quote_judgement(
            context, floors_of(context.settings), lambda text: same_meaning(context.chat_model, claim, text)
        )
        claims, evidence = reply(claim, judgement)
        passages = list({e.passage.id: e.passage for e in evidence}.values())
        return Found(passages, evidence, extract=Extract(claims, "quote check", "", judgement.check))
