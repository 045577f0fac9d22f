"""Who said what, read from the speaker index: what `byline quotes` prints and the UI's "Who said what" view shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from ingest.speakers.index import SpeakerIndex
from ingest.store.store import Store


@dataclass(frozen=True)
class QuotedSentence:
    text: str
    start: int
    end: int
    differs: bool = False
    """Other copies of the article's story quote this speaker, and none of them has these words: a finding."""


@dataclass
class SpeakerInArticle:
    article_id: str
    title: str
    source: str
    published_at: str | None
    sentences: list[QuotedSentence] = field(default_factory=list)
    story_id: str | None = None


@dataclass
class SpeakerQuotes:
    speaker: str
    kind: str
    articles: list[SpeakerInArticle]

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SpeakerSummary:
    speaker: str
    kind: str
    sentences: int
    articles: int


def speakers(index: SpeakerIndex, story_of: dict[str, str] | None = None) -> list[SpeakerSummary]:
    """Every speaker, most quoted first. A quote is counted once per story, not once per outlet that ran it:
    `story_of` maps article ids to story ids (an article not in it is a story of its own)."""
    story_of = story_of or {}
    out = []
    for s in index.speakers():
        per_article = Counter(q.article_id for q in index.quotes[s])
        per_story: dict[str, int] = {}
        for article_id, n in per_article.items():
            story = story_of.get(article_id, article_id)
            per_story[story] = max(per_story.get(story, 0), n)
        out.append(SpeakerSummary(s, index.kinds.get(s, ""), sum(per_story.values()), len(per_story)))
    return sorted(out, key=lambda x: -x.sentences)


def resolve_speaker(index: SpeakerIndex, name: str) -> list[str]:
    """The speakers a typed name means, trying the closest spelling of each word when none matches as typed."""
    found = index.match(name)
    if found:
        return found
    corrected = " ".join(better or w for w, better in zip(name.split(), index.respell(name)))
    return index.match(corrected) if corrected.lower() != name.lower() else []


def quotes_of(store: Store, speaker: str) -> SpeakerQuotes:
    """One speaker's sentences grouped by article, newest article first, sentences in reading order."""
    index = store.speaker_index()
    found = index.quotes.get(speaker, [])
    passages = store.passages([q.passage_id for q in found])
    by_article: dict[str, SpeakerInArticle] = {}
    for q in sorted(found, key=lambda q: (q.article_id, q.start)):
        p = passages.get(q.passage_id)
        if p is None:
            continue
        entry = by_article.setdefault(q.article_id, SpeakerInArticle(p.article_id, p.title, p.source, p.published_at))
        if all(s.start != q.start for s in entry.sentences):
            entry.sentences.append(QuotedSentence(p.text[q.start - p.start : q.end - p.start], q.start, q.end))
    articles = sorted(by_article.values(), key=lambda a: (a.published_at or "", a.title), reverse=True)
    story = store.stories.story_of(list(by_article)) if by_article else {}
    for a in articles:
        a.story_id = story.get(a.article_id, a.article_id)
    return SpeakerQuotes(speaker, index.kinds.get(speaker, ""), mark_differences(articles))


def _words(text: str) -> tuple[str, ...]:
    return tuple("".join(c.lower() if c.isalnum() else " " for c in text).split())


def mark_differences(articles: list[SpeakerInArticle]) -> list[SpeakerInArticle]:
    """Where copies of one story quote the speaker, a sentence that no other copy has word for word is marked:
    an outlet that changed a quote is worth seeing."""
    by_story: dict[str, list[SpeakerInArticle]] = {}
    for a in articles:
        by_story.setdefault(a.story_id or a.article_id, []).append(a)
    for copies in by_story.values():
        if len(copies) < 2:
            continue
        for a in copies:
            others = {_words(s.text) for b in copies if b is not a for s in b.sentences}
            a.sentences = [replace(s, differs=_words(s.text) not in others) for s in a.sentences]
    return articles
