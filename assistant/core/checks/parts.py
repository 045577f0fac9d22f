"""A compound yes/no question answered No says which part the articles do not bear out: the reasons the model
wrote often cover only the part that holds, and a refusal ("the articles don't say") hides that the other part was
read and judged. A reason that only restates that part ("TechCrunch reports that the plant closed [2]", citing a
sentence where it opened, which the support judge passes on shared words) contradicts the No and goes."""

from __future__ import annotations

from ingest.speakers.attribute import english_pipeline

from ..compound import weakest
from .check import CheckContext, Draft, Verdict
from .citations import parse_claims, strip_markers
from .echo import adds_nothing
from .fidelity import without_claims
from .quotation_marks import quoted_spans


def agreeing(part: str) -> str:
    """ "Does TechCrunch reports …?" (a clause made a question by putting "Does" before it, as the model reads it)
    with its verb as a question has it: "Does TechCrunch report …?", and "Does Macron proposed …?" in the past:
    "Did Macron propose …?"."""
    if not part.startswith("Does "):
        return part
    clause = part[len("Does ") :]
    root = next((t for t in english_pipeline()(clause) if t.dep_ == "ROOT"), None)
    if root is None or root.tag_ not in ("VBZ", "VBD") or root.i == 0:
        return part
    opening = "Did " if root.tag_ == "VBD" else "Does "
    return opening + clause[: root.idx] + root.lemma_ + clause[root.idx + len(root.text) :]


def unmet_sentence(part: str) -> str:
    """The part in the question's words, without quotation marks: an answer's marks are kept for what the articles
    say word for word."""
    for marked, words in quoted_spans(part):
        part = part.replace(marked, words, 1)
    return f"The articles do not bear out this part of the question: {agreeing(part)}"


class UnmetPart:
    name = "part by part"
    on_refused = True

    def run(self, draft: Draft, context: CheckContext) -> Verdict:
        if not context.yes_no_parts:
            return Verdict(self.name, draft, ran=False)
        deciding = weakest(context.yes_no_parts)
        if deciding.choice.verdict != "No":
            return Verdict(self.name, draft)
        unmet = unmet_sentence(deciding.part)
        restating = {i for i, c in enumerate(parse_claims(draft.text)) if adds_nothing(strip_markers(c.text), deciding.part)}
        if restating and not draft.refused:
            draft = without_claims(draft, restating)
        if draft.refused:
            return Verdict(self.name, Draft(f"No. {unmet}", [], draft.unsupported))
        return Verdict(self.name, Draft(f"{draft.text} {unmet}", draft.citations, draft.unsupported))
