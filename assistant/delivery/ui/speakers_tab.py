"""The "Who said what" tab: the speakers of the stored articles and, for one of them, their sentences by article,
each linking to its place in the article's text."""

from __future__ import annotations

from html import escape

import gradio as gr

from ingest.speakers.listing import SpeakerQuotes, quotes_of, resolve_speaker, speakers
from ingest.store.store import Store


def speaker_choices(store: Store) -> list[tuple[str, str]]:
    return [(f"{s.speaker} ({s.sentences})", s.speaker) for s in speakers(store.speaker_index())]


def _article_text(store: Store, article_id: str, marks: dict[int, tuple[int, str]]) -> str:
    """The article's text from its passages, with the speaker's sentences marked and anchored."""
    parts, at = [], None
    for p in store.article_passages(article_id):
        if at is not None and p.start > at:
            parts.append("\n")
        cursor = p.start
        for start, (end, anchor) in sorted(marks.items()):
            if p.start <= start < p.end:
                parts.append(escape(p.text[cursor - p.start : start - p.start]))
                parts.append(f'<mark id="{anchor}">{escape(p.text[start - p.start : end - p.start])}</mark>')
                cursor = end
        parts.append(escape(p.text[cursor - p.start :]))
        at = p.end
    return "".join(parts)


def quotes_html(store: Store, quotes: SpeakerQuotes, asked: str) -> str:
    understood = (
        "" if asked.lower() in quotes.speaker.lower() else f' <span class="meta">(understood as {escape(quotes.speaker)})</span>'
    )
    out = [f"<h3>{escape(quotes.speaker)}{understood}</h3>"]
    for article in quotes.articles:
        key = "".join(c for c in article.article_id if c.isalnum())
        anchors = {s.start: (s.end, f"q-{key}-{s.start}") for s in article.sentences}
        meta = " · ".join(escape(x) for x in (article.source, (article.published_at or "")[:10]) if x)
        items = "".join(f'<li><a href="#{anchors[s.start][1]}">{escape(s.text)}</a></li>' for s in article.sentences)
        out.append(
            f"<div><b>{escape(article.title)}</b> <span class='meta'>{meta}</span><ul>{items}</ul>"
            f"<details><summary>Read the article</summary><div class='article-text'>"
            f"{_article_text(store, article.article_id, anchors)}</div></details></div>"
        )
    return "".join(out)


def show_speaker(store: Store, name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        return "<p>Pick a speaker, or type a name.</p>"
    matched = resolve_speaker(store.speaker_index(), name)
    if not matched:
        return f"<p>The articles quote no one called “{escape(name)}”. The list shows everyone they quote.</p>"
    return "".join(quotes_html(store, quotes_of(store, s), name) for s in matched)


def speakers_tab(store: Store) -> gr.Dropdown:
    """Builds the tab; returns the speaker list, whose choices the page refreshes on load."""
    with gr.Row():
        typed = gr.Textbox(label="Find a speaker", placeholder="a name; misspellings are fine", elem_id="byline-speaker-name")
        picked = gr.Dropdown(
            label="Speakers in the articles", choices=speaker_choices(store), value=None, elem_id="byline-speakers"
        )
    view = gr.HTML("<p>Pick a speaker, or type a name.</p>", elem_id="byline-quotes", elem_classes=["byline-quotes"])
    typed.submit(lambda n: show_speaker(store, n), typed, view, api_name="speaker_quotes")
    picked.change(lambda n: show_speaker(store, n), picked, view, api_visibility="private")
    return picked
