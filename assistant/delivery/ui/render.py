"""Answers as HTML for the chat. Every piece of article, question or answer text is escaped here, so markup in
an article shows as text; Gradio's sanitizer is a second line of defence, not the first."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from assistant.core.answer import Answer, Citation, Source
from assistant.core.checks.citations import MARKER, marker_numbers

CSS = """
.byline-answer sup a, .byline-marker {text-decoration:none;font-weight:600;color:#1d4ed8;cursor:help}
.byline-standalone {color:#6b7280;font-size:0.85em;margin-bottom:4px}
.byline-refusal {border-left:4px solid #d97706;background:#fffbeb;padding:6px 10px;color:#78350f}
.byline-error {border-left:4px solid #b91c1c;background:#fef2f2;padding:6px 10px;color:#7f1d1d}
.byline-source {margin:6px 0;padding:6px 8px;border-left:3px solid #93c5fd;background:#f8fafc}
.byline-source mark {background:#fde68a}
.byline-source .meta {color:#6b7280;font-size:0.85em}
.byline-source, .byline-answer, .byline-streaming {overflow-wrap:anywhere}
.byline-scope {color:#6b7280;font-size:0.85em;margin-bottom:4px}
.byline-sources {margin-top:10px;border-top:1px solid #e5e7eb;padding-top:6px}
.byline-sources-title {font-weight:600;font-size:0.9em;color:#374151}
.byline-quotes h3 {margin:10px 0 4px}
.byline-quotes .meta {color:#6b7280;font-size:0.85em}
.byline-quotes li {margin:4px 0}
.byline-quotes details {margin:4px 0 12px}
.byline-quotes .article-text {white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow:auto;padding:6px;background:#f8fafc}
.byline-quotes mark {background:#fde68a}
@media (max-width: 600px) {.byline-source {padding:4px 6px;font-size:0.92em}}
"""


def _answer_html(answer: Answer, key: str) -> str:
    quotes = {c.marker: c for c in answer.citations}

    def one(n: int) -> str:
        c = quotes.get(n)
        if c is None:
            return f"[{n}]"
        tip = escape(f"{c.title}: {c.quote}", quote=True)
        return f'<a class="byline-marker" href="#src-{key}-{n}" title="{tip}">[{n}]</a>'

    def link(match: re.Match) -> str:
        return "".join(one(n) for n in marker_numbers(match.group(1)))

    return MARKER.sub(link, escape(answer.answer))


def _highlighted(source_text: str, start: int, quote_start: int, quote_end: int) -> str:
    """The passage with the quoted sentence marked; offsets are article offsets."""
    a, b = max(0, quote_start - start), max(0, quote_end - start)
    return f"{escape(source_text[:a])}<mark>{escape(source_text[a:b])}</mark>{escape(source_text[b:])}"


def _citation_html(c: Citation, sources: dict[str, Source], key: str) -> str:
    passage = sources.get(c.passage_id)
    body = _highlighted(passage.text, passage.start, c.start, c.end) if passage else f"<mark>{escape(c.quote)}</mark>"
    meta = " · ".join(escape(part) for part in (c.outlet, c.source, (c.published_at or "")[:10]) if part)
    return (
        f'<div class="byline-source" id="src-{key}-{c.marker}"><b>[{c.marker}]</b> {escape(c.title)}'
        f'<div class="meta">{meta}</div><div>{body}</div></div>'
    )


def answer_message(answer: Answer, key: str) -> str:
    parts = []
    if answer.standalone_question != answer.question:
        parts.append(f'<div class="byline-standalone">Understood as: {escape(answer.standalone_question)}</div>')
    if answer.scope:
        lead = "Understood as: articles" if answer.scope_from_question else "Searched"
        parts.append(f'<div class="byline-scope">{lead} {escape(answer.scope)}.</div>')
    if answer.error:
        parts.append(f'<div class="byline-error">{escape(answer.answer)}</div>')
    elif answer.refused:
        parts.append(f'<div class="byline-refusal">{escape(answer.answer)}</div>')
    else:
        parts.append(f'<div class="byline-answer">{_answer_html(answer, key)}</div>')
    return "".join(parts)


def sources_message(answer: Answer, key: str) -> tuple[str, str]:
    """(title, html) of the box under an answer: its sources, or the closest passages."""
    by_id = {s.passage_id: s for s in answer.sources}
    if answer.citations and not answer.refused:
        items = "".join(_citation_html(c, by_id, key) for c in answer.citations)
        return "Sources", f'<div class="byline-sources"><span class="byline-sources-title">Sources</span>{items}</div>'

    closest = "".join(
        f'<div class="byline-source"><b>{escape(s.title)}</b><div class="meta">'
        + " · ".join(escape(part) for part in (s.outlet, s.source, (s.published_at or "")[:10]) if part)
        + f"</div><div>{escape(s.text)}</div></div>"
        for s in answer.sources[:3]
    )
    return "Closest passages", closest or "<i>No passages were retrieved.</i>"


def status_html(text: str) -> str:
    """A status line as inert HTML for a gr.HTML component: user text (an article id, a CSV header, a URL) is
    escaped, and no Markdown is applied, so ``![x](http://elsewhere/)`` shows as typed and loads nothing."""
    return escape(text).replace("\n", "<br>")


def streaming_message(text: str, standalone: str | None) -> str:
    """The answer while it streams: escaped text inside an HTML block (no blank line ends it), so the chat's
    Markdown never turns a link or image the model quotes into a live one."""
    head = f'<div class="byline-standalone">Understood as: {escape(standalone)}</div>' if standalone else ""
    return f'{head}<div class="byline-streaming">{status_html(text)}</div>'


_NOT_ANSWER_TEXT = ("byline-standalone", "byline-scope", "byline-sources")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._skip or any(("class", c) in attrs for c in _NOT_ANSWER_TEXT):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees in a rendered answer, without its "Understood as" line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
