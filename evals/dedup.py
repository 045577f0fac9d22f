"""How well copies of one story are found: syndicated copies of MultiHop-RAG articles made the way outlets make
them (another headline, outlet and date; the last sentence cut; a local paragraph; boilerplate), among the other
articles of the corpus, many on the same topic and not copies. Pair precision and recall per threshold on the dev
half of the articles (split by id), the chosen threshold reported on the test half."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from ingest.records import Article
from ingest.text.passages import split_sentences

OUTLETS = ["Daily Ledger", "Morning Post", "City Herald", "Valley News", "Coast Times", "Metro Daily", "The Courier"]
PLACES = ["Springfield", "Riverton", "Lakeside", "Hillsborough", "Fairview", "Kingsport", "Millbrook"]
LOCAL = [
    "Officials in {place} said they were following the matter closely.",
    "Residents of {place} have raised similar concerns at recent council meetings.",
    "The {outlet} has asked local businesses in {place} how they expect to be affected.",
]
BOILERPLATE = [
    "Copyright 2023 {outlet}. All rights reserved.",
    "Sign up for the {outlet} newsletter to get the day's top stories.",
    "This article originally appeared on a wire service and was edited by the {outlet} staff.",
]
EDITS = ["reportedly", "also", "now", "recently", "officially", "further"]
THRESHOLDS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]


@dataclass(frozen=True)
class Item:
    article: Article
    original: str
    """The id of the article it copies (its own for an original)."""


def split_of(article_id: str) -> str:
    return "dev" if int(hashlib.sha256(article_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def read_corpus(path: Path) -> list[Article]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(
            Article(r["id"], r["title"], r.get("url") or r["id"], r["text"], r.get("published_at"), outlet=r.get("source"))
        )
    return out


def syndicate(article: Article, n: int, rng: random.Random) -> Article:
    """One outlet's copy: each change made with even odds, at least one, the text never left unchanged."""
    outlet, place = rng.choice(OUTLETS), rng.choice(PLACES)
    text, changed = article.text, False
    if rng.random() < 0.5:  # the copy desk's edits: a word in ten swapped
        words = text.split()
        for i in rng.sample(range(len(words)), max(1, len(words) // 10)):
            words[i] = rng.choice(EDITS)
        text, changed = " ".join(words), True
    spans = split_sentences(text)
    if len(spans) > 2 and rng.random() < 0.5:  # the last paragraph cut (here, of short articles, the last sentence)
        text, changed = text[: spans[-2][1]], True
    if rng.random() < 0.5:
        local = rng.choice(LOCAL).format(place=place, outlet=outlet)
        text, changed = (f"{local} {text}" if rng.random() < 0.5 else f"{text} {local}"), True
    if rng.random() < 0.5 or not changed:
        text = f"{text} {rng.choice(BOILERPLATE).format(outlet=outlet)}"
    date = article.published_at
    if date:
        day = int(date[8:10])
        date = f"{date[:8]}{min(28, day + 1 + n):02d}{date[10:]}"  # a later day: the original stays the earliest
    return replace(
        article,
        id=f"{article.id}-copy{n}",
        title=f"{outlet}: {article.title}",
        source=f"{article.source}#copy{n}",
        text=text,
        outlet=outlet,
        published_at=date,
    )


def follow_up(article: Article, other: Article, n: int) -> Article:
    """A look-alike that is not a copy: a later story that repeats up to half of an earlier one (its lead, often a
    quote) and goes on with other facts (here half of another article's)."""
    words, more = article.text.split(), other.text.split()
    lead = " ".join(words[: max(4, len(words) // 2)])
    rest = " ".join(more[len(more) // 2 :])
    return replace(
        article,
        id=f"{article.id}-followup{n}",
        title=f"Follow-up: {article.title}",
        source=f"{article.source}#followup{n}",
        text=f"{lead} {rest}",
    )


def build(articles: list[Article], copies_per: tuple[int, ...] = (0, 1, 2, 3), seed: int = 26) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for article in articles:
        items.append(Item(article, article.id))
        for n in range(rng.choice(copies_per)):
            items.append(Item(syndicate(article, n, rng), article.id))
        if rng.random() < 0.33:  # a story of its own, though it shares a sentence with this one
            other = rng.choice([a for a in articles if a.id != article.id])
            items.append(Item(follow_up(article, other, 0), f"{article.id}-followup0"))
    rng.shuffle(items)  # copies arrive in any order, sometimes before their original
    return items


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by: dict[str, list[str]] = {}
    for item, group in groups.items():
        by.setdefault(group, []).append(item)
    return {tuple(sorted(p)) for members in by.values() for p in combinations(members, 2)}  # type: ignore[misc]


def score(items: list[Item], threshold: float) -> dict:
    """Stories assigned by the store's own rule (a fresh in-memory Chroma), one article at a time, as ingest does."""
    import tempfile

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from ingest.store.changes import ChangeLog
    from ingest.store.stories import StoryIndex

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    name = f"sweep-{int(threshold * 1000)}-{random.randrange(10**9)}"
    cache = Path(tempfile.mkdtemp(prefix="byline-sweep-")) / "stories"
    index = StoryIndex(client, name, ChangeLog(client, f"{name}-changes"), cache)
    assigned = {}
    for item in items:
        (record,) = index.assign([item.article], threshold)
        index.record([record])
        assigned[item.article.id] = record.copy.story_id
    client.delete_collection(name)
    truth = pairs({i.article.id: i.original for i in items})
    found = pairs(assigned)
    hit = len(truth & found)
    return {
        "threshold": threshold,
        "precision": hit / len(found) if found else 1.0,
        "recall": hit / len(truth) if truth else 1.0,
        "true_pairs": len(truth),
        "found_pairs": len(found),
        "false_merges": len(found - truth),
    }


def sweep(corpus: Path, min_precision: float = 0.98) -> dict:
    articles = read_corpus(corpus)
    result: dict = {"corpus": str(corpus)}
    for split in ("dev", "test"):
        items = build([a for a in articles if split_of(a.id) == split])
        result[f"{split}_articles"] = len(items)
    dev_items = build([a for a in articles if split_of(a.id) == "dev"])
    result["dev"] = [score(dev_items, t) for t in THRESHOLDS]
    good = [r for r in result["dev"] if r["precision"] >= min_precision]
    chosen = max(good, key=lambda r: (r["recall"], r["threshold"])) if good else max(result["dev"], key=lambda r: r["precision"])
    result["chosen"] = chosen["threshold"]
    result["test"] = score(build([a for a in articles if split_of(a.id) == "test"]), chosen["threshold"])
    return result


def write_copies(corpus: Path, out: Path, copies: int = 3) -> int:
    """The corpus with every article also run by `copies` other outlets (for answering with copies in the store)."""
    rng = random.Random(26)
    lines = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        lines.append(line)
        article = Article(
            record["id"], record["title"], record.get("url") or record["id"], record["text"], record.get("published_at")
        )
        for n in range(copies):
            copy = syndicate(article, n, rng)
            lines.append(
                json.dumps(
                    {
                        **record,
                        "id": copy.id,
                        "title": copy.title,
                        "source": copy.outlet,
                        "published_at": copy.published_at,
                        "url": f"{record.get('url') or record['id']}#copy{n}",
                        "text": copy.text,
                    }
                )
            )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def ingest_cost(passages: int, shared: Path, folder: Path) -> dict:
    """Ingest of the bench corpus with and without finding copies, each in a fresh store, alternated twice."""
    from evals.bench.bench import build_corpus, ingest_subprocess

    corpus, _ = build_corpus(passages, shared, folder)
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for round_ in range(2):
        for mode in ("without", "with"):
            store = folder / f"store-{mode}-{round_}"
            result = ingest_subprocess(corpus, store, env_extra={"BYLINE_FIND_COPIES": "true" if mode == "with" else "false"})
            runs[mode].append(result["seconds"])
    best = {mode: min(seconds) for mode, seconds in runs.items()}
    return {"passages": passages, "seconds": runs, "ratio": best["with"] / best["without"]}
