"""The people of one article, and which of them a pronoun or a title stands for.

A pronoun takes the last person quoted before it when that person agrees with it and no one else who might has
been named since; otherwise the one person named before it whose gender agrees (from the article's own signs or
the first name, `gender.py`); otherwise the one person named before it whose gender is unknown. Anything else is
ambiguous and stays unattributed: a wrong name is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ingest.speakers.gender import GENDERED_TITLES, HONORIFICS, PRONOUNS, Gender, name_gender, signs_in_text
from ingest.speakers.lexicon import TITLES

_NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w'’-]*)"
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Ms|Mrs|Miss)\.?\s*$")


@dataclass
class Mention:
    name: str
    kind: str  # "person", "group", or "pending" for a pronoun or title still to resolve
    start: int
    end: int
    title: str = ""


def titled_name(before: str, title: str) -> str | None:
    """The last person written with this title before a mention: "Union leader Maria Lopez", "Maria Lopez, the
    union's leader"."""
    name = rf"({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}})"
    found = [
        (m.start(), m.group(1))
        for pattern in (rf"(?i:{title})[ \t]+{name}", rf"{name},[ \t]+(?i:the|a|an)?[ \t]*(?:[\w'’-]+[ \t]+)?(?i:{title})\b")
        for m in re.finditer(pattern, before)
    ]
    return max(found)[1] if found else None


class Cast:
    def __init__(self, text: str, names: dict[str, list[str]]):
        self.text, self.names = text, names
        self.people = {full for fulls in names.values() for full in fulls}
        self._genders: dict[str, Gender | None] = {}

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        return {p: [m.start() for m in re.finditer(rf"\b{re.escape(p.split()[-1])}\b", self.text)] for p in self.people}

    def gender(self, person: str) -> Gender | None:
        """Read from the text when first asked: most articles never ask, and the search is most of their cost."""
        if person not in self._genders:
            self._genders[person] = self._gender_of(person) if person in self.people else None
        return self._genders[person]

    def _gender_of(self, person: str) -> Gender | None:
        signs = signs_in_text(self.text, person, shared_surname=len(self.names.get(person.split()[-1], [])) > 1)
        if len(signs) == 1:
            return next(iter(signs))
        return None if signs else name_gender(person)

    def name_in_full(self, m: Mention) -> None:
        """A person's mention by their full name; a surname two people share is decided by a Mr/Ms before it, or
        left unattributed (the name is cleared)."""
        words = m.name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
            words = words[1:]
        last = words[-1] if words else ""
        fulls = self.names.get(last, [])
        if not fulls or (m.kind == "group" and m.name != last):
            return
        if " ".join(words) in fulls:
            m.name, m.kind = " ".join(words), "person"
            return
        if len(fulls) > 1:
            said = _HONORIFIC_BEFORE.search(self.text[max(0, m.start - 6) : m.start]) or re.match(r"(Mr|Ms|Mrs|Miss)\b", m.name)
            wanted = HONORIFICS[said.group(1).lower()] if said else None
            fulls = [f for f in fulls if self.gender(f) == wanted] if wanted is not None else self._latest_in_full(fulls, m.start)
        if len(fulls) == 1:
            m.name, m.kind = fulls[0], "person"
        else:
            m.name = ""

    def _latest_in_full(self, fulls: list[str], at: int) -> list[str]:
        """Of people who share a surname, the one last written in full before `at`: "said Tomás Ruiz. Ruiz
        added …" means Tomás, as a reader takes it. None when neither was, or both were in that one sentence."""
        last = {f: max((x.start() for x in re.finditer(rf"\b{re.escape(f)}\b", self.text[:at])), default=-1) for f in fulls}
        best = max(last.values())
        opens = max(self.text.rfind(". ", 0, best), self.text.rfind("\n", 0, best))
        latest = [f for f, x in last.items() if x == best]
        return latest if best >= 0 and all(x < opens for f, x in last.items() if x != best) else []

    def resolve(self, m: Mention, seen: list[Mention]) -> None:
        """A pronoun or title ("he", "the minister") to the person or group it stands for; cleared when unclear."""
        if m.name in PRONOUNS:
            person = self._pronoun(PRONOUNS[m.name], m.start, seen)
            if person is None:
                m.name = ""
            else:
                m.name, m.kind = person, "person"
            return
        if m.title == "surname":  # a capitalised word the parser took for a noun ("Ruiz said")
            written, m.kind = m.name, "person"
            self.name_in_full(m)
            if m.name == written and written not in self.people:
                m.name = ""
            return
        want = m.title
        if want in ("group", "any"):
            fits = [s for s in seen if want == "any" or s.kind == "group"]
        else:
            fits = self._titled(want, m.start, seen)
        if fits:
            m.name, m.kind = fits[-1].name, fits[-1].kind

    def _titled(self, title: str, at: int, seen: list[Mention]) -> list[Mention]:
        gender = GENDERED_TITLES.get(title)
        agrees = [s for s in seen if s.kind == "person" and (gender is None or self.gender(s.name) in (None, gender))]
        fits = [s for s in agrees if title in self.text[max(0, s.start - 40) : s.end + 40].lower()]
        if not fits and title in TITLES:
            named = titled_name(self.text[:at], title)
            if named:
                fulls = self.names.get(named.split()[-1], [named])
                fits = [Mention(fulls[0] if len(fulls) == 1 else named, "person", 0, 0)]
        return fits or agrees

    def _pronoun(self, gender: Gender, at: int, seen: list[Mention]) -> str | None:
        people = [s.name for s in seen if s.kind == "person"]
        people += [p for p, spots in self.positions.items() if any(x < at for x in spots)]
        people = list(dict.fromkeys(people))

        def agrees(person: str) -> bool | None:
            known = self.gender(person)
            return None if known is None else known == gender

        speakers = [s for s in seen if s.kind == "person"]
        if speakers and agrees(speakers[-1].name) is not False:
            since = speakers[-1].end
            others = [p for p, spots in self.positions.items() if p != speakers[-1].name and any(since <= x < at for x in spots)]
            if not any(agrees(p) is not False for p in others):
                return self._learn(speakers[-1].name, gender)
        agreeing = [p for p in people if agrees(p)]
        if len(agreeing) == 1:
            return agreeing[0]
        unknown = [p for p in people if agrees(p) is None]
        if not agreeing and len(unknown) == 1:
            return self._learn(unknown[0], gender)
        return None

    def _learn(self, person: str, gender: Gender) -> str:
        """A person a he/she was resolved to is that gender from then on."""
        if self.gender(person) is None:
            self._genders[person] = gender
        return person
