"""Which sentences each speaker speaks in, and the names the articles mention: kept with the lexical index, in
step with the collection by its change log. What each article added is kept by article, so an article that
changed or left the store is taken out by its id alone, without its old text."""

from __future__ import annotations

import difflib
import json
import os
import re
import uuid
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
class _ArticleNames:
    """What one article added to the index."""

    words: Counter[str] = field(default_factory=Counter)
    outlet: str = ""
    passages: int = 0
    dated: int = 0
    speakers: set[str] = field(default_factory=set)


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
    articles: dict[str, _ArticleNames] = field(default_factory=dict)

    def add(
        self,
        passage_id: str,
        article_id: str,
        text: str,
        speakers: tuple[Attribution, ...],
        outlet: str = "",
        dated: bool = False,
    ) -> None:
        record = self.articles.setdefault(article_id, _ArticleNames(outlet=outlet))
        words = Counter(name_words(f"{outlet}\n{text}") + [w for a in speakers for w in name_words(a.speaker)])
        record.words.update(words)
        record.passages += 1
        record.dated += int(dated)
        self.vocabulary.update(words)
        if outlet:
            self.outlets[outlet] += 1
        self.dated += int(dated)
        for a in speakers:
            self.quotes.setdefault(a.speaker, []).append(Quote(passage_id, article_id, a.sentence_start, a.sentence_end))
            self.kinds.setdefault(a.speaker, a.kind)
            record.speakers.add(a.speaker)

    def remove_article(self, article_id: str) -> None:
        """Take out everything this article added (nothing, for an article the index does not hold)."""
        record = self.articles.pop(article_id, None)
        if record is None:
            return
        self.vocabulary.subtract(record.words)
        self.vocabulary = +self.vocabulary
        if record.outlet:
            self.outlets[record.outlet] -= record.passages
            self.outlets = +self.outlets
        self.dated -= record.dated
        for name in record.speakers:
            kept = [q for q in self.quotes.get(name, []) if q.article_id != article_id]
            if kept:
                self.quotes[name] = kept
            else:
                self.quotes.pop(name, None)
                self.kinds.pop(name, None)

    def copy(self) -> SpeakerIndex:
        """A copy that can change while readers hold this one. Article records are shared, so an article is
        removed from the copy before its passages are added again (as catching up does)."""
        return SpeakerIndex(
            self.generation,
            {name: list(quotes) for name, quotes in self.quotes.items()},
            dict(self.kinds),
            Counter(self.vocabulary),
            Counter(self.outlets),
            self.dated,
            dict(self.articles),
        )

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
            "articles": {
                aid: [r.outlet, r.passages, r.dated, dict(r.words), sorted(r.speakers)] for aid, r in self.articles.items()
            },
        }
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
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
                {
                    aid: _ArticleNames(Counter(dict(words)), str(outlet), int(passages), int(dated), set(names))
                    for aid, (outlet, passages, dated, words, names) in payload["articles"].items()
                },
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
