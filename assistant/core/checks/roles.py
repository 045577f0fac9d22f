"""Who does what to whom in a sentence, read from spaCy's parse: for each verb (and each noun with an owner, "Holt's
purchase of Brightwell"), the doers and the done-to, the passive turned round ("the offer was rejected by the
board" is the board rejecting the offer). The support judge sees the same words in "Putin called Trump" and "Trump
called Putin"; the roles do not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

_SKIPPED = {"be", "have", "do", "can", "will", "would", "may", "might", "must", "shall", "should", "could"}
_PATIENT_DEPS = {"dobj", "dative", "nsubjpass", "attr", "oprd"}
_NAME = {"PROPN"}
_NAME_PARTS = {"compound", "flat", "nmod"}
_CLAUSES = {"acl", "relcl", "advcl", "ccomp", "xcomp"}
"""A clause hanging on a noun is not part of what the noun names: "cracks" is not "cracks Engineers inspecting"."""


def _alike(a: str, b: str) -> bool:
    """The same word, or a name and its adjective ("Russia", "Russian")."""
    if a == b:
        return True
    shared = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return shared >= 5 and shared >= 0.8 * min(len(a), len(b))


@dataclass(frozen=True)
class Party:
    """One doer or done-to: the words of its name (or the lemma of a plain noun), whether it is a name, and every
    word of its phrase ("the Russian Prosecutor General's Office" holds "Russian")."""

    words: frozenset[str]
    named: bool
    phrase: frozenset[str]
    marks: frozenset[str] = frozenset()
    """Capitalised words that say which one: "UK" of "the UK government"."""

    def marked_otherwise(self, other: Party) -> bool:
        return bool(self.marks and other.marks) and not any(_alike(a, b) for a in self.marks for b in other.marks)

    def same(self, other: Party) -> bool:
        def within(a: frozenset[str], b: frozenset[str]) -> bool:
            return bool(a) and all(any(_alike(x, y) for y in b) for x in a)

        return within(self.words, other.phrase) or within(other.words, self.phrase)


@dataclass
class Roles:
    doers: list[Party] = field(default_factory=list)
    done_to: list[Party] = field(default_factory=list)


def _party(token) -> Party | None:
    if token.pos_ == "PRON" or token.lower_ in {"who", "which", "that"}:
        return None
    clauses = {t.i for c in token.children if c.dep_ in _CLAUSES for t in c.subtree}
    phrase = frozenset(t.lower_ for t in token.subtree if t.is_alpha and t.i not in clauses)
    if token.pos_ not in _NAME:
        marks = frozenset(c.lower_ for c in token.children if c.dep_ in {"amod", "compound"} and c.text[:1].isupper())
        return Party(frozenset({token.lemma_.lower()}), False, phrase | {token.lemma_.lower()}, marks)
    parts = [c for c in token.children if c.dep_ in _NAME_PARTS and c.pos_ in _NAME] + [token]
    return Party(frozenset(t.lower_.removesuffix("'s") for t in parts), True, phrase)


def _with_conjuncts(token) -> list:
    """ "Trump and Putin" is two doers; "their manager, Gary Tull" is the manager and Tull."""
    found = [token]
    for child in token.children:
        if child.dep_ in {"conj", "appos"}:
            found += _with_conjuncts(child)
    return found


def _subjects(verb, depth: int = 0) -> list:
    own = [c for c in verb.children if c.dep_ == "nsubj"]
    if own or depth >= 2:
        return own
    if verb.dep_ in {"xcomp", "conj"} and verb.head is not verb:  # "offered to mediate", "met and agreed"
        return _subjects(verb.head, depth + 1)
    return []


def roles_of(doc) -> dict[str, Roles]:
    """Roles by the lemma of their verb (or owned noun); a verb used twice has the roles of both."""
    found: dict[str, Roles] = defaultdict(Roles)
    for token in doc:
        if token.pos_ == "VERB" and token.lemma_.lower() not in _SKIPPED:
            doers = [*_subjects(token)]
            doers += [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            done_to = [c for c in token.children if c.dep_ in _PATIENT_DEPS]
        elif token.pos_ == "NOUN" and any(c.dep_ == "poss" for c in token.children):
            doers = [c for c in token.children if c.dep_ == "poss"]
            done_to = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        else:
            continue
        roles = found[token.lemma_.lower()]
        roles.doers += [p for t in doers for x in _with_conjuncts(t) if (p := _party(x))]
        roles.done_to += [p for t in done_to for x in _with_conjuncts(t) if (p := _party(x))]
    return dict(found)


def swapped_roles(claim_doc, sentence_doc, exempt: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """How the claim changes who does what to whom in the sentence, for each verb they share: a doer of one that is
    done-to in the other, or a named doer (done-to) of the claim where the sentence names others and not it. A party
    whose words are all `exempt` is the claim's to name (the outlet of the cited article: "TechCrunch reported …")."""
    found = []
    sentence = roles_of(sentence_doc)
    for verb, mine in roles_of(claim_doc).items():
        theirs = sentence.get(verb)
        if theirs is None:
            continue
        for kind, own, other, opposite in (
            ("doer", mine.doers, theirs.doers, theirs.done_to),
            ("done-to", mine.done_to, theirs.done_to, theirs.doers),
        ):
            for party in own:
                if party.words <= exempt:
                    continue
                in_place = any(party.same(p) for p in other)
                if in_place and any(party.same(p) and party.marked_otherwise(p) for p in other):
                    which = next(p for p in other if party.same(p))
                    found.append(
                        f"the {kind} of “{verb}” is the {' '.join(sorted(which.marks))} one in the sentence, "
                        f"the {' '.join(sorted(party.marks))} one in the claim"
                    )
                elif not in_place and any(party.same(p) for p in opposite):
                    found.append(f"{' '.join(sorted(party.words))} is the {kind} of “{verb}” in the claim, not in the sentence")
                elif not in_place and party.named and any(p.named for p in other):
                    names = ", ".join(" ".join(sorted(p.words)) for p in other if p.named)
                    found.append(
                        f"the {kind} of “{verb}” is {names} in the sentence, {' '.join(sorted(party.words))} in the claim"
                    )
    return found


def negated(doc) -> dict[str, bool]:
    """For each verb and adjective (by lemma), whether it is negated ("did not reject", "never conceded", "found
    him not guilty"); a "not" elsewhere in the sentence ("…, reinforcing that peace at any price is not true peace")
    negates only its own word."""
    found: dict[str, bool] = {}
    for token in doc:
        if token.pos_ in {"VERB", "ADJ"} and token.lemma_.lower() not in _SKIPPED:
            no = any(
                c.dep_ == "neg" or (c.lower_ in {"never", "no"} and c.dep_ in {"neg", "advmod", "det"}) for c in token.children
            )
            found[token.lemma_.lower()] = found.get(token.lemma_.lower(), False) or no
    return found


def negation_flipped(claim_doc, sentence_doc) -> list[str]:
    """Words the claim and the sentence share, negated in one and not the other."""
    mine, theirs = negated(claim_doc), negated(sentence_doc)
    return [
        f"negation: “{word}” is {'negated' if mine[word] else 'not negated'} in the claim, "
        f"{'negated' if theirs[word] else 'not negated'} in the sentence"
        for word in mine
        if word in theirs and mine[word] != theirs[word]
    ]
