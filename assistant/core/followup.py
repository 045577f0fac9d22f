"""An elliptical follow-up ("And Zelensky?", "What about the Kremlin?") asks the previous question again about
someone else. The 1.5B rewrite model tends to drop the frame and return the name alone ("Zelensky?"), which then
answers nothing; so the code swaps the name itself: the previous question's one named entity (spaCy's NER) gives
way to the new subject, and no model is asked. A previous question with no name, or more than one (a proper noun
the NER did not tag counts), is left to the model's rewrite."""

from __future__ import annotations

import re

from ingest.speakers.attribute import english_pipeline

_ELLIPTICAL = re.compile(r"^(?:and|but|what about|how about|and what about|and how about)\s+(?P<subject>[^?]+?)\s*\?*$", re.I)
_MAX_SUBJECT_WORDS = 4
_SWAPPABLE = {"PERSON", "ORG", "GPE", "NORP"}


def elliptical_subject(question: str) -> str | None:
    """The new subject of "And X?"; None for anything longer than a short name or phrase."""
    m = _ELLIPTICAL.match(question.strip())
    if not m or len(m["subject"].split()) > _MAX_SUBJECT_WORDS:
        return None
    return m["subject"]


def swapped_question(question: str, history: list[tuple[str, str]]) -> str | None:
    """The previous question (itself resolved the same way) about the follow-up's subject instead; None when the
    follow-up is not elliptical or the previous question does not hold exactly one name to swap."""
    subject = elliptical_subject(question)
    if subject is None or not history:
        return None
    previous = history[-1][0]
    previous = swapped_question(previous, history[:-1]) or previous
    doc = english_pipeline()(previous)
    names = [e for e in doc.ents if e.label_ in _SWAPPABLE]
    if len(names) != 1 or names[0].text.lower() == subject.lower():
        return None
    if any(t.pos_ == "PROPN" and not names[0].start <= t.i < names[0].end for t in doc):
        return None  # a name the NER missed: which one to swap is not clear
    name = names[0]
    return previous[: name.start_char] + subject + previous[name.end_char :]
