"""Questions that need several articles ("Does The Verge suggest …, while TechCrunch reports …?"): evidence from each
outlet the question names, shown with its outlet and date, and a Yes or No first when the question asks for one.

One search over all the named outlets tends to return the best-matching outlet's passages only, and the model then
answers about one article; a search per outlet gives each its share of a budget that grows with the outlets named.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ingest.records import PassageFilter
from ingest.settings import Settings

from .answer import Citation
from .citations import is_refusal, number_citations, parse_claims
from .evidence import Evidence, select_evidence
from .retrieval import HybridSearch, RetrievedPassage

_AUX = r"(?:does|did|do|is|are|was|were|has|have|had|can|could|will|would|should)"
_WH = r"(?:who|whom|whose|what|which|when|where|why|how)"
_CLAUSE_OPENING = re.compile(rf"(?:^|,)\s*(?:({_AUX})|{_WH})\b", re.I)
_YES_OR_NO = re.compile(r"^\W*(yes|no)\b", re.I)
_ALTERNATIVES = re.compile(r"\bor\s+(?:\w+\s+){0,2}\w+\W*\?\W*$", re.I)


def asks_yes_no(question: str) -> bool:
    """ "Did …?", "Is …?", and the same after an opening phrase ("Between the two reports, was there …?"): the first
    clause that opens with an auxiliary or a wh-word decides ("Considering both articles, which company …?" does not);
    a choice ("… before or after …?") is answered with one of its words, not Yes or No."""
    m = _CLAUSE_OPENING.search(question)
    return bool(m and m.group(1)) and not _ALTERNATIVES.search(question)


def verdict(raw: str) -> str | None:
    """The Yes or No a generated answer opens with."""
    m = _YES_OR_NO.match(raw)
    return m.group(1).capitalize() if m else None


def with_verdict(answer: str, raw: str) -> str:
    """The verified answer opening with the model's Yes or No: verification drops a bare "Yes." (it cites nothing)
    but keeps the cited reasons that follow it."""
    said = verdict(raw)
    if said is None or verdict(answer) == said:
        return answer
    return f"{said}. {answer}"


def verdict_answer(raw: str, evidence: list[Evidence]) -> tuple[str, list[Citation]] | None:
    """A bare "No [2]." when verification kept none of the reasons: the verdict is the answer to a yes/no question,
    and the sentences the model cited for it are shown so that a reader can check it. None without such markers."""
    claims = parse_claims(raw)
    said = verdict(raw)
    if said is None or is_refusal(raw) or not claims or verdict(claims[0].text) != said or len(claims[0].text.split()) > 1:
        return None
    cited = [n for n in claims[0].markers if 1 <= n <= len(evidence)]
    return number_citations([(said + ".", cited)], evidence) if cited else None


def outlet_parts(where: PassageFilter) -> list[PassageFilter]:
    """One filter per outlet, when the question (or the user) names several."""
    if len(where.outlets) < 2:
        return []
    return [replace(where, outlets=(outlet,)) for outlet in where.outlets]


def evidence_from_each(
    question: str, vector: np.ndarray, search: HybridSearch, settings: Settings, parts: list[PassageFilter]
) -> tuple[list[RetrievedPassage], list[Evidence]]:
    """The best passages and sentences of each part, interleaved so that every part is in the prompt even when
    the weakest lines must go to fit the context."""
    passages: list[RetrievedPassage] = []
    groups: list[list[Evidence]] = []
    for part in parts:
        found = search.retrieve(question, settings.multi_passages_per_part, part, vector=vector)
        passages.extend(p for p in found if p.id not in {q.id for q in passages})
        groups.append(select_evidence(question, vector, found, search.embedder, settings)[: settings.multi_sentences_per_part])
    ordered = [g[i] for i in range(max((len(g) for g in groups), default=0)) for g in groups if i < len(g)]
    return passages, [replace(e, number=n) for n, e in enumerate(ordered, start=1)]


def with_sources(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence from several articles carries each one's outlet and date, which comparisons and "which came first"
    need; one article's evidence stays as short as it was."""
    articles = {e.passage.article_id for e in evidence}
    if len(articles) < 2 or not any(e.passage.outlet or e.passage.published_at for e in evidence):
        return evidence
    return [replace(e, show_source=True) for e in evidence]
