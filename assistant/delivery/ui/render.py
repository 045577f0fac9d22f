"""Answers as HTML for the chat. Every piece of article, question or answer text is escaped here, so markup in
an article shows as text; Gradio's sanitizer is a second line of defence, not the first."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from assistant.core.answer import Answer, Citation, Stage
from assistant.core.checks.citations import MARKER, marker_numbers
from assistant.delivery.checked import checks_summary

CSS = """
.byline-answer sup a, .byline-marker {text-decoration:none;font-weight:600;color:#1d4ed8;cursor:pointer}
.byline-standalone {color:#6b7280;font-size:0.85em;margin-bottom:4px}
.byline-stage {color:#1d4ed8;font-size:0.9em;margin-bottom:4px}
.byline-stage::after {content:"";display:inline-block;width:0.7em;height:0.7em;margin-left:6px;border:2px solid #93c5fd;
  border-top-color:#1d4ed8;border-radius:50%;animation:byline-spin 0.9s linear infinite;vertical-align:-1px}
@keyframes byline-spin {to {transform:rotate(360deg)}}
.byline-refusal {border-left:4px solid #d97706;background:#fffbeb;padding:6px 10px;color:#78350f}
.byline-error {border-left:4px solid #b91c1c;background:#fef2f2;padding:6px 10px;color:#7f1d1d}
.byline-sources {margin-top:10px;border-top:1px solid #e5e7eb;padding-top:6px}
.byline-sources summary {cursor:pointer;font-weight:600;font-size:0.9em;color:#374151}
.byline-source {margin:6px 0;padding:6px 8px;border-left:3px solid #93c5fd;background:#f8fafc}
.byline-source-title {font-weight:600}
.byline-passage {margin-top:4px}
.byline-source mark {background:#fde68a}
.byline-source .meta {color:#6b7280;font-size:0.85em}
.byline-checked {color:#6b7280;font-size:0.8em;margin-top:6px}
.byline-source, .byline-answer, .byline-streaming {overflow-wrap:anywhere}
.byline-scope {color:#6b7280;font-size:0.85em;margin-bottom:4px}
.byline-quotes h3 {margin:10px 0 4px}
.byline-quotes .meta {color:#6b7280;font-size:0.85em}
.byline-quotes li {margin:4px 0}
.byline-quotes details {margin:4px 0 12px}
.byline-quotes .article-text {white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow:auto;padding:6px;background:#f8fafc}
.byline-quotes mark {background:#fde68a}
.byline-differs {font-size:0.8em;color:#92400e;background:#fef3c7;border-radius:4px;padding:0 4px}
.byline-note {color:#374151;margin:4px 0}
.byline-timeline-since {margin:2px 0 6px;font-size:0.9em;color:#475569}
.byline-timeline {list-style:none;margin:4px 0;padding:0 0 0 14px;border-left:2px solid #93c5fd}
.byline-timeline li {position:relative;margin:0 0 10px;padding-left:6px}
.byline-timeline li::before {content:"";position:absolute;left:-21px;top:5px;width:10px;height:10px;border-radius:50%;
  background:#1d4ed8;border:2px solid #fff}
.byline-when {font-weight:700;color:#1e3a8a;margin-right:6px}
.byline-when-published {color:#6b7280;font-size:0.8em;margin-right:6px}
.byline-verdict {display:inline-block;font-weight:700;font-size:0.85em;letter-spacing:0.02em;border-radius:999px;
  padding:2px 10px;margin-bottom:6px;border:1px solid currentColor}
.byline-verdict-verbatim {color:#166534;background:#dcfce7}
.byline-verdict-paraphrase {color:#115e59;background:#ccfbf1}
.byline-verdict-someone_else {color:#9a3412;background:#ffedd5}
.byline-verdict-changed {color:#991b1b;background:#fee2e2}
.byline-verdict-not_found {color:#374151;background:#f3f4f6}
.byline-articles table {width:100%;border-collapse:collapse}
.byline-articles th, .byline-articles td {text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
.byline-articles th {font-size:0.85em;color:#6b7280;font-weight:600}
.byline-articles td.title {font-weight:600;overflow-wrap:anywhere}
.byline-articles td.source {overflow-wrap:anywhere;color:#6b7280;font-size:0.9em}
.byline-articles td.num, .byline-articles td.date {white-space:nowrap}
.byline-progress progress {width:100%;height:10px}
.byline-saved-title {font-size:0.85em;color:#6b7280;margin:6px 0 2px}
#byline-saved table, #byline-saved tr, #byline-saved td {background:transparent !important;border:none !important;
  box-shadow:none !important}
#byline-saved td {text-align:left !important;border-left:3px solid #d1d5db !important;border-radius:0 !important;
  padding:4px 8px !important;font-size:0.9em}
#byline-saved tr:hover td {border-left-color:#f97316 !important}
.byline-articles table, .byline-articles tr, .byline-articles th, .byline-articles td {border:none !important}
.byline-articles tr {border-bottom:1px solid #e5e7eb !important}
.byline-articles .unit {display:none}
.byline-articles tr.copy td.title {font-weight:400;padding-left:20px}
.byline-articles td.story {color:#6b7280;font-size:0.9em}
@media (max-width: 600px) {
  .byline-source {padding:4px 6px;font-size:0.92em}
  #byline-intro p {display:none}
  .tab-container button {padding-left:8px !important;padding-right:8px !important}
  .byline-articles thead {display:none}
  .byline-articles tr {display:block;padding:6px 0;border-bottom:1px solid #e5e7eb}
  .byline-articles td {display:inline;border:none;padding:0 6px 0 0}
  .byline-articles td.title, .byline-articles td.source {display:block}
  .byline-articles .unit {display:inline}
  .row:has(> .column > #byline-chat) {flex-direction:column-reverse}
}
"""


def _timeline_html(answer: Answer, key: str) -> str:
    """The timeline drawn: its dates down a line, each event with the outlets that told it and its markers."""
    items = []
    for line in answer.timeline:
        when = f'<span class="byline-when">{escape(line.label)}</span>'
        if not line.stated:
            when += '<span class="byline-when-published" title="the sentence gives no date">date of publication</span>'
        marks = "".join(_marker(answer, key, n) for n in line.markers)
        items.append(
            f'<li>{when}<span class="meta">{escape(", ".join(line.outlets))}</span><div>{escape(line.text)} {marks}</div></li>'
        )
    since = f'<p class="byline-timeline-since">{escape(answer.timeline_since)}</p>' if answer.timeline_since else ""
    return f'{since}<ol class="byline-timeline">{"".join(items)}</ol>'


def _marker(answer: Answer, key: str, n: int) -> str:
    c = next((c for c in answer.citations if c.marker == n), None)
    if c is None:
        return f"[{n}]"
    tip = escape(f"{c.title}: {c.quote}", quote=True)
    return f'<a class="byline-marker" href="#src-{key}-{n}" title="{tip}">[{n}]</a>'


def _answer_html(answer: Answer, key: str) -> str:
    if answer.timeline:
        return _timeline_html(answer, key)

    def link(match: re.Match) -> str:
        return "".join(_marker(answer, key, n) for n in marker_numbers(match.group(1)))

    text = answer.answer
    if answer.quote_check is not None:  # the badge says the verdict
        text = text.removeprefix(f"{answer.quote_check.verdict.words}.").lstrip()
    return MARKER.sub(link, escape(text))


def _marked(passage_text: str, start: int, cited: list[Citation], anchor: str) -> str:
    """The passage with each cited sentence marked and numbered; offsets are article offsets. A sentence cited under
    several markers is marked once with all of them."""
    spans: list[tuple[int, int, list[int]]] = []
    for c in sorted(cited, key=lambda c: (c.start, c.marker)):
        a, b = max(0, c.start - start), max(0, c.end - start)
        if spans and a < spans[-1][1]:
            spans[-1][2].append(c.marker)
        else:
            spans.append((a, b, [c.marker]))
    out, cursor = [], 0
    for a, b, markers in spans:
        numbers = "".join(f"[{n}]" for n in markers)
        out.append(escape(passage_text[cursor:a]))
        also = "".join(f'<span id="{anchor}-{n}"></span>' for n in markers[1:])
        out.append(f'<mark id="{anchor}-{markers[0]}">{also}<b>{numbers}</b> {escape(passage_text[a:b])}</mark>')
        cursor = b
    out.append(escape(passage_text[cursor:]))
    return "".join(out)


def _meta(*parts: str | None) -> str:
    return " · ".join(escape(part) for part in parts if part)


def _cited_sources(answer: Answer, key: str) -> str:
    """Each cited passage once, under its article's title (said once), with all its cited sentences marked."""
    by_id = {s.passage_id: s for s in answer.sources}
    articles: dict[str, dict[str, list[Citation]]] = {}
    for c in answer.citations:
        articles.setdefault(c.article_id, {}).setdefault(c.passage_id, []).append(c)
    blocks = []
    for passages in articles.values():
        first = next(iter(passages.values()))[0]
        body = []
        for passage_id, cited in passages.items():
            passage = by_id.get(passage_id)
            if passage is not None:
                text = _marked(passage.text, passage.start, cited, f"src-{key}")
            else:
                text = " … ".join(f'<mark id="src-{key}-{c.marker}"><b>[{c.marker}]</b> {escape(c.quote)}</mark>' for c in cited)
            body.append(f'<div class="byline-passage">{text}</div>')
        meta = _meta(first.outlet, first.source, (first.published_at or "")[:10])
        also = (
            f'<div class="meta byline-also">Also reported by: {escape(", ".join(first.also_reported_by))}</div>'
            if first.also_reported_by
            else ""
        )
        blocks.append(
            f'<div class="byline-source"><div class="byline-source-title">{escape(first.title)}</div>'
            f'<div class="meta">{meta}</div>{also}{"".join(body)}</div>'
        )
    return "".join(blocks)


def answer_message(answer: Answer, key: str) -> str:
    parts = []
    if answer.standalone_question != answer.question:
        parts.append(f'<div class="byline-standalone">Understood as: {escape(answer.standalone_question)}</div>')
    if answer.scope:
        lead = "Understood as: articles" if answer.scope_from_question else "Searched"
        parts.append(f'<div class="byline-scope">{lead} {escape(answer.scope)}.</div>')
    if answer.quote_check is not None:
        verdict = answer.quote_check.verdict
        parts.append(
            f'<div class="byline-verdict byline-verdict-{verdict.value}" title="quote check">{escape(verdict.words)}</div>'
        )
    if answer.error:
        parts.append(f'<div class="byline-error">{escape(answer.answer)}</div>')
    elif answer.refused:
        parts.append(f'<div class="byline-refusal">{escape(answer.answer)}</div>')
    else:
        parts.append(f'<div class="byline-answer">{_answer_html(answer, key)}</div>')
    return "".join(parts)


def plural(n: int, word: str) -> str:
    if n != 1 and word.endswith("y"):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}" + ("" if n == 1 else "s")


def checks_line(answer: Answer) -> str:
    summary = checks_summary(answer)
    return f'<div class="meta byline-checked">{escape(summary)}</div>' if summary else ""


def sources_html(answer: Answer, key: str) -> str:
    """The box under an answer, closed so the answer stays in view: its sources, or for a refusal the closest
    passages. A click on a marker opens it at the sentence (the page's script)."""
    if answer.citations and not answer.refused:
        sentences = len({(c.passage_id, c.start) for c in answer.citations})
        articles = len({c.article_id for c in answer.citations})
        summary = f"Sources: {plural(sentences, 'sentence')} from {plural(articles, 'article')}"
        body = _cited_sources(answer, key)
    else:
        shown = answer.sources[:3]
        if not shown:
            return '<div class="byline-sources"><i>No passages were retrieved.</i></div>'
        summary = f"Closest passages ({len(shown)}), none of which answers the question"
        body = "".join(
            f'<div class="byline-source"><div class="byline-source-title">{escape(s.title)}</div>'
            f'<div class="meta">{_meta(s.outlet, s.source, (s.published_at or "")[:10])}</div>'
            f'<div class="byline-passage">{escape(s.text)}</div></div>'
            for s in shown
        )
    return f'<details class="byline-sources"><summary>{escape(summary)}</summary>{body}{checks_line(answer)}</details>'


def status_html(text: str) -> str:
    """A status line as inert HTML for a gr.HTML component: user text (an article id, a CSV header, a URL) is
    escaped, and no Markdown is applied, so ``![x](http://elsewhere/)`` shows as typed and loads nothing."""
    return escape(text).replace("\n", "<br>")


def streaming_message(text: str, standalone: str | None, stage: Stage | None = None) -> str:
    """The answer while it is made: what is happening now, then the text so far as escaped text inside an HTML block
    (no blank line ends it, so the chat's Markdown never turns a link or image the model quotes into a live one),
    its markers shown as markers though not yet checked."""
    head = f'<div class="byline-standalone">Understood as: {escape(standalone)}</div>' if standalone else ""
    doing = f'<div class="byline-stage" role="status">{escape(stage.words)}</div>' if stage else ""
    body = MARKER.sub(lambda m: f'<span class="byline-marker">{m.group(0)}</span>', status_html(text))
    return f'{head}{doing}<div class="byline-streaming">{body}</div>'


_NOT_ANSWER_TEXT = ("byline-standalone", "byline-scope", "byline-sources", "byline-stage")


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
