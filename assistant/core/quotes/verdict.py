"""The verdict of a quote check, decided from the words first and the model's choice second.

Order matters, and each step is there to keep words out of the wrong mouth: the asked person's own verbatim
words; a stitched quote (never verbatim); someone else's verbatim words (before any paraphrase, since a small model
reads many sentences as "the same"); then meaning, read by the model among the asked person's closest sentences,
with the data (a negation, another number or day, a quantifier) deciding "changed"; then others' sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..answer import QuoteCheck, QuoteVerdict
from ..support import word_share
from .candidates import Said
from .claim import QuoteClaim
from .matching import Change, changes, pieces_found, verbatim

MEANING_CANDIDATES = 3


@dataclass(frozen=True)
class QuoteFloors:
    meaning: float
    """P(same meaning) a sentence needs to count as a paraphrase."""
    topic: float
    """Relevance a sentence needs to be "on this" (a change, or a paraphrase without the model)."""
    other: float = 0.5
    """P(same meaning) another speaker's sentence needs before the answer names that speaker instead: naming
    the wrong person is the error that must not happen, so it may ask for more than a paraphrase does."""
    changed: float = 1.01
    """Relevance at which the asked person's sentence is on exactly this, so that the model's "different" means
    the claim changed it (a verb or a word the data cannot see: "raise" for "drop"); above 1, never."""
    other_words: float = 0.0
    """Share of the claim's words (stemmed) another speaker's sentence must hold before that speaker is named: the
    model's P(same meaning) alone named Putin for "Russia is bluffing" (his sentence shares only "Russia"), and
    Zelensky, who said the EU would impose sanctions, for "sanctions on Russia should be lifted"."""


@dataclass(frozen=True)
class Judgement:
    check: QuoteCheck
    cited: list[Said] = field(default_factory=list)
    """The sentences the answer shows: the words where found, else what the person is quoted on."""
    quoted_on: list[Said] = field(default_factory=list)
    """For "not found": what the asked person is quoted on instead."""
    unattributed: list[Said] = field(default_factory=list)
    """For "not found": the words are there, but as the article's own, no one's quote."""


def said_verbatim(words: str, said: Said) -> str | None:
    """The words as the sentence has them, when it has them: in its text, or in its quotations read together."""
    found = _verbatim_at(words, said)
    return found[0] if found else None


def _verbatim_at(words: str, said: Said) -> tuple[str, int | None] | None:
    """(the words as written, their offset in the article when they were found in one sentence's own text)."""
    for text in (said.text, said.quoted):
        match = verbatim(words, text) if text else None
        if match:
            single = text is said.text and len(said.parts) == 1
            start, end = _balanced(text, match.start, match.end)
            return text[start:end], said.parts[0].start + start if single else None
    return None


_PAIRS = {"'": "'", '"': '"', "‘": "’", "“": "”"}


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened by a quotation mark it closes without opening, or opens without closing ("peace at any
    price' is …" takes the mark before it), so that shown words never carry half a quotation."""
    for opening, closing in _PAIRS.items():
        inside = text[start:end]
        if opening == closing:
            if inside.count(opening) % 2 and start and text[start - 1] == opening:
                start -= 1
            elif inside.count(opening) % 2 and end < len(text) and text[end] == closing:
                end += 1
            continue
        if inside.count(closing) > inside.count(opening) and start and text[start - 1] == opening:
            start -= 1
        if inside.count(opening) > inside.count(closing) and end < len(text) and text[end] == closing:
            end += 1
    return start, end


def _speaking(words: str, said: Said) -> Said | None:
    """The candidate if the words are verbatim in it, its speakers narrowed to the one saying them."""
    found = _verbatim_at(words, said)
    if found is None:
        return None
    offset = found[1]
    return replace(said, speakers=said.speaker_near(offset)) if offset is not None and len(said.speakers) > 1 else said


def _describe(change: Change) -> str:
    return f"{change.kind}: the claim has {change.claim}, the sentence {change.sentence}"


def judge(
    claim: QuoteClaim,
    asked: tuple[str, ...],
    candidates: list[Said],
    floors: QuoteFloors,
    meaning: Callable[[str], float | None],
) -> Judgement:
    """`asked` are the stored speakers the question names (empty for "Who said …?" or a person never quoted);
    `meaning` gives P(same meaning) of one sentence, or None without a local model."""
    verdict = _by_words(claim, asked, candidates, floors) or _by_meaning(claim, asked, candidates, floors, meaning)
    if verdict is not None:
        return verdict
    spoken = [c for c in candidates if c.speakers and len(c.parts) == 1]
    bare = [c for c in candidates if not c.speakers and len(c.parts) == 1 and said_verbatim(claim.words, c)]
    quoted_on = [c for c in spoken if c.by(asked)][:2] if asked else []
    return Judgement(_check(claim, QuoteVerdict.NOT_FOUND, []), [], quoted_on, bare[:1])


def _check(
    claim: QuoteClaim, verdict: QuoteVerdict, said: list[Said], found: list[Change] | None = None, p: float | None = None
) -> QuoteCheck:
    return QuoteCheck(
        verdict=verdict,
        claim=claim.words,
        asked=claim.name,
        said_by=list(dict.fromkeys(s for x in said for s in x.speakers)),
        changes=[_describe(c) for c in found or []],
        meaning_probability=p,
    )


def _judged(
    claim: QuoteClaim, verdict: QuoteVerdict, said: list[Said], found: list[Change] | None = None, p: float | None = None
) -> Judgement:
    return Judgement(_check(claim, verdict, said, found, p), said)


def _by_words(claim: QuoteClaim, asked: tuple[str, ...], candidates: list[Said], floors: QuoteFloors) -> Judgement | None:
    """Verbatim by the asked person (or by anyone, for "Who said"), stitched, or verbatim by someone else."""
    hits = [h for c in candidates if c.speakers and (h := _speaking(claim.words, c)) is not None]
    mine = hits if claim.name is None else [c for c in hits if c.by(asked)]
    if mine:
        return _judged(claim, QuoteVerdict.VERBATIM, mine[:1])
    own = [c for c in candidates if len(c.parts) == 1 and c.by(asked)] if asked else []
    inner = claim.inner_quotes
    quoting = [c for c in own if inner and c.relevance >= floors.topic and all(verbatim(f, c.text, 2) for f in inner)]
    if quoting:
        return _judged(claim, QuoteVerdict.VERBATIM, quoting[:1])
    stitched = pieces_found(claim.words, [c.text for c in own]) if own and claim.quoted else None
    if stitched is not None:
        pieces = [own[i] for i in dict.fromkeys(stitched)]
        return _judged(
            claim, QuoteVerdict.CHANGED, pieces, [Change("stitched", "one quotation", f"{len(stitched)} separate pieces")]
        )
    return _judged(claim, QuoteVerdict.SOMEONE_ELSE, hits[:1]) if hits else None


def _by_meaning(
    claim: QuoteClaim, asked: tuple[str, ...], candidates: list[Said], floors: QuoteFloors, meaning: Callable[[str], float | None]
) -> Judgement | None:
    """The asked person's closest sentences: changed (by the data, or on exactly this and read as different by
    the model) or a paraphrase; then, without a change, another speaker's."""
    singles = [c for c in candidates if len(c.parts) == 1 and len(c.speakers) == 1 and c.relevance >= floors.topic]
    for said in [c for c in singles if c.by(asked)][:MEANING_CANDIDATES] if asked else []:
        found = changes(claim.words, said.text)
        if found:
            return _judged(claim, QuoteVerdict.CHANGED, [said], found)
        p = meaning(said.text)
        if p is None or p >= floors.meaning:
            return _judged(claim, QuoteVerdict.PARAPHRASE, [said], p=p)
        if said.relevance >= floors.changed:
            return _judged(
                claim, QuoteVerdict.CHANGED, [said], [Change("meaning", "one claim", "another (read by the model)")], p
            )
    for said in [c for c in singles if not c.by(asked)][:MEANING_CANDIDATES]:
        if changes(claim.words, said.text) or word_share(claim.words, said.text) < floors.other_words:
            continue
        p = meaning(said.text)
        if p is None or p >= max(floors.meaning, floors.other):
            verdict = QuoteVerdict.PARAPHRASE if claim.name is None else QuoteVerdict.SOMEONE_ELSE
            return _judged(claim, verdict, [said], p=p)
    return None
