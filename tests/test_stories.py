"""One story told by many outlets (issue 26, part 2): copies found at ingest with the real Chroma, one copy per
story in retrieval, "also reported by" in answers, quotes counted once per story, copies grouped in the lists."""

from __future__ import annotations

import json
import time

import pytest

from ingest.stories.fingerprint import SAME_STORY, Fingerprint, same_story

WIRE = (
    "The port authority of Elin said on Tuesday that the container terminal will reopen on Monday after three weeks "
    "of repairs. Harbour master Ana Ruiz said the cranes had been tested overnight and that ferries would run on "
    "the normal timetable. The repairs cost 4 million euros, the authority said, and were paid by the regional "
    "government. Dock workers had asked for the work since a storm damaged the quay in October."
)
COPY = (
    "Residents of Lakeside have raised similar concerns at recent council meetings. "
    + WIRE.rsplit(" Dock workers", 1)[0]  # the last paragraph cut
    + " Copyright 2026 Valley News. All rights reserved."
)
LOOK_ALIKE = (
    "Harbour master Ana Ruiz said the cranes had been tested overnight and that ferries would run on the normal "
    "timetable. A week on, shipping companies say delays at the terminal have cost them 2 million euros, and the "
    "union is calling for an inquiry into why the storm damage was left unrepaired for so long."
)


def test_the_signature_is_datasketchs_minhash_bit_for_bit():
    """Signatures already stored were made by datasketch; the few lines that replaced it must give the same."""
    import numpy as np
    from datasketch import MinHash

    from ingest.stories.fingerprint import NUM_PERM, minhash, shingles

    from conftest import SHARED

    lines = (SHARED / "benchmarks" / "squad8" / "corpus.jsonl").read_text().splitlines()[:80]
    for text in [json.loads(line)["text"] for line in lines] + ["", "one", "two words"]:
        found = shingles(text)
        reference = MinHash(num_perm=NUM_PERM, seed=7)
        reference.update_batch([s.encode() for s in found])
        assert np.array_equal(np.asarray(reference.hashvalues, dtype=np.uint64), minhash(found)), text[:60]


def test_a_copy_is_the_same_story_and_a_look_alike_is_not():
    wire, copy, other = Fingerprint.of(WIRE), Fingerprint.of(COPY), Fingerprint.of(LOOK_ALIKE)
    assert same_story(wire, copy) and copy.containment(wire) >= SAME_STORY
    assert not same_story(wire, other) and wire.containment(other) < SAME_STORY
    assert set(wire.bands()) & set(copy.bands())  # found as a candidate by its bands
    back = Fingerprint.decode(*wire.encode())
    assert back.containment(wire) == 1.0 and (back.signature == wire.signature).all()


def _feed(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def _records():
    return [
        {"id": "wire-1", "title": "Elin terminal to reopen", "source": "Wire", "published_at": "2026-11-03", "text": WIRE},
        {
            "id": "valley-1",
            "title": "Terminal reopens Monday",
            "source": "Valley News",
            "published_at": "2026-11-04",
            "text": COPY,
        },
        {
            "id": "later-1",
            "title": "Delays cost shippers",
            "source": "Port Weekly",
            "published_at": "2026-11-10",
            "text": LOOK_ALIKE,
        },
    ]


def test_ingest_groups_copies_and_retrieval_keeps_one(settings, tmp_path):
    from assistant.core.retrieval import HybridSearch
    from ingest.pipeline import ingest_paths
    from ingest.speakers.listing import speakers
    from ingest.store.store import Store

    report = ingest_paths([_feed(tmp_path / "news.jsonl", _records())], settings)
    assert report.added == 3
    store = Store(settings)
    articles = store.articles()
    story = {a.id: a.story_id for a in articles}
    assert story["valley-1"] == story["wire-1"] != story["later-1"]
    ids = [a.id for a in articles]
    assert ids.index("valley-1") == ids.index("wire-1") + 1  # copies together, the earliest first
    found = HybridSearch(settings, store).retrieve("When will the Elin container terminal reopen?", k=8)
    assert {p.article_id for p in found} & {"wire-1", "valley-1"} == {"wire-1"}  # one copy: the earliest
    summary = {s.speaker: s for s in speakers(store.speaker_index(), story)}
    ruiz = next(s for name, s in summary.items() if "Ruiz" in name)
    assert ruiz.articles == 2  # her quote in the wire story and its copy count once; the later story once more
    from ingest.speakers.listing import quotes_of

    copies = [a for a in quotes_of(store, ruiz.speaker).articles if a.story_id == story["wire-1"]]
    assert len(copies) == 2 and not any(s.differs for a in copies for s in a.sentences)  # the same words
    assert store.remove("wire-1") and "wire-1" not in [c.article_id for c in store.stories.all()]


def test_a_quote_worded_differently_in_a_copy_is_marked(settings, tmp_path):
    from ingest.pipeline import ingest_paths
    from ingest.speakers.listing import quotes_of
    from ingest.store.store import Store

    changed = COPY.replace("the cranes had been tested overnight", "the cranes were safe")
    records = [*_records()[:1], {**_records()[1], "text": changed}]
    ingest_paths([_feed(tmp_path / "news.jsonl", records)], settings)
    store = Store(settings)
    ruiz = next(s for s in store.speaker_index().speakers() if "Ruiz" in s)
    quotes = quotes_of(store, ruiz)
    marked = {a.article_id: [s.differs for s in a.sentences] for a in quotes.articles}
    assert marked == {"wire-1": [True], "valley-1": [True]}  # each copy has words the other lacks
    assert all(a.story_id == "wire-1" for a in quotes.articles)


def test_answers_say_who_else_ran_the_story(settings, tmp_path):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.core.assistant import Assistant
    from assistant.delivery.ui.render import sources_html
    from ingest.pipeline import ingest_paths

    ingest_paths([_feed(tmp_path / "news.jsonl", _records())], settings)
    model = FakeListChatModel(responses=["The terminal will reopen on Monday [1]."] * 3)
    answer = Assistant(settings, chat_model=model, model_name="scripted").ask("When will the Elin container terminal reopen?")
    assert answer.citations and not answer.refused
    cited = answer.citations[0]
    assert cited.article_id == "wire-1" and cited.also_reported_by == ["Valley News (2026-11-04)"]
    assert "Also reported by: Valley News (2026-11-04)" in sources_html(answer, "k")


def test_the_articles_table_groups_copies():
    from assistant.delivery.ui.lists import articles_table
    from ingest.store.store import StoredArticle

    rows = [
        StoredArticle("wire-1", "Elin terminal to reopen", "wire", "2026-11-03", 2, "Wire", "wire-1"),
        StoredArticle("valley-1", "Terminal reopens Monday", "valley", "2026-11-04", 2, "Valley News", "wire-1"),
        StoredArticle("later-1", "Delays cost shippers", "later", "2026-11-10", 1, None, "later-1"),
    ]
    html = articles_table(rows)
    assert "2 copies of one story" in html and "↳ a copy of the story above" in html
    assert "3 articles (2 stories)" in html


def test_finding_copies_costs_little_per_article(settings, tmp_path):
    """A figure, not a limit: the time to assign and record the story of an article, 600 of them."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from ingest.records import Article
    from ingest.store.changes import ChangeLog
    from ingest.store.stories import StoryIndex

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    log = ChangeLog(client, "cost-changes")
    index = StoryIndex(client, "cost-stories", log, tmp_path / "a")
    import random

    rng = random.Random(1)
    vocabulary = sorted(set(WIRE.split() + LOOK_ALIKE.split())) + [f"word{n}" for n in range(3000)]
    texts = [" ".join(rng.choices(vocabulary, k=120)) for _ in range(540)]
    texts += [t + " Copyright 2026 Valley News." for t in texts[:60]]  # one article in ten has a copy
    articles = [Article(f"a{n}", "t", "s", text) for n, text in enumerate(texts)]
    t0 = time.perf_counter()
    for start in range(0, len(articles), 50):  # as ingest does: a batch assigned, stored, then recorded
        index.record(index.assign(articles[start : start + 50]))
    per = (time.perf_counter() - t0) / len(articles)
    print(f"\nstory assignment: {per * 1000:.1f} ms an article (600 articles, in batches of 50)")
    assert len({c.story_id for c in index.all()}) == 540  # each copy found, nothing else merged
    again = StoryIndex(client, "cost-stories", log, tmp_path / "b")  # another process: records read from Chroma
    (copy,) = again.assign([Article("late", "t", "s", texts[0] + " Copyright 2026 Morning Post.")])
    assert copy.copy.story_id == "a0"


def test_a_few_articles_find_their_copies_without_reading_every_record(settings, tmp_path, monkeypatch):
    """A one-article ingest into a large store loads the saved table and reads only the records written since."""
    from ingest.pipeline import ingest_paths
    from ingest.store.store import Store
    from ingest.store.stories import StoryIndex

    first = tmp_path / "wire.txt"
    first.write_text("Terminal to reopen\n" + WIRE + "\n")
    ingest_paths([first], settings)
    monkeypatch.setattr(StoryIndex, "_read_all", lambda self: pytest.fail("read every story record"))
    copy = tmp_path / "copy.txt"
    copy.write_text("Elin terminal reopens Monday\n" + COPY + "\n")
    ingest_paths([copy], settings, store=Store(settings))
    stories = {a.title: a.story_id for a in Store(settings).articles()}
    assert len(set(stories.values())) == 1, stories


def test_the_band_table_finds_the_same_copies_after_saving_and_loading(tmp_path):
    import random

    from ingest.stories.table import BandTable

    rng = random.Random(3)
    words = [f"w{n}" for n in range(5000)]
    texts = {f"a{n}": " ".join(rng.choices(words, k=150)) for n in range(1500)}
    table = BandTable(seq=7)
    for aid, text in texts.items():
        table.add(aid, f"story-{aid}", Fingerprint.of(text))
    table.remove("a5")
    copy_of = Fingerprint.of(texts["a9"] + " Copyright 2026 Valley News.")
    assert table.match("new", copy_of, SAME_STORY) == "story-a9"
    assert table.match("new", Fingerprint.of(texts["a5"]), SAME_STORY) is None  # removed
    table.save(tmp_path / "t")
    loaded = BandTable.load(tmp_path / "t")
    assert loaded is not None and loaded.seq == 7 and len(loaded) == 1499
    assert loaded.match("new", copy_of, SAME_STORY) == "story-a9"
    assert loaded.match("new", Fingerprint.of(" ".join(rng.choices(words, k=150))), SAME_STORY) is None
    loaded.add("b1", "story-b1", Fingerprint.of(texts["a20"] + " More at 11."))
    assert loaded.match("new", Fingerprint.of(texts["a20"]), SAME_STORY) in {"story-a20", "story-b1"}
