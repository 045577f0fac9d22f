"""The words of who-said-what, in one place: reporting verbs and their forms, speech nouns, titles and group words.

Ingest reads sentences with them (`attribute.py`), the answer side reads questions and claims with them
(`assistant/core/attribution.py`); a test holds that every verb ingest attributes is also recognised in a claim.
"""

from __future__ import annotations

REPORTING_VERBS = frozenset(
    "say tell remark reiterate urge express indicate warn accuse claim write announce suggest argue "
    "insist propose deny confirm vow pledge demand acknowledge predict criticize criticise declare "
    "emphasize emphasise stress explain tweet comment reply respond admit promise threaten complain "
    "caution contend assert allege concede condemn praise blame welcome reject recommend dismiss "
    "describe agree testify confess".split()
)
"""Verbs that report speech in any construction."""
CLAUSE_VERBS = frozenset(
    "state add note report maintain hope want believe think call press ask estimate signal post speak".split()
)
"""Verbs that report speech only with a clause, a quotation or "call for" ("added that", not "added troops")."""
NOMINAL_SPEECH = frozenset(
    "claim remark comment statement warning promise pledge proposal demand threat vow assertion call plea appeal "
    "accusation allegation denial admission insistence argument".split()
)
"""Nouns that attribute words to their owner: "Trump's claims of being able to end the war"."""
SPEECH_NOUNS = frozenset("statement post posts tweet remarks comments letter message interview speech release".split())
"""Things that speak for their owner: "the ministry's statement said"."""
TITLES = frozenset(
    "president minister premier chancellor secretary spokesperson spokesman spokeswoman official leader "
    "senator governor mayor chief ceo chairman chairwoman chair director ambassador envoy king queen "
    "prince general commander lawmaker prosecutor judge diplomat adviser advisor head founder executive "
    "manager economist analyst professor representative congressman congresswoman mp negotiator "
    "chairperson coach captain".split()
)
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr"})
GROUP_WORDS = frozenset(
    "government ministry office agency police media company union spokesperson spokesman spokeswoman officials "
    "authorities administration council committee department court military army group party campaign commission "
    "bank board parliament leaders lawmakers prosecutors investigators analysts experts residents critics authors "
    "researchers scientists strategists economists sources study report documentary survey lawyers attorneys "
    "regulators investors executives employees workers staff organisation organization firm".split()
)
"""Head nouns of speakers that are groups, not people ("the UK government", "local officials")."""
QUESTION_VERBS = (
    "say said saying says propose proposed proposes proposing claim claimed claims urge urged urges think thinks "
    "thought want wanted wants warn warned warns suggest suggested suggests argue argued argues believe believed "
    "believes tell told state stated states announce announced announces mean call for demand demanded demands "
    "reiterate reiterated reiterates remark remarked remarks express expressed expresses stress stressed stresses "
    "insist insisted insists predict predicted predicts promise promised promises indicate indicated indicates "
    "accuse accused accuses write wrote add added comment commented respond reply react"
).split()
"""The verbs of "What did X …?" that make a question about what X said. Narrower than the reporting verbs on
purpose: "What did the Normans describe?" asks about a text, not a speaker."""

_IRREGULAR = {
    "say": "said",
    "tell": "told",
    "write": "wrote written",
    "think": "thought",
    "speak": "spoke spoken",
    "admit": "admitted admitting",
}


def verb_forms(verb: str, base: bool = True) -> set[str]:
    """Inflected forms ("warns", "warned", "warning"), the bare verb when `base`."""
    stem = verb[:-1] if verb.endswith("e") else verb
    forms = {
        verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s"),
        stem + "ed",
        stem + "ing",
        *_IRREGULAR.get(verb, "").split(),
    }
    if verb.endswith("y") and not verb.endswith(("ay", "ey")):
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    return forms | ({verb} if base else set())


def finite_forms(verb: str) -> set[str]:
    """The forms a claim writes after its speaker ("X warned", "X warns", "X has written"): not the bare verb,
    not the -ing form."""
    return {f for f in verb_forms(verb, base=False) if not f.endswith("ing")}


_NOT_SPEECH_AFTER = r"(?!\s+(?:with|to|at|in|on|about|by|from|up|out|into|off|over)\b)"
"""A clause verb followed by one of these is not reporting speech ("Putin spoke with Trump", "added to")."""


def claim_verb_pattern() -> str:
    """A regex alternation of every reporting verb as a claim writes it after its speaker: reporting verbs in any
    form, clause verbs unless a preposition follows, "call" only as "called for"."""
    reporting = set().union(*(finite_forms(v) for v in REPORTING_VERBS))
    clause = set().union(*(finite_forms(v) for v in CLAUSE_VERBS - {"call"})) - reporting

    def alternation(words: set[str]) -> str:
        return "|".join(w.replace(" ", r"\s+") for w in sorted(words, key=len, reverse=True))

    return rf"(?:{alternation(reporting)})|(?:{alternation(clause)}){_NOT_SPEECH_AFTER}|call(?:ed|s)\s+for"
