"""The "Who said what" tab: the speakers of the stored articles and, for one of them, their sentences by article,
each linking to its place in the article's text."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import gradio as gr

from assistant.core.answer import Answer
from assistant.core.question import QuestionError
from assistant.delivery.turns import AnswerTurns, TooManyPending, session_key
from assistant.delivery.ui.render import answer_message, sources_html
from ingest.speakers.listing import SpeakerQuotes, quotes_of, resolve_speaker
from ingest.store.store import Store


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


def _words(name: str) -> set[str]:
    return {w for w in "".join(c.lower() if c.isalnum() else " " for c in name).split()}


def quotes_html(store: Store, quotes: SpeakerQuotes) -> str:
    out = [f"<h3>{escape(quotes.speaker)}</h3>"]
    for article in quotes.articles:
        key = "".join(c for c in article.article_id if c.isalnum())
        anchors = {s.start: (s.end, f"q-{key}-{s.start}") for s in article.sentences}
        meta = " · ".join(escape(x) for x in (article.source, (article.published_at or "")[:10]) if x)
        items = "".join(
            f'<li><a href="#{anchors[s.start][1]}">{escape(s.text)}</a>'
            + (' <span class="byline-differs">worded differently in other copies of this story</span>' if s.differs else "")
            + "</li>"
            for s in article.sentences
        )
        out.append(
            f"<div><b>{escape(article.title)}</b> <span class='meta'>{meta}</span><ul>{items}</ul>"
            f"<details><summary>Read the article</summary><div class='article-text'>"
            f"{_article_text(store, article.article_id, anchors)}</div></details></div>"
        )
    return "".join(out)


NOTHING_PICKED = "<p class='byline-note'>Pick a speaker from the list, or type a name and press Enter.</p>"


def show_speaker(store: Store, name: str | None) -> tuple[str, str | None]:
    """(the quotes, the speaker the list should show): one control, so what is picked and what is shown agree."""
    name = " ".join((name or "").split())
    if not name:
        return NOTHING_PICKED, None
    matched = resolve_speaker(store.speaker_index(), name)
    if not matched:
        return (
            f"<p class='byline-note'>The articles quote no one called “{escape(name)}”. Everyone they quote is listed below.</p>",
            None,
        )
    note = ""
    if not any(_words(name) <= _words(m) for m in matched):
        shown = ", ".join(matched)
        note = f"<p class='byline-note'>No one is quoted as “{escape(name)}”; showing {escape(shown)}.</p>"
    elif len(matched) > 1:
        note = f"<p class='byline-note'>“{escape(name)}” fits {len(matched)} speakers: {escape(', '.join(matched))}.</p>"
    html = note + "".join(quotes_html(store, quotes_of(store, s)) for s in matched)
    return html, matched[0] if len(matched) == 1 else None


def quote_question(words: str, speaker: str) -> str:
    """The question the "Check a quote" box asks: whether this person said these words, or who did."""
    words = " ".join((words or "").split()).strip(" \"“”'‘’")
    speaker = " ".join((speaker or "").split())
    return f"Did {speaker} say “{words}”?" if speaker else f"Who said “{words}”?"


def check_quote(ask: Callable[[str], Answer], words: str, speaker: str) -> str:
    """The verdict with its cited sentences, or what to fix in the box."""
    if not " ".join((words or "").split()):
        return "<p class='byline-note'>Paste the words to check, and who is said to have said them.</p>"
    try:
        answer = ask(quote_question(words, speaker))
    except QuestionError as err:
        return f"<p class='byline-note'>{escape(str(err))}</p>"
    sources = sources_html(answer, "quote").replace("<details ", "<details open ", 1)
    return answer_message(answer, "quote") + sources


def speakers_tab(store: Store, ask: Callable[[str], Answer], turns: AnswerTurns) -> tuple[gr.Dropdown, gr.HTML]:
    """Builds the tab; returns the speaker list and the list of everyone quoted, which the page keeps up to date."""
    with gr.Accordion("Check a quote", open=True, elem_id="byline-quote-check"):
        with gr.Row():
            words = gr.Textbox(
                label="The words", placeholder="we will not wait any longer", scale=3, elem_id="byline-quote-words"
            )
            speaker = gr.Textbox(
                label="Said by (leave empty to ask who said them)",
                placeholder="Ana Ruiz",
                scale=2,
                elem_id="byline-quote-speaker",
            )
        check = gr.Button("Check", variant="primary", elem_id="byline-quote-button")
        verdict = gr.HTML(elem_id="byline-quote-verdict", elem_classes=["byline-quote-verdict"])

        def run(said: str, by: str, request: gr.Request) -> str:
            """In turn with the chat's questions: the check may ask the one local model."""
            try:
                ticket = turns.join(session_key(request))
            except TooManyPending as err:
                return f"<p class='byline-note'>{escape(str(err))}</p>"
            try:
                for _ in turns.wait(ticket):
                    pass
                return check_quote(ask, said, by)
            finally:
                turns.leave(ticket)

        check.click(run, [words, speaker], verdict, api_name="check_quote")
        for box in (words, speaker):
            box.submit(run, [words, speaker], verdict, api_visibility="private")
    picked = gr.Dropdown(
        label="Speaker: pick one, or type a name (misspellings are fine) and press Enter",
        choices=[],
        value=None,
        allow_custom_value=True,
        filterable=True,
        elem_id="byline-speakers",
    )
    view = gr.HTML(NOTHING_PICKED, elem_id="byline-quotes", elem_classes=["byline-quotes"])
    gr.Markdown("### Everyone quoted in the articles")
    overview = gr.HTML(elem_id="byline-speaker-overview", elem_classes=["byline-quotes"])

    def pick(name: str | None) -> tuple[str, object]:
        html, speaker = show_speaker(store, name)
        return html, gr.update(value=speaker) if speaker else gr.update()

    picked.input(pick, picked, [view, picked], api_name="speaker_quotes")
    return picked, overview
