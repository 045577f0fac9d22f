"""Yes or No first, for a question that asks for one: the verdict the model opened with stays at the head of the
verified answer, and stands alone with its citations when verification dropped every reason."""

from __future__ import annotations

import re

from ..answer import Citation
from ..evidence import Evidence
from .check import CheckContext, Draft, Verdict
from .citations import is_refusal, number_citations, parse_claims

_YES_OR_NO = re.compile(r"^\W*(yes|no)\b", re.I)


def verdict(raw: str) -> str | None:
    """The Yes or No a generated answer opens with."""
    m = _YES_OR_NO.match(raw)
    return m.group(1).capitalize() if m else None


def with_verdict(answer: str, said: str | None) -> str:
    """The verified answer opening with this Yes or No: verification drops a bare "Yes." (it cites nothing) but
    keeps the cited reasons that follow it, and a verdict the model wrote that is not the one chosen gives way."""
    if said is None or verdict(answer) == said:
        return answer
    rest = _YES_OR_NO.sub("", answer, count=1).lstrip(" ,.;:!-") if verdict(answer) else answer
    return f"{said}. {rest[:1].upper()}{rest[1:]}" if rest else f"{said}."


def verdict_answer(raw: str, evidence: list[Evidence], said: str | None) -> tuple[str, list[Citation]] | None:
    """A bare "No [2]." when verification kept none of the reasons: the verdict is the answer to a yes/no question,
    and the sentences the model cited for it are shown so that a reader can check it. None without such markers."""
    claims = parse_claims(raw)
    written = verdict(raw)
    if said is None or written is None or is_refusal(raw) or not claims:
        return None
    if verdict(claims[0].text) != written or len(claims[0].text.split()) > 1:
        return None
    cited = [n for n in claims[0].markers if 1 <= n <= len(evidence)]
    return number_citations([(said + ".", cited)], evidence) if cited else None


class YesNoFirst:
    """Keeps the Yes or No (read from the model's probabilities when it was, else as it wrote it) in front of its
    verified reasons (a bare verdict with the sentences it cites
    when no reason survived; not when the model refused)."""

    name = "yes or no first"
    on_refused = True

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        if not context.question.yes_no:
            return Verdict(self.name, draft)
        said = context.yes_no.verdict if context.yes_no is not None else verdict(context.raw)
        if draft.refused:
            bare = verdict_answer(context.raw, context.evidence, said)
            if bare is None:
                return Verdict(self.name, draft)
            draft = Draft(bare[0], bare[1], draft.unsupported)
        return Verdict(self.name, Draft(with_verdict(draft.text, said), draft.citations, draft.unsupported))
