"""Ingest: readers, normalization, passages with exact offsets, idempotence, bad input, the lexical index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from ingest.store.store import Store
from ingest.text.normalize import normalize_text
from ingest.text.passages import make_passages
from ingest.text.readers import read_articles

from conftest import SAMPLE, SHARED, byline


def test_sample_second_line_is_joined_and_headline_is_title():
    (article,) = read_articles(SAMPLE, 10**7)
    assert article.title.startswith("US President seeks to mediate ceasefire negotiations")
    assert article.text.splitlines()[0].startswith("On Monday, US President Donald Trump conducted a two-hour phone conversation")
    assert "President\nDonald" not in article.text


def test_normalization_keeps_sentence_lines_and_cleans_whitespace():
    text = normalize_text("Caf\u0065\u0301  open\u00a0late\r\nand busy.\n\n\nNext   line.\u0007")
    assert text == "Café open late and busy.\nNext line."


def test_passages_keep_exact_sentence_offsets():
    (article,) = read_articles(SAMPLE, 10**7)
    passages = make_passages(article, max_tokens=120, max_sentences=4)
    assert 3 <= len(passages) < 25
    sentences = [article.text[s:e] for p in passages for s, e in p.sentences]
    assert sentences == article.text.splitlines()  # the sample's body is one sentence per line
    assert any(s.startswith("Vance reiterated that the US position") for s in sentences)
    for p in passages:
        assert article.text[p.start : p.end] == p.text
        assert all(p.start <= s < e <= p.end for s, e in p.sentences)
    assert [p.position for p in passages] == list(range(len(passages)))


def test_ingest_sample_then_again_reports_unchanged(settings):
    first = ingest_paths([SAMPLE], settings)
    title = "US President seeks to mediate ceasefire negotiations following discussions with Ukrainian leader Zelensky."
    assert first.to_json() == {
        "articles": 1,
        "passages": first.passages,
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": [],
        "outcomes": [{"source": SAMPLE.name, "status": "added", "title": title}],
        "notes": [],
    }
    assert first.passages >= 3
    second = ingest_paths([SAMPLE], settings)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1)
    store = Store(settings)
    assert store.count() == first.passages
    (stored,) = store.articles()
    assert stored.passages == first.passages and stored.source == SAMPLE.name  # the file name, never a path on the server


def test_changed_article_replaces_its_passages(settings, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Storm hits coast\nThe storm reached the coast on Friday. Ferries stopped.\n")
    ingest_paths([path], settings)
    path.write_text("Storm hits coast\nThe storm reached the coast on Saturday. Ferries stopped. Schools closed.\n")
    report = ingest_paths([path], settings)
    assert (report.added, report.updated) == (0, 1)
    store = Store(settings)
    texts = [store.passages([i])[i].text for i in store.lexical().ids]
    assert any("Saturday" in t for t in texts) and not any("Friday" in t for t in texts)
    assert [h for h, _ in store.lexical().search("Friday", 5)] == []


def test_html_markdown_pdf_and_directories(settings, tmp_path):
    docs = tmp_path / "docs"
    (docs / "nested").mkdir(parents=True)
    (docs / "page.html").write_text(
        "<html><head><title>Harbour reopens after repairs</title></head><body>"
        "<nav>Home | Sports | Weather | Subscribe now</nav>"
        "<article><h1>Harbour reopens after repairs</h1>"
        "<p>The city harbour reopened on Tuesday after three months of repairs costing 4 million euros.</p>"
        "<p>The harbour master said traffic would return to normal within a week, and ferries resumed at noon.</p>"
        "</article><footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"
    )
    (docs / "nested" / "note.md").write_text("# Council approves budget\n\nThe council approved the budget on Monday.\n")
    _write_pdf(docs / "report.pdf", "The mine closed in 1998 after the strike.")
    report = ingest_paths([docs], settings)
    assert report.ok and report.added == 3, report.failed
    titles = {a.title for a in Store(settings).articles()}
    assert {"Harbour reopens after repairs", "Council approves budget"} <= titles
    texts = " ".join(h.text for h in Store(settings).passages(Store(settings).lexical().ids).values())
    assert "three months of repairs" in texts and "mine closed in 1998" in texts
    assert "Subscribe now" not in texts and "All rights reserved" not in texts


def _write_pdf(path: Path, text: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(6, 2))
    fig.text(0.05, 0.5, text)
    fig.savefig(path, format="pdf")
    plt.close(fig)


BAD_INPUTS = [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03binary", "binary"),
    ("latin1.txt", "Caf\xe9 story\nIt was open.".encode("latin-1"), "not valid UTF-8"),
    ("slides.pptx", b"not an article", "unsupported file type"),
    ("huge.txt", b"word " * 300_000, "over the"),
]


@pytest.mark.parametrize("name,content,message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_reported_and_the_rest_goes_in(settings, tmp_path, fake_embedder, name, content, message):
    settings = settings.with_overrides(max_file_mb=1.0)
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Bridge opens\nThe new bridge opened on Sunday.\n")
    report = ingest_paths([bad, good], settings)
    assert report.added == 1 and len(report.failed) == 1
    assert name in report.failed[0].error and message in report.failed[0].error


def test_jsonl_reports_broken_line_numbers(settings, tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "First", "text": "Alpha happened on Monday.", "published_at": "2024-05-01"}),
        "{not json",
        json.dumps({"title": "No text"}),
        json.dumps({"id": "a2", "text": "Beta happened on Tuesday.", "url": "https://example.org/b"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    report = ingest_paths([path], settings)
    assert report.added == 2
    assert "line 2" in report.failed[0].error and "line 3" in report.failed[0].error
    stored = {a.id: a for a in Store(settings).articles()}
    assert stored["a1"].published_at.startswith("2024-05-01") and stored["a2"].source == "https://example.org/b"


def test_cli_ingest_json_articles_and_remove(tmp_path):
    store = ["--store", str(tmp_path / "store")]
    first = byline("ingest", str(SAMPLE), "--json", *store)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["added"] == 1 and summary["passages"] > 0 and summary["failed"] == []
    again = json.loads(byline("ingest", str(SAMPLE), "--json", *store).stdout)
    assert again["unchanged"] == 1 and again["added"] == 0
    listed = json.loads(byline("articles", "--json", *store).stdout)
    assert listed[0]["passages"] == summary["passages"]
    bad = byline("ingest", str(tmp_path / "nope.txt"), *store)
    assert bad.returncode != 0 and "nope.txt" in bad.stderr and "Traceback" not in bad.stderr
    assert byline("remove", listed[0]["id"], *store).returncode == 0
    assert json.loads(byline("articles", "--json", *store).stdout) == []
    assert byline("remove", "no-such-id", *store).returncode == 1


def test_python_dash_m_ingest(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "ingest", str(SAMPLE), "--store", str(tmp_path / "s"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and json.loads(out.stdout)["added"] == 1


def test_lexical_index_rebuilds_when_another_client_wrote(settings, tmp_path):
    ingest_paths([SAMPLE], settings)
    reader = Store(settings)
    before = len(reader.lexical())
    other = tmp_path / "other.txt"
    other.write_text("Volcano erupts\nThe volcano erupted near the fishing village of Grindavik.\n")
    ingest_paths([other], settings, store=Store(settings))  # a second client, as on a shared Chroma server
    assert len(reader.lexical()) == before + 1
    assert reader.lexical().search("Grindavik volcano", 3)


def test_benchmark_corpus_ingests(settings):
    report = ingest_paths([SHARED / "benchmarks" / "squad8" / "corpus.jsonl"], settings, show_progress=False)
    assert report.ok and report.added == 294
    assert Store(settings).count() == report.passages


def test_the_one_sentence_shortcut_splits_as_pysbd_does():
    import pysbd

    from ingest.text.passages import _line_spans

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    texts = [
        json.loads(line)["text"]
        for name in ("squad8", "multihop-rag-500")
        for line in (SHARED / "benchmarks" / name / "corpus.jsonl").read_text().splitlines()
    ]
    lines = [line for text in [*texts, SAMPLE.read_text()] for line in text.split("\n") if line.strip()]
    lines += ['He said "no."', "  No end at all ", "Dr. Smith arrived", "U.S. officials met", "Wait... what", "Is it 3.5 percent"]
    for line in lines:
        expected = [
            (s.start + len(c) - len(c.lstrip()), s.start + len(c.rstrip()))
            for s in segmenter.segment(line)
            if (c := line[s.start : s.end]).strip()
        ]
        assert [(a, b) for a, b in _line_spans(line) if b > a] == expected, line
