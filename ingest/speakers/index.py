"""Which sentences each speaker speaks in, and the names the articles mention: built with the lexical index
from the same scan of the collection and trusted only while the collection's generation token matches."""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import Attribution

_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*\w")


@dataclass(frozen=True)
class Quote:
    """One sentence in which a speaker speaks (offsets of the sentence in its article)."""

    passage_id: str
    article_id: str
    start: int
    end: int


def name_words(text: str) -> list[str]:
    """The capitalised words of a text, lower-cased, possessive dropped: the vocabulary names are matched on."""
    return [re.sub(r"['’]s$", "", w).lower() for w in _CAPITALISED.findall(text)]


@dataclass
class SpeakerIndex:
    generation: str
    quotes: dict[str, list[Quote]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    vocabulary: Counter[str] = field(default_factory=Counter)
    """Each capitalised word with the number of its uses, so removing an article removes only its words."""
    outlets: Counter[str] = field(default_factory=Counter)
    dated: int = 0
    """Passages whose article has a publication date: relative dates in questions mean nothing without them."""

    def add(
        self,
        passage_id: str,
        article_id: str,
        text: str,
        speakers: tuple[Attribution, ...],
        outlet: str = "",
        dated: bool = False,
    ) -> None:
        self._count(1, text, speakers, outlet, dated)
        for a in speakers:
            self.quotes.setdefault(a.speaker, []).append(Quote(passage_id, article_id, a.sentence_start, a.sentence_end))
            self.kinds.setdefault(a.speaker, a.kind)

    def remove(
        self, passage_id: str, text: str, speakers: tuple[Attribution, ...], outlet: str = "", dated: bool = False
    ) -> None:
        """Undo `add` for a passage that left the store (the same arguments it was added with)."""
        self._count(-1, text, speakers, outlet, dated)
        for name in {a.speaker for a in speakers}:
            kept = [q for q in self.quotes.get(name, []) if q.passage_id != passage_id]
            if kept:
                self.quotes[name] = kept
            else:
                self.quotes.pop(name, None)
                self.kinds.pop(name, None)

    def _count(self, sign: int, text: str, speakers: tuple[Attribution, ...], outlet: str, dated: bool) -> None:
        words = Counter(name_words(f"{outlet}\n{text}") + [w for a in speakers for w in name_words(a.speaker)])
        outlets = Counter([outlet] if outlet else [])
        if sign > 0:
            self.vocabulary.update(words)
            self.outlets.update(outlets)
        else:
            self.vocabulary.subtract(words)
            self.outlets.subtract(outlets)
            self.vocabulary = +self.vocabulary
            self.outlets = +self.outlets
        self.dated += sign * int(dated)

    def speakers(self) -> list[str]:
        return sorted(self.quotes, key=lambda s: (-len(self.quotes[s]), s.lower()))

    def match(self, name: str) -> list[str]:
        """Speakers a name written in a question means: the same name, or one sharing its last word
        ("Vance" is "JD Vance", "Russian authorities" are "Authorities"; "Donald Trump" is not "Lara Trump")."""
        wanted = name.lower().split()
        if not wanted:
            return []
        exact = [s for s in self.quotes if s.lower() == name.lower()]
        if exact:
            return exact
        return [
            s
            for s in self.quotes
            if s.lower().split()[-1] == wanted[-1]
            and (len(wanted) == 1 or set(wanted) <= set(s.lower().split()) or set(s.lower().split()) <= set(wanted))
        ]

    def is_outlet(self, name: str) -> bool:
        """An outlet the articles come from ("The Verge"): what it reported is not a quote of it."""
        bare = name.lower().strip(" '\"‘’“”")
        known = {o.lower() for o in self.outlets}
        return bare in known or f"the {bare}" in known or bare.removeprefix("the ") in known

    def mentions(self, name: str) -> bool:
        return all(w in self.vocabulary for w in name.lower().split())

    def speaker_words(self) -> set[str]:
        return {w for s in self.quotes for w in s.lower().split()}

    def respell(self, name: str, cutoff: float = 0.8) -> list[str | None]:
        """For each word of a typed name, the speakers' word it most likely misspells (None for a word that is
        right or close to nothing): the one rule by which a misspelt speaker's name is understood."""
        among = self.speaker_words()
        return [self.closest(re.sub(r"['’]s$", "", w), cutoff, among) for w in name.split()]

    def closest(self, word: str, cutoff: float = 0.8, among: Collection[str] | None = None) -> str | None:
        """The word (of the vocabulary, or of `among`) a misspelt name most likely means; None when the word is
        known or nothing is close."""
        words = self.vocabulary.keys() if among is None else among
        if word.lower() in words or len(word) < 4:
            return None
        found = difflib.get_close_matches(word.lower(), words, n=1, cutoff=cutoff)
        return found[0] if found else None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "generation": self.generation,
            "quotes": {s: [[q.passage_id, q.article_id, q.start, q.end] for q in qs] for s, qs in self.quotes.items()},
            "kinds": self.kinds,
            "vocabulary": dict(self.vocabulary),
            "outlets": dict(self.outlets),
            "dated": self.dated,
        }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(payload))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> SpeakerIndex | None:
        try:
            payload = json.loads(path.read_text())
            return cls(
                payload["generation"],
                {s: [Quote(p, a, int(b), int(e)) for p, a, b, e in qs] for s, qs in payload["quotes"].items()},
                dict(payload["kinds"]),
                Counter(dict(payload["vocabulary"])),
                Counter(dict(payload["outlets"])),
                int(payload["dated"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
