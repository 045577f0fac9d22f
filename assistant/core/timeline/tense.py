"""Whether the clause a date sits in looks ahead ("will return to work on Saturday", "said it would try again on
Tuesday", "is expected to close on Friday", "starts on Monday"), read from the parse: a future word elsewhere in
the sentence ("ended their strike on Thursday after agreeing to hire nurses by next summer") does not move the
date."""

from __future__ import annotations

from .dates import forward_looking

_AHEAD_AUX = {"will", "would", "shall", "'ll", "wo"}
_AHEAD_GOVERNORS = {"expect", "plan", "schedule", "set", "due", "aim", "hope", "intend", "promise", "vow"}
_AHEAD_PRESENT = {"start", "begin", "open", "close", "resume", "end", "return", "take"}


def _verb(token):
    while token.pos_ not in {"VERB", "AUX"} and token.head is not token:
        token = token.head
    return token if token.pos_ in {"VERB", "AUX"} else None


def looks_ahead(doc, start: int, end: int) -> bool:
    """`doc` is the parsed sentence, `start`/`end` the date expression's character offsets in it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    verb = _verb(span.root) if span is not None else None
    if verb is None:
        return forward_looking(doc.text)
    for _ in range(3):
        if {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}} & _AHEAD_AUX or verb.lower_ in _AHEAD_AUX:
            return True
        if verb.tag_ in {"VBZ", "VBP"} and verb.lemma_ in _AHEAD_PRESENT:
            return True
        if verb.lemma_ in _AHEAD_GOVERNORS or any(
            c.lemma_ in _AHEAD_GOVERNORS for c in verb.children if c.dep_ in {"acomp", "attr"}
        ):
            return True
        if verb.dep_ in {"xcomp", "ccomp"} and verb.head.lemma_ in _AHEAD_GOVERNORS:
            return True
        if verb.dep_ != "xcomp" or verb.head is verb:
            return False
        verb = verb.head
    return False


def looks_back(doc, start: int, end: int) -> bool:
    """Whether the clause of the date tells what happened: its verb in the past ("notched", "had met", "has said")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    verb = _verb(span.root) if span is not None else None
    if verb is None or looks_ahead(doc, start, end):
        return False
    auxiliaries = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    return verb.tag_ == "VBD" or any(a.tag_ == "VBD" or (a.lemma_ == "have" and verb.tag_ == "VBN") for a in auxiliaries)
