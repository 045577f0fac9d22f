"""The answer to a quote check, written by the code around the verdict: the verdict first, then the evidence,
each sentence cited and, where it is shown in quotation marks, shown as the article wrote it."""

from __future__ import annotations

from dataclasses import replace

from ..answer import QuoteVerdict
from ..attribution import joined_names
from ..evidence import Evidence
from .candidates import Said
from .claim import QuoteClaim
from .verdict import Judgement, said_verbatim

GIST_WORDS = 18


def _where(said: Said) -> str:
    """(outlet, date), or the headline where the article names no outlet: never in quotation marks, which are
    kept for words the cited sentence has."""
    p = said.parts[0].passage
    return "(" + ", ".join(x for x in (p.outlet or p.title.rstrip("."), (p.published_at or "")[:10]) if x) + ")"


def _gist(text: str) -> str:
    words = text.split()
    return " ".join(words[:GIST_WORDS]) + (" …" if len(words) > GIST_WORDS else "")


def reply(claim: QuoteClaim, judgement: Judgement) -> tuple[list[tuple[str, list[int]]], list[Evidence]]:
    """(claims with the evidence numbers they cite, the evidence numbered from 1)."""
    evidence: list[Evidence] = []

    def cite(said: Said) -> list[int]:
        numbers = []
        for e in said.parts:
            evidence.append(replace(e, number=len(evidence) + 1))
            numbers.append(len(evidence))
        return numbers

    check, cited = judgement.check, judgement.cited
    who = claim.name or "anyone"
    by = joined_names(check.said_by) if check.said_by else who
    verdict = check.verdict
    head = f"{verdict.words}."
    if verdict is QuoteVerdict.VERBATIM:
        said = cited[0]
        words = said_verbatim(claim.words, said) or said.text
        return [(f"{head} {by} said these words {_where(said)}: “{words}”", cite(said))], evidence
    if verdict is QuoteVerdict.PARAPHRASE:
        said = cited[0]
        return [(f"{head} {by} said this in other words {_where(said)}: “{said.text}”", cite(said))], evidence
    if verdict is QuoteVerdict.SOMEONE_ELSE:
        said = cited[0]
        text = f"{head} The articles don't show {who} saying this; {by} said it {_where(said)}: “{said.text}”"
        return [(text, cite(said))], evidence
    if verdict is QuoteVerdict.CHANGED:
        if check.changes and check.changes[0].startswith("stitched"):
            stitched: list[tuple[str, list[int]]] = [
                (
                    f"{head} These words are stitched together from {len(cited)} separate sentences; {by} never said them as one",
                    [],
                )
            ]
            return stitched + [(f"“{s.text}”", cite(s)) for s in cited], evidence
        said = cited[0]
        how = "; ".join(check.changes)
        return [
            (f"{head} {by} spoke on this, but the claim changes what was said ({how}). The words were: “{said.text}”", cite(said))
        ], evidence
    lines: list[tuple[str, list[int]]] = [(f"{head} Nothing in the articles supports that {who} {claim.statement}", [])]
    if judgement.unattributed:
        said = judgement.unattributed[0]
        lines.append((f"The words are in the articles, but not attributed to anyone Byline can name: “{said.text}”", cite(said)))
    if judgement.quoted_on:
        lines.append((f"The articles quote {claim.name} on other things", []))
        lines += [(f"“{_gist(s.text)}”", cite(s)) for s in judgement.quoted_on]
    elif claim.name is not None:
        lines.append((f"The articles don't quote {claim.name} at all", []))
    return lines, evidence
