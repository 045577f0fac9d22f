"""The Articles tab: the stored articles, adding files, pasted text and web pages, and deleting with a confirmation."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.ui.render import plural, status_html
from assistant.delivery.ui.web_section import web_section
from ingest.pipeline import ingest_files
from ingest.records import SourceFile
from ingest.report import IngestReport
from ingest.settings import Settings
from ingest.text.readers import SUPPORTED


def ingest_summary(report: IngestReport) -> str:
    head = (
        f"<b>{report.added} added, {report.updated} updated, {report.unchanged} unchanged</b> "
        f"({plural(report.passages, 'passage')})"
    )
    failures = "".join(f"<li>⚠️ {status_html(f.error)}</li>" for f in report.failed)
    return head + (f"<ul>{failures}</ul>" if failures else "")


@dataclass(frozen=True)
class ArticlesTab:
    """What the page keeps up to date, and the events after which it must."""

    table: gr.HTML
    delete_choice: gr.Dropdown
    changes: list[Any]


def articles_tab(assistant: Assistant, settings: Settings) -> ArticlesTab:
    table = gr.HTML(elem_id="byline-articles", elem_classes=["byline-articles"])
    status = gr.HTML(elem_id="byline-articles-status")
    with gr.Row():
        with gr.Column(min_width=300):
            files = gr.File(label=f"Upload articles ({' '.join(SUPPORTED)})", file_count="multiple", file_types=list(SUPPORTED))
            upload = gr.Button("Add files", variant="primary")
        with gr.Column(min_width=300):
            title = gr.Textbox(label="Title of a pasted article", elem_id="byline-paste-title")
            body = gr.Textbox(label="Article text", lines=6, elem_id="byline-paste-text")
            paste = gr.Button("Add pasted article")
    web_changes = web_section(assistant, settings, status)

    def add_files(paths, progress=gr.Progress()):
        if not paths:
            return "Choose one or more files first.", gr.update()
        entries = []
        for p in paths:
            path = Path(p if isinstance(p, str) else p.name)
            entries.append(SourceFile(path, name=path.name))
        progress(0, desc="Adding")
        done = [0]

        def tick(n):
            done[0] += n
            progress((done[0], None), desc=plural(done[0], "passage"))

        try:
            report = ingest_files(entries, settings, assistant.store, progress=tick)
        finally:
            for entry in entries:  # the upload's copy is not needed once its text is stored (or refused)
                entry.path.unlink(missing_ok=True)
        return ingest_summary(report), None

    def add_pasted(title_text, text):
        if not (text or "").strip():
            return "Paste the article's text first.", gr.update(), gr.update()
        heading = " ".join((title_text or "").split()) or "Pasted article"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "pasted.txt"
            path.write_text(f"{heading}\n{text}", encoding="utf-8")
            report = ingest_files([SourceFile(path, name=f"pasted: {heading}.txt")], settings, assistant.store)
        if not report.ok:  # keep what was typed, so nothing is lost
            return ingest_summary(report), gr.update(), gr.update()
        return ingest_summary(report), "", ""

    changes = [
        upload.click(add_files, files, [status, files], api_name="add_files", show_progress_on=[status]),
        paste.click(add_pasted, [title, body], [status, title, body], api_name="add_text", show_progress_on=[status]),
        *web_changes,
    ]
    chosen, deleting = _delete_section(assistant)
    return ArticlesTab(table, chosen, [*changes, deleting])


def _delete_section(assistant: Assistant) -> tuple[gr.Dropdown, Any]:
    """Deleting asks first, naming the article by its title, and says what it deleted next to the button."""
    with gr.Row():
        chosen = gr.Dropdown(
            label="Article to delete", choices=[], value=None, allow_custom_value=True, elem_id="byline-delete-choice", scale=3
        )
        ask_delete = gr.Button("Delete article…", variant="stop", scale=1, min_width=160)
    with gr.Row(visible=False, elem_id="byline-delete-confirm") as confirm_row:
        question = gr.HTML()
        confirm = gr.Button("Yes, delete it", variant="stop", min_width=120)
        cancel = gr.Button("Cancel", min_width=100)
    deleted = gr.HTML(elem_id="byline-delete-status")

    def titled(article_id: str) -> tuple[str, int] | None:
        found = next((a for a in assistant.store.articles() if a.id == article_id), None)
        return (found.title or found.source, found.passages) if found else None

    def ask(article_id):
        if not article_id or not isinstance(article_id, str):
            return "", gr.update(visible=False), "Choose an article to delete first."
        known = titled(article_id)
        if known is None:
            return "", gr.update(visible=False), "No stored article has that id (it may have been deleted already)."
        name, passages = known
        text = f"Delete “{escape(name)}” and its {plural(passages, 'passage')}? This cannot be undone."
        return f"<p class='byline-note'>{text}</p>", gr.update(visible=True), ""

    def remove(article_id):
        hide = gr.update(visible=False)
        if not article_id or not isinstance(article_id, str):
            return "Choose an article to delete first.", hide, gr.update()
        known = titled(article_id)
        n = assistant.store.remove(article_id)
        if not n:
            message = "No stored article has that id (it may have been deleted already); the list is now up to date."
            return message, hide, gr.update(value=None)
        name = known[0] if known else article_id
        return f"Deleted the article “{escape(name)}” ({plural(n, 'passage')}).", hide, gr.update(value=None)

    ask_delete.click(ask, chosen, [question, confirm_row, deleted], api_visibility="private")
    cancel.click(
        lambda: (gr.update(visible=False), "Nothing was deleted."), None, [confirm_row, deleted], api_visibility="private"
    )
    return chosen, confirm.click(remove, chosen, [deleted, confirm_row, chosen], api_name="delete_article")
