"""`byline sweep-topic-floor`: sets `speaker_topic_floor` from data, not by hand.

For every speaker of a corpus, an on-topic probe is a noun phrase of the headline of an article they speak in
(a paraphrase-level topic, not words copied from their sentence) and an off-topic probe is a headline noun
phrase of an article from another category. The floor trades refusing an on-topic question ("only on other
topics") against answering an off-topic one with the speaker's remark on something else. Speakers are split
into dev and test by a hash of their name: choose on dev, report test.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core.attribution import SpeakerQuestion
from assistant.core.routes.speaker import speaker_evidence, topic_fit
from ingest.embedding.embedder import get_embedder
from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.store.store import Store


@dataclass(frozen=True)
class Probe:
    speaker: str
    topic: str
    on_topic: bool
    split: str


def _split(name: str) -> str:
    return "dev" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2 == 0 else "test"


def probes(store: Store, corpus: Path, seed: int = 13) -> list[Probe]:
    from ingest.speakers.attribute import english_pipeline

    records = {r["id"]: r for r in (json.loads(line) for line in corpus.read_text().splitlines() if line.strip())}
    titles = {rid: r.get("title", "") for rid, r in records.items()}
    chunks = {
        rid: [c.text for c in doc.noun_chunks if len(c.text.split()) >= 2 and c.root.pos_ != "PRON"]
        for rid, doc in zip(titles, english_pipeline().pipe(titles.values()))
    }
    categories = {rid: r.get("category", "") for rid, r in records.items()}
    rng = random.Random(seed)
    index = store.speaker_index()
    out = []
    for speaker, quotes in sorted(index.quotes.items()):
        own = {q.article_id for q in quotes}
        mine = [c for rid in own for c in chunks.get(rid, []) if speaker.split()[-1].lower() not in c.lower()]
        others = [
            c
            for rid, cs in chunks.items()
            if rid not in own and categories[rid] not in {categories.get(a) for a in own}
            for c in cs
        ]
        if mine and others:
            out.append(Probe(speaker, rng.choice(mine), True, _split(speaker)))
            out.append(Probe(speaker, rng.choice(others), False, _split(speaker)))
    return out


def fits(store: Store, settings: Settings, items: list[Probe]) -> np.ndarray:
    embedder = get_embedder(settings)
    index = store.speaker_index()
    scores = []
    for probe in items:
        asked = SpeakerQuestion(probe.speaker, (probe.speaker,), "")
        question = f"What did {probe.speaker} say about {probe.topic}?"
        vector = embedder.embed([question])[0]
        found = speaker_evidence(asked, question, vector, index, store, embedder, settings, PassageFilter())
        scores.append(
            topic_fit(probe.topic, found.evidence, embedder, settings.retrieval.evidence_cosine_weight, store)
            if found.evidence
            else 0.0
        )
    return np.array(scores)


def sweep(scores: np.ndarray, on_topic: np.ndarray, floors: np.ndarray) -> list[tuple[float, float, float]]:
    """(floor, on-topic answered, off-topic refused) for each floor."""
    return [(float(f), float((scores[on_topic] >= f).mean()), float((scores[~on_topic] < f).mean())) for f in floors]


OFF_TOPIC_REFUSED = 0.9


def choose(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The lowest floor that refuses at least 90% of off-topic probes: passing off a remark on another topic as
    the answer is the worse error, so it is bounded first and on-topic answers are maximised under the bound."""
    safe = [r for r in rows if r[2] >= OFF_TOPIC_REFUSED]
    return max(safe, key=lambda r: (r[1], -r[0])) if safe else max(rows, key=lambda r: r[1] + r[2])


def run(settings: Settings, corpus: Path) -> dict:
    from ingest.pipeline import ingest_paths

    store = Store(settings)
    if store.count() == 0:
        ingest_paths([corpus], settings, store)
    items = probes(store, corpus)
    scores = fits(store, settings, items)
    on = np.array([p.on_topic for p in items])
    split = np.array([p.split for p in items])
    floors = np.round(np.arange(0.0, 0.51, 0.025), 3)
    dev = sweep(scores[split == "dev"], on[split == "dev"], floors)
    best = choose(dev)
    test = sweep(scores[split == "test"], on[split == "test"], np.array([best[0]]))[0]
    return {
        "probes": {"dev": int((split == "dev").sum()), "test": int((split == "test").sum())},
        "dev": dev,
        "chosen": best,
        "test": test,
    }
