"""Who-said-what rules for questions and claims: the one place that reads a speaker out of either.

Ingest records who speaks in each sentence (ingest/speakers.py); this module decides which speaker a question
asks about, corrects a misspelt name against the names the articles contain, and tells which names a claim
puts words in the mouth of, so that such a claim can only cite a sentence its speaker speaks in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.guard import without_instructions
from ingest.speakers.index import SpeakerIndex
from ingest.speakers.lexicon import GROUP_WORDS, HONORIFICS, QUESTION_VERBS, claim_verb_pattern

_SPEECH = "|".join(v.replace(" ", r"\s+") for v in sorted(QUESTION_VERBS, key=len, reverse=True))
_STANCE = r"position|view|views|stance|response|reaction|message|argument|proposal|comments?|remarks?|statement|claims?|opinion|take|words"
_Q = r"(?i:so\s+|and\s+|then\s+)?"
_QUESTIONS = [
    re.compile(
        rf"^{_Q}(?i:what|how|why|when|where)\s+(?i:exactly\s+)?(?i:did|does|do|has|have|had|would|will)\s+"
        rf"(?P<name>.+?)\s+(?:also\s+|actually\s+|really\s+|publicly\s+)?(?:{_SPEECH})\b(?P<topic>.*)$"
    ),
    re.compile(rf"^{_Q}(?i:what|how)\s+(?i:was|is|were|are)\s+(?P<name>.+?)['’]s?\s+(?:{_STANCE})\b(?P<topic>.*)$"),
    re.compile(rf"^(?i:did|does|has|have)\s+(?P<name>.+?)\s+(?:{_SPEECH})\b(?P<topic>.*)$"),
    re.compile(r"^(?i:according to)\s+(?P<name>[^,?.]+?)\s*,\s*(?P<topic>.*)$"),
]
"""Questions about what someone said. Verbs are matched in lower case only, so "the United States" is no verb."""
_NAME_JOINERS = {"of", "de", "da", "van", "von", "bin", "al", "la", "le", "du", "der", "and", "&"}
_SPOKE = claim_verb_pattern()
"""Reporting verbs as an answer writes them (inflected, so that "Russian state media" is not "Russian" stating)."""
_CLAIM_SPEECH = re.compile(
    rf"(?P<name>(?:[A-Z][\w.'’-]*\s+){{0,3}}[A-Z][\w.'’-]*)\s+(?:also\s+|further\s+|then\s+|has\s+|had\s+)?(?:{_SPOKE})\b"
    r"|\b[Aa]ccording to\s+(?:the\s+)?(?P<source>(?:[A-Z][\w.'’-]*\s*){1,4})"
)
NAME_FILLER = re.compile(r"^(?:the|a|an|" + "|".join(rf"{h}\.?" for h in sorted(HONORIFICS)) + r")\s+", re.IGNORECASE)
_TOPIC_LEAD = re.compile(r"^\s*(?:about|on|regarding|concerning|of|in|to)?\s*", re.IGNORECASE)
_NOT_NAMES = {"you", "i", "we", "they", "he", "she", "it", "this", "that", "the article", "the articles", "people"}


@dataclass(frozen=True)
class SpeakerQuestion:
    """A question about what someone said: the name as written, the stored speakers it means, and its topic."""

    name: str
    speakers: tuple[str, ...]
    topic: str


def joined_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C": names as an answer lists them, each once."""
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def asked_speaker(question: str) -> tuple[str, str] | None:
    """(name, topic) when the question asks what someone said, proposed, thinks …; None otherwise."""
    text = question.strip().rstrip("?!. ")
    for pattern in _QUESTIONS:
        match = pattern.match(text)
        if not match:
            continue
        written = match.group("name").strip(" ,")
        name = NAME_FILLER.sub("", written).strip()
        if not name or written.lower() in _NOT_NAMES or len(name.split()) > 5 or re.search(r"['\"‘“]", name):
            continue
        topic = match.group("topic")
        if "pre" in match.groupdict():
            topic = f"{match.group('pre')} {topic}"
        topic = without_instructions(_TOPIC_LEAD.sub("", topic).strip(" ,"))
        topic = re.sub(r"\s+(?:of|about|on|to|for|with|in)$", "", topic)
        return written, topic
    return None


def looks_like_a_name(name: str) -> bool:
    """Capitalised words ("JD Vance", "Bank of America"), optionally ending in a group word ("UK government")."""
    words = NAME_FILLER.sub("", name).split()
    if words and words[-1].lower() in GROUP_WORDS and len(words) > 1:
        words = words[:-1]
    return bool(words) and words[0][0].isupper() and all(w[0].isupper() or w.lower() in _NAME_JOINERS for w in words)


def speaker_question(question: str, index: SpeakerIndex) -> SpeakerQuestion | None:
    """A question about what a person or organisation said: not one about what an outlet reported, and not one
    whose "name" is really a clause ("What did local residents do when …")."""
    asked = asked_speaker(question)
    if asked is None:
        return None
    written, topic = asked
    name = NAME_FILLER.sub("", written).strip()
    speakers = tuple(index.match(name))
    if index.is_outlet(name) or not (speakers or looks_like_a_name(written)):
        return None
    return SpeakerQuestion(written, speakers, topic)


def respelled(question: str, index: SpeakerIndex, cutoff: float = 0.8) -> tuple[str, SpeakerQuestion | None]:
    """The question, and what it asks, with a misspelt speaker's name replaced by the closest speaker's
    ("What did Macrn say?" → "What did Macron say?"). Only the asked name is respelled, and only towards the
    names of speakers: a name close to none stays as typed and is refused as unknown."""
    parsed, asked = asked_speaker(question), speaker_question(question, index)
    if parsed is None or (asked is not None and asked.speakers):
        return question, asked
    written = parsed[0]
    spelled = list(zip(written.split(), index.respell(written, cutoff)))
    if not any(better for _, better in spelled):
        return question, asked
    name = " ".join(_like(better, w) if better else w for w, better in spelled)
    fixed = question.replace(written, name, 1)
    again = speaker_question(fixed, index)
    return (fixed, again) if again is not None and again.speakers else (question, asked)


def _like(word: str, typed: str) -> str:
    """`word` in the typed word's case, keeping a possessive."""
    tail = typed[len(re.sub(r"['’]s$", "", typed)) :]
    cased = word.upper() if typed.isupper() and len(typed) > 1 else word.title() if typed[:1].isupper() else word
    return cased + tail


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
