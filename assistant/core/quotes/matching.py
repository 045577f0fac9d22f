"""Whether words are verbatim in a sentence, and what a claim changes in the sentence it resembles.

Verbatim tolerates what quoting legitimately changes: case, punctuation, curly quotes, an ellipsis that marks a
cut, and one dropped clause set off by commas, dashes or brackets. It never joins words from two places without
an ellipsis, so a quote stitched together from fragments is not verbatim. The changes (a negation, another
number or day, a wider or narrower quantifier) are read from the words, not judged by the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[\w]+(?:['’][\w]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")
_NEGATIONS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without", "cannot", "rather", "instead"}
_SCOPES = {
    "all": "all every each everyone everything always whole entire fully completely",
    "part": "some several few half partly partially sometimes often most",
    "only": "only",
    "any": "any",
}
_SCOPE_OF = {w: kind for kind, words in _SCOPES.items() for w in words.split()}
_STOP = set(
    "the a an to of and or in on at for is are was were be been it its that this these those about with from by as but "
    "so if than then he she they we i you his her their our my your him them us me said says say told would will "
    "could can should may might has have had do does did who whom which what".split()
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
}
DAY_NAMES = set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december".split()
)
"""Weekdays and months: a claim that names one the sentence gives otherwise has changed the day."""
_GLUE = {"and", "but", "so", "that", "because", "then", "or"}
_CLAUSE_EDGE = re.compile(r"^\s*[,;—–(-]|[,;—–)-]\s*$")


_QUOTATION = re.compile(r'"([^"]+)"|“([^”]+)”')


def quotation_text(text: str) -> str:
    """Only the words inside a text's quotation marks, joined: a quotation split by its attribution ("…," Okafor
    said. "If …") reads as the one quotation it is."""
    return " ".join(m.group(1) or m.group(2) for m in _QUOTATION.finditer(text))


def _normal(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("n't"):
        return "not"
    return _NUMBER_WORDS.get(word, word)


def words_of(text: str) -> list[tuple[str, int, int]]:
    """(normalized word, start, end): "won't" reads as "not", "twelve" as "12", curly apostrophes as straight."""
    return [(_normal(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _find(needle: list[str], hay: list[str], start: int = 0) -> int:
    n = len(needle)
    for i in range(start, len(hay) - n + 1):
        if hay[i : i + n] == needle:
            return i
    return -1


@dataclass(frozen=True)
class VerbatimMatch:
    """Where the words stand in the sentence (character offsets within its text) and what was cut."""

    start: int
    end: int
    dropped: str = ""
    """A clause the claim leaves out, when it does."""


def verbatim(claim: str, sentence: str, min_words: int = 3) -> VerbatimMatch | None:
    """The claim's words in the sentence in order: each part between ellipses contiguous, or one part with a
    single clause dropped. None when they are not there, or the claim is too short to tell."""
    parts = [[w for w, *_ in words_of(p)] for p in _ELLIPSIS.split(claim) if words_of(p)]
    if sum(len(p) for p in parts) < min_words:
        return None
    tokens = words_of(sentence)
    hay = [w for w, *_ in tokens]
    at, spans = 0, []
    for part in parts:
        i = _find(part, hay, at)
        if i < 0:
            break
        spans.append((i, i + len(part)))
        at = i + len(part)
    else:
        return VerbatimMatch(tokens[spans[0][0]][1], tokens[spans[-1][1] - 1][2])
    if len(parts) == 1:
        return _one_clause_dropped(parts[0], tokens, sentence)
    return None


def _one_clause_dropped(part: list[str], tokens: list[tuple[str, int, int]], sentence: str) -> VerbatimMatch | None:
    hay = [w for w, *_ in tokens]
    for cut in range(1, len(part) - 1):
        head, tail = part[:cut], part[cut:]
        i = _find(head, hay)
        while i >= 0:
            j = _find(tail, hay, i + len(head) + 1)
            if j >= 0:
                gap = sentence[tokens[i + len(head) - 1][2] : tokens[j][1]]
                if _CLAUSE_EDGE.search(gap[:2]) and _CLAUSE_EDGE.search(gap[-2:]):
                    return VerbatimMatch(tokens[i][1], tokens[j + len(tail) - 1][2], gap.strip(" ,;—–()-"))
            i = _find(head, hay, i + 1)
    return None


def pieces_found(claim: str, sentences: list[str], min_words: int = 3) -> list[int] | None:
    """For a claim that is verbatim in no one sentence: the sentences it can be cut from, left to right, in at
    least two contiguous pieces of `min_words` or more, glued by at most "and", "but" and the like (a stitched
    quote), else None."""
    words = [w for w, *_ in words_of(claim)]
    hays = [[w for w, *_ in words_of(s)] for s in sentences]
    used, i = [], 0
    while i < len(words):
        best, where = 0, -1
        for n, hay in enumerate(hays):
            for length in range(len(words) - i, best, -1):
                if _find(words[i : i + length], hay) >= 0:
                    best, where = length, n
                    break
        if best < min_words and words[i] in _GLUE:
            i += 1
            continue
        if best < min_words:
            return None
        used.append(where)
        i += best
    return used if len(used) > 1 else None


@dataclass(frozen=True)
class Change:
    """One way a claim departs from the sentence it resembles: "negation", "number", "day" or "scope"."""

    kind: str
    claim: str
    sentence: str


def _near_shared(words: list[str], shared: set[str], which: set[str] | dict[str, str], reach: int = 3) -> list[str]:
    """The words of `which` within `reach` words of a content word both texts have: a negation or a quantifier
    in a clause the claim does not touch is not a change of what the claim says."""
    return [
        w
        for i, w in enumerate(words)
        if w in which and any(x in shared for x in words[max(0, i - reach) : i + reach + 1] if x not in which)
    ]


def changes(claim: str, sentence: str) -> list[Change]:
    """What the claim says differently from the sentence: a negation one has and the other lacks, a number or a
    day of the claim's that the sentence gives otherwise, a quantifier of another kind ("all" for "only half")."""
    said = [w for w, *_ in words_of(claim)]
    hay = [w for w, *_ in words_of(sentence)]
    common = {w for w in set(said) & set(hay) if w not in _STOP and w not in _NEGATIONS}
    shared = common - set(_SCOPE_OF)
    found = []
    neg_claim, neg_sentence = (_near_shared(x, common, _NEGATIONS) for x in (said, hay))
    if len(neg_claim) % 2 != len(neg_sentence) % 2:
        found.append(Change("negation", ", ".join(neg_claim) or "none", ", ".join(neg_sentence) or "none"))
    for kind, test in (("number", str.isdigit), ("day", lambda w: w in DAY_NAMES)):
        mine, theirs = {w for w in said if test(w)}, {w for w in hay if test(w)}
        if mine - theirs and theirs:
            found.append(Change(kind, ", ".join(sorted(mine - theirs)), ", ".join(sorted(theirs - mine) or sorted(theirs))))
    scope_claim = {_SCOPE_OF[w] for w in said if w in _SCOPE_OF}
    scope_sentence = {_SCOPE_OF[w] for w in _near_shared(hay, shared, _SCOPE_OF)}
    if scope_claim != scope_sentence:
        found.append(Change("scope", _listed(said, scope_claim), _listed(hay, scope_sentence)))
    return found


def _listed(words: list[str], kinds: set[str]) -> str:
    return ", ".join(w for w in words if _SCOPE_OF.get(w) in kinds) or "none"
