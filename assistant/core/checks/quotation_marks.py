"""Nothing is shown as a quote unless it is one: text an answer puts in quotation marks must stand word for word
(case, punctuation and a marked cut aside) in a sentence its claim cites. A small model writing "Vance called the
talks “a trap” [1]" where sentence 1 says nothing of a trap has turned a paraphrase, or an invention, into a
quotation; the marks are removed, and the citation check has already judged whether the words are supported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..answer import Citation
from ..quotes.matching import quotation_text, verbatim
from .check import CheckContext, Draft, Verdict
from .citations import parse_claims

_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]{3,})’|(?<!\w)'([^']{3,})'(?!\w)")


def quoted_spans(text: str) -> list[tuple[str, str]]:
    """(the span with its marks, the words inside) for each quotation in a text."""
    return [(m.group(0), next(g for g in m.groups() if g)) for m in _QUOTED.finditer(text)]


def misquoted(answer: str, citations: list[Citation]) -> list[str]:
    """The quotations of an answer (marks included) that no sentence their claim cites has word for word."""
    cited = {c.marker: c.quote for c in citations}
    bad = []
    for claim in parse_claims(answer):
        sentences = [cited[m] for m in claim.markers if m in cited]
        together = " ".join(sentences)
        for marked, words in quoted_spans(claim.text):
            readings = [*sentences, together, quotation_text(together)]
            if not any(verbatim(words, s, min_words=1) for s in readings if s):
                bad.append(marked)
    return bad


@dataclass(frozen=True)
class QuotationVerdict(Verdict):
    unquoted: list[str] = field(default_factory=list)
    """Quotations whose marks were removed because no cited sentence has their words."""


class QuotationMarksCheck:
    name = "quotation marks"
    on_refused = False

    def run(self, draft: Draft, context: CheckContext) -> QuotationVerdict:
        bad = misquoted(draft.text, draft.citations)
        text = draft.text
        for marked in bad:
            text = text.replace(marked, marked[1:-1], 1)
        if not bad:
            return QuotationVerdict(self.name, draft)
        return QuotationVerdict(self.name, Draft(text, draft.citations, draft.unsupported, draft.refused, draft.refusal), bad)
