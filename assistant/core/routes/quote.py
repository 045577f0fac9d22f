"""Quote checks ("Did Vance say that …?", "Who said '…'?"): a verdict from the words and the model's choice,
and an answer the code writes around it (`assistant/core/quotes/`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.core.checks.parts import agreeing
from assistant.core.evidence import Evidence
from assistant.core.question import Question
from assistant.core.quotes.candidates import Said, gather, titled_speakers
from assistant.core.quotes.claim import QuoteClaim
from assistant.core.quotes.meaning import same_meaning
from assistant.core.quotes.reply import reply
from assistant.core.quotes.verdict import Judgement, QuoteFloors, judge
from assistant.core.routes.route import Extract, Found, RouteContext
from ingest.settings import Settings


def quote_judgement(
    context: RouteContext, claim: QuoteClaim, floors: QuoteFloors, meaning: Callable[[str], float | None]
) -> Judgement:
    return judge(claim, *quote_candidates(context, claim), floors, meaning)


def quote_candidates(context: RouteContext, claim: QuoteClaim) -> tuple[tuple[str, ...], list[Said]]:
    """(the speakers asked about, the sentences to judge); a person named by a title ("the mayor") is whoever
    the articles write with that title among the speakers the search finds."""
    q = context.question
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
        answering.quote_meaning_floor,
        answering.quote_topic_floor,
        answering.quote_other_floor,
        answering.quote_changed_floor,
        answering.quote_other_words_floor,
    )


class QuoteRoute:
    name = "quote check"

    def applies(self, question: Question) -> bool:
        return question.quote is not None

    def find(self, context: RouteContext) -> Found:
        """One claim, or each claim of a compound question in turn ("Did Vance say A, and did Macron say B?"),
        each judged against its own speaker's sentences; a part that is not about words said is named as not
        checked. The first claim's check is the one reported."""
        q = context.question
        assert q.quote is not None
        claims = [c for c in q.part_quotes if c is not None] or [q.quote]
        judgements = [quote_judgement(context, c, floors_of(context.settings), meaning_of(context, c)) for c in claims]
        lines: list[tuple[str, list[int]]] = []
        evidence: list[Evidence] = []
        for claim, judgement in zip(claims, judgements, strict=True):
            said, cited = reply(claim, judgement)
            lines += [(text, [n + len(evidence) for n in numbers]) for text, numbers in said]
            evidence += [replace(e, number=e.number + len(evidence)) for e in cited]
        lines += [(not_checked(part), []) for part, c in zip(q.parts, q.part_quotes, strict=True) if c is None]
        passages = list({e.passage.id: e.passage for e in evidence}.values())
        return Found(passages, evidence, extract=Extract(lines, "quote check", "", judgements[0].check))


def meaning_of(context: RouteContext, claim: QuoteClaim) -> Callable[[str], float | None]:
    """The model's judgement of whether a sentence means the claim."""
    return lambda text: same_meaning(context.chat_model, claim, text)


def not_checked(part: str) -> str:
    return f"The other part, “{agreeing(part)}”, is not about words someone said and is not checked here; ask it on its own"
