"""What a quote check asks: who is said to have said what. "Did Vance say that Europe must pay for its own
defence?", "Is it true Zelensky called the talks a trap?", "'The port will reopen Monday,' said Ana Ruiz. True?",
"Who said 'the ceasefire is a trap'?" are read here, once, into a `QuoteClaim`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.speakers.index import SpeakerIndex
from ingest.speakers.lexicon import TITLES

PAST = {
    "say": "said",
    "tell": "told",
    "call": "called",
    "claim": "claimed",
    "state": "stated",
    "write": "wrote",
    "tweet": "tweeted",
    "post": "posted",
    "argue": "argued",
    "insist": "insisted",
    "warn": "warned",
    "promise": "promised",
    "deny": "denied",
    "admit": "admitted",
    "suggest": "suggested",
    "predict": "predicted",
    "describe": "described",
    "threaten": "threatened",
    "vow": "vowed",
    "pledge": "pledged",
    "declare": "declared",
    "announce": "announced",
}
_BASE = {form: base for base, past in PAST.items() for form in (base, past, base + "s", "says")}
_BASE |= {"says": "say", "wrote": "write", "told": "tell", "denies": "deny", "denied": "deny"}
_VERB = "|".join(sorted(_BASE, key=len, reverse=True))
_WORD = r"(?!(?:Who|True|Really|Right|Correct)\b)[A-Z](?:\.|[\w'’-]*)"
_NAME = rf"(?P<name>{_WORD}(?:\s+(?:{_WORD}|of|de|van|von|al|bin)){{0,4}}|the\s+[a-z]+(?:\s+(?!really|actually|ever|truly|once)[a-z]+)?)"
_OPEN, _CLOSE = "[\"“‘']", "[\"”’']"
_TRUE = r"(?i:\s*(?:is\s+(?:that|this|it)\s+)?(?:true|real|right|correct|accurate|genuine)|\s*really)?\s*[?!.]*$"
_PATTERNS = [
    re.compile(rf"^(?i:who)\s+(?P<verb>{_VERB})\s*:?\s+(?P<claim>{_OPEN}.+{_CLOSE})\s*[?!.]*$"),
    re.compile(r"^(?i:who)\s+(?P<verb>said|says|told\s+\w+)\s+(?:that\s+)?(?P<claim>.+?)\s*[?!.]*$"),
    re.compile(
        rf"^(?i:did|does|has|have)\s+{_NAME}\s+(?:really\s+|actually\s+|ever\s+|truly\s+|once\s+)?(?P<verb>{_VERB})\s+(?P<that>that\s+)?(?P<claim>.+?)\s*[?!.]*$"
    ),
    re.compile(
        rf"^(?i:is\s+it\s+(?:true|correct|right|accurate)|(?:was|is)\s+it\s+really)\s+(?:that\s+)?{_NAME}\s+(?P<verb>{_VERB})\s+(?P<that>that\s+)?(?P<claim>.+?)\s*[?!.]*$"
    ),
    re.compile(rf"^{_OPEN}(?P<claim>.+?)[,.!?]?{_CLOSE}\s*,?\s*(?P<verb>said|says|wrote|tweeted)\s+{_NAME}\s*[.,]?{_TRUE}"),
    re.compile(rf"^{_NAME}\s+(?P<verb>said|says|wrote|tweeted)\s*[:,]?\s*{_OPEN}(?P<claim>.+?)[,.!?]?{_CLOSE}\s*[.,]?{_TRUE}"),
]
_NOT_A_CLAIM = re.compile(
    r"^(?:anything|something|much|a lot|nothing|about|on|regarding|whether|if|what|why|how|when|where|who|which|so|this|that|it)\b",
    re.I,
)
_SPEECH_VERBS = {"say", "tell", "call", "claim", "state", "insist", "argue", "warn", "suggest"}
"""Verbs whose object is words said even without "that" or quotation marks."""
_QUOTED = re.compile(rf"^{_OPEN}(.+?)[,.!?]?{_CLOSE}$")
_INNER = re.compile(r"(?:^|\s)['‘]([^'’]+)['’](?=\W|$)|[\"“]([^\"”]+)[\"”]")


@dataclass(frozen=True)
class QuoteClaim:
    """Words someone is said to have said, and who: `name` as written (None for "Who said …?"), `speakers` the
    stored speakers it means, `title` when the person is named only by a title ("the mayor")."""

    words: str
    verb: str
    name: str | None = None
    speakers: tuple[str, ...] = ()
    title: str | None = None
    quoted: bool = False
    """The words were given in quotation marks: the claim is that these exact words were said."""

    @property
    def statement(self) -> str:
        """The claim as a reader states it, speaker left out: "said that Europe must pay …", "called the talks a
        trap"."""
        past = PAST.get(self.verb, self.verb)
        words = re.sub(r"[\"“”]|(?<!\w)['‘’]|['‘’](?!\w)", "", self.words)  # the asker's words, not a quotation
        return f"{past} that {words}" if self.verb in {"say", "claim", "state", "write", "tweet", "insist"} else f"{past} {words}"

    @property
    def inner_quotes(self) -> list[str]:
        """Words quoted inside a claim put in the asker's own words ("made 'to stop the fighting'")."""
        return [] if self.quoted else [a or b for a, b in _INNER.findall(self.words) if len((a or b).split()) >= 2]


def quote_claim(question: str, index: SpeakerIndex) -> QuoteClaim | None:
    """The claim a question checks, or None when it is not a quote check ("Did Vance say anything about Russia?"
    asks what he said, and is the speaker route's)."""
    text = " ".join(question.split())
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        words = match.group("claim").strip(" ,")
        quoted = _QUOTED.match(words)
        if quoted:
            words = quoted.group(1).strip()
        elif _NOT_A_CLAIM.match(words):
            return None
        if len(words.split()) < 2:
            return None
        verb_base = _BASE.get(match.group("verb").lower().split()[0], "say")
        if not quoted and verb_base not in _SPEECH_VERBS and not match.groupdict().get("that") and not _INNER.search(words):
            return None  # "Did Tolkien write The Hobbit?" asks about a deed, not words
        name = match.groupdict().get("name")
        verb = _BASE.get(match.group("verb").lower().split()[0], "say")
        if name is None:
            return QuoteClaim(words, verb, quoted=bool(quoted))
        written = re.sub(r"^(?i:the)\s+", "", name).strip()
        if name.lower().startswith("the "):
            if written.lower() not in TITLES:
                return None
            return QuoteClaim(words, verb, name, (), written.lower(), bool(quoted) or pattern in _PATTERNS[4:6])
        if index.is_outlet(written):
            return None
        return QuoteClaim(words, verb, written, tuple(index.match(written)), None, bool(quoted) or pattern in _PATTERNS[4:6])
    return None
