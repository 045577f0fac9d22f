"""Who-said-what rules for questions and claims: the one place that reads a speaker out of either.

Ingest records who speaks in each sentence (ingest/speakers.py); this module decides which speaker a question
asks about, corrects a misspelt name against the names the articles contain, and tells which names a claim
puts words in the mouth of, so that such a claim can only cite a sentence its speaker speaks in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.speaker_index import SpeakerIndex

from .support import content_words

_SPEECH = (
    r"say|said|saying|says|propose[ds]?|proposing|claim(?:ed|s)?|urge[ds]?|think|thinks|thought|want(?:ed|s)?|"
    r"warn(?:ed|s)?|suggest(?:ed|s)?|argue[ds]?|believe[ds]?|tell|told|state[ds]?|announce[ds]?|mean|call for|"
    r"demand(?:ed|s)?|reiterate[ds]?|remark(?:ed|s)?|express(?:ed|es)?|stress(?:ed|es)?|insist(?:ed|s)?|"
    r"predict(?:ed|s)?|promise[ds]?|indicate[ds]?|accuse[ds]?|write|wrote|add|added|comment(?:ed)?|respond|reply|react"
)
_STANCE = r"position|view|views|stance|response|reaction|message|argument|proposal|comments?|remarks?|statement|claims?|opinion|take|words"
_QUESTIONS = [
    re.compile(
        rf"^(?:so\s+|and\s+|then\s+)?(?:what|how|why|when|where)\s+(?:exactly\s+)?(?:did|does|do|has|have|had|was|is|were|would)\s+"
        rf"(?P<name>.+?)\s+(?:also\s+|actually\s+|really\s+|publicly\s+)?(?:{_SPEECH})\b(?P<topic>.*)$",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?:what|how)\s+(?:was|is|were|are)\s+(?P<name>.+?)['’]s?\s+(?:{_STANCE})\b(?P<topic>.*)$", re.IGNORECASE),
    re.compile(rf"^(?:did|does|has|have)\s+(?P<name>.+?)\s+(?:{_SPEECH})\b(?P<topic>.*)$", re.IGNORECASE),
    re.compile(r"^(?P<pre>.*?)\baccording to\s+(?P<name>[^,?.]+?)\s*(?:[,?.]|$)(?P<topic>.*)$", re.IGNORECASE),
]
_SPOKE = (
    r"said|says|stated|claimed|claims|urged|urges|warned|warns|suggested|suggests|argued|argues|believes|believed|"
    r"thinks|thought|wants|wanted|told|tells|announced|announces|proposed|proposes|demanded|demands|reiterated|"
    r"reiterates|remarked|expressed|expresses|stressed|stresses|insisted|insists|predicted|predicts|promised|"
    r"indicated|indicates|accused|accuses|wrote|writes|added|adds|commented|responded|replied|noted|notes|called for|"
    r"emphasi[sz]ed|declared|denied|denies|confirmed|acknowledged|critici[sz]ed|hoped|hopes|pressed|vowed|pledged"
)
"""Reporting verbs as an answer writes them (inflected, so that "Russian state media" is not "Russian" stating)."""
_CLAIM_SPEECH = re.compile(
    rf"(?P<name>(?:[A-Z][\w.'’-]*\s+){{0,3}}[A-Z][\w.'’-]*)\s+(?:also\s+|further\s+|then\s+|has\s+|had\s+)?(?:{_SPOKE})\b"
    r"|\b[Aa]ccording to\s+(?:the\s+)?(?P<source>(?:[A-Z][\w.'’-]*\s*){1,4})"
)
NAME_FILLER = re.compile(r"^(?:the|a|an|mr\.?|mrs\.?|ms\.?|dr\.?)\s+", re.IGNORECASE)
_TOPIC_LEAD = re.compile(r"^\s*(?:about|on|regarding|concerning|of|in|to)?\s*", re.IGNORECASE)
_NOT_NAMES = {"you", "i", "we", "they", "he", "she", "it", "this", "that", "the article", "the articles", "people"}


@dataclass(frozen=True)
class SpeakerQuestion:
    """A question about what someone said: the name as written, the stored speakers it means, and its topic."""

    name: str
    speakers: tuple[str, ...]
    topic: str


def asked_speaker(question: str) -> tuple[str, str] | None:
    """(name, topic) when the question asks what someone said, proposed, thinks …; None otherwise."""
    text = question.strip().rstrip("?!. ")
    for pattern in _QUESTIONS:
        match = pattern.match(text)
        if not match:
            continue
        written = match.group("name").strip(" ,")
        name = NAME_FILLER.sub("", written).strip()
        if not name or written.lower() in _NOT_NAMES or len(name.split()) > 5:
            continue
        topic = match.group("topic")
        if "pre" in match.groupdict():
            topic = f"{match.group('pre')} {topic}"
        topic = re.sub(r"\s+(?:of|about|on|to|for|with|in)$", "", _TOPIC_LEAD.sub("", topic).strip(" ,"))
        return written, topic
    return None


def speaker_question(question: str, index: SpeakerIndex) -> SpeakerQuestion | None:
    asked = asked_speaker(question)
    if asked is None:
        return None
    written, topic = asked
    return SpeakerQuestion(written, tuple(index.match(NAME_FILLER.sub("", written).strip())), topic)


def correct_names(question: str, index: SpeakerIndex, cutoff: float = 0.8) -> str:
    """The question with each capitalised word the articles never contain replaced by the closest one they do
    ("Macrn" → "Macron"); words close to nothing are left as typed, to be refused as unknown."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        base = re.sub(r"['’]s$", "", word)
        if match.start() == 0 or not content_words(base):
            return word
        better = index.closest(base, cutoff)
        return (better.title() + word[len(base) :]) if better else word

    return re.sub(r"\b[A-Z][\w'’-]{3,}\b", fix, question)


def same_person(name: str, speaker: str) -> bool:
    """A name as written in an answer and a canonical speaker name: the same when their last words agree."""
    a, b = name.lower().split(), speaker.lower().split()
    return bool(a and b) and (a[-1] == b[-1] or name.lower() == speaker.lower())


def attributed_names(claim: str) -> list[str]:
    """The names a claim says something was said by ("Vance said …", "according to the UK government …")."""
    names = []
    for match in _CLAIM_SPEECH.finditer(claim):
        name = (match.group("name") or match.group("source") or "").strip()
        name = NAME_FILLER.sub("", name)
        words = [w for w in name.split() if w.lower() not in {"the", "but", "and", "also", "however", "then"}]
        if words and words[0].lower() not in _NOT_NAMES:
            names.append(" ".join(words))
    return names


def cites_speaker(claim: str, speakers: tuple[str, ...]) -> bool:
    """False when the claim attributes words to someone who is not a speaker of the cited sentence."""
    names = attributed_names(claim)
    return not names or all(any(same_person(n, s) for s in speakers) for n in names)
