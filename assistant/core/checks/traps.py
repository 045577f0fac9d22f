"""Plausible answers to questions the articles do not answer: SQuAD 2.0's unanswerable questions change one name,
date or relation of an answerable one, and a small model answers them from the sentence that has the original."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.speakers.attribute import english_pipeline

from ..answer import Citation
from ..evidence import Evidence
from ..retrieval import RetrievedPassage
from ..support import content_words, names_and_numbers, unmentioned
from .check import CheckContext, Draft, Verdict


class CitedNamesCheck:
    """Refuses an answer whose citations never mention a name or number the question asks about, or name another
    place or year in its stead.

    Only for questions naming at most `question_names_cited_max` names and numbers: one naming more compares
    several articles, and each cited sentence answers for part of it."""

    name = "cited names and numbers"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        asking = context.question.asking
        if not 0 < len(names_and_numbers(asking)) <= context.settings.answering.question_names_cited_max:
            return Verdict(self.name, draft)
        refusal = trap_refusal(asking, context.evidence, context.passages, draft.citations)
        if refusal is None:
            articles = {c.article_id for c in draft.citations}
            around = [p.text for p in context.passages if p.article_id in articles]
            refusal = replacement_refusal(replaced_places_and_dates(asking, draft.citations, around))
        return Verdict(self.name, draft.refuse(refusal) if refusal else draft)


def trap_refusal(
    asking: str, evidence: list[Evidence], passages: list[RetrievedPassage], citations: list[Citation]
) -> str | None:
    """The refusal for an answer whose citations never mention a name or number the question (its asking part)
    asks about; None when there is none."""
    missing = _asked_but_not_cited(asking, evidence, passages, citations)
    if not missing:
        return None
    return (
        f"The articles don't say. The sentences that come closest never mention "
        f"{', '.join(dict.fromkeys(missing))}, which the question asks about; they are listed below."
    )


def _asked_but_not_cited(
    question: str, evidence: list[Evidence], passages: list[RetrievedPassage], citations: list[Citation]
) -> list[str]:
    """Names and numbers of the question (as written) that neither the cited sentences' speakers nor the text, title,
    outlet or date of their articles' retrieved passages mention (the passages around a sentence name what "the
    London-based group" is): the sign of an answer about someone or some year the question did not ask about
    ("who fled in 1690" answered with 1551)."""
    cited = {(c.passage_id, c.start) for c in citations}
    articles = {c.article_id for c in citations}
    texts = [" ".join(e.speakers) for e in evidence if (e.passage.id, e.start) in cited]
    texts += [" ".join((p.text, p.title, p.outlet or "", p.published_at or "")) for p in passages if p.article_id in articles]
    missing = unmentioned(question, " ".join(texts)) if texts else set()
    return [w for w in re.findall(r"[\w'’.,:/-]+", question) if w.lower().strip(".,:") in missing] if missing else []


_PLACES_AND_DATES = {"GPE", "LOC", "DATE"}
"""Kinds of name a cited sentence can swap for the question's without sharing a word with it. People and
organisations are left out: on squad8 and squad-train (train, dev) their swaps refused as many right answers as
wrong ones (a pronoun or "the group" stands for them)."""
_YEAR = re.compile(r"\b\d{4}\b")
_AT = {"in", "at", "near"}
"""A name after these that the small model tags as nothing is a place ("died in Kyiv": Kyiv is not in its
vocabulary of places)."""
_WH = {"what", "which", "when", "how", "who", "whom", "whose", "where", "why"}


@dataclass(frozen=True)
class Replacement:
    """A place or date the question asks about, absent from the cited sentences, which name others of its kind."""

    asked: str
    instead: tuple[str, ...]


@lru_cache(maxsize=1024)
def _places_and_dates(text: str) -> tuple[tuple[str, str], ...]:
    """Places, and dates with a year ("in 1690"; not "in what year", "last summer" or "the 16th century", which
    holds 1564 without sharing a word with it)."""
    doc = english_pipeline()(text)
    found = []
    for ent in doc.ents:
        if ent.label_ not in _PLACES_AND_DATES or any(t.lower_ in _WH for t in ent):
            continue
        dated = ent.label_ == "DATE"
        if not _YEAR.search(ent.text) if dated else ent.root.pos_ != "PROPN":
            continue
        found.append((ent.text, "DATE" if dated else "PLACE"))
    for token in doc:
        if token.pos_ == "PROPN" and token.dep_ == "pobj" and token.head.lower_ in _AT and not token.ent_type_:
            found.append((doc[token.left_edge.i : token.i + 1].text, "PLACE"))
    return tuple(found)


def _mentioned(name: str, text: str) -> bool:
    words = content_words(name.replace(".", ""))
    return not words or bool(words & content_words(text.replace(".", "")))


def _asked_places_and_dates(asking: str, around: list[str]) -> dict[str, str]:
    """The question's places and dates, by its own parse and by how the retrieved passages label the same words (a
    short question is parsed poorly: "How many people died in Kyiv?" has no place to the small model)."""
    asked = dict(_places_and_dates(asking))
    words = content_words(asking)
    for text in around:
        for name, kind in _places_and_dates(text):
            if content_words(name) and content_words(name) <= words and not any(_mentioned(name, a) for a in asked):
                asked[name] = kind
    return asked


def replaced_places_and_dates(asking: str, citations: list[Citation], around: list[str]) -> list[Replacement]:
    """The question's places and dates that its answer's cited sentences replace with others of their kind: the
    answer to "How many people died in Kyiv?" from a sentence about Kherson, to "Who described a turbine in 1690?"
    from one dated 1551. A date may be the cited article's own (MultiHop-RAG names reports by date)."""
    if not citations:
        return []
    cited = " ".join(dict.fromkeys(c.quote for c in citations))
    dated = " ".join((c.published_at or "")[:10] for c in citations)
    named = _places_and_dates(cited)
    found = []
    for asked, kind in _asked_places_and_dates(asking, around).items():
        if _mentioned(asked, f"{cited} {dated}"):
            continue
        instead = [name for name, k in named if k == kind and not _mentioned(name, asking)]
        if instead:
            found.append(Replacement(asked, tuple(dict.fromkeys(instead))))
    return found


def replacement_refusal(replacements: list[Replacement]) -> str | None:
    if not replacements:
        return None
    about = "; ".join(f"{' and '.join(r.instead)}, not {r.asked}" for r in replacements)
    return f"The articles don't say. The closest sentences name {about}, which the question asks about; they are listed below."
