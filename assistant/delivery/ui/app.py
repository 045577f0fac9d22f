"""The Gradio app: chat with streamed, cited answers; a Who said what tab; an Articles tab; a Batch tab."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.turns import AnswerTurns
from assistant.delivery.ui.batch import BatchRunner, batch_tab
from assistant.delivery.ui.chat import chat_tab, outlet_choices
from assistant.delivery.ui.render import status_html
from assistant.delivery.ui.speakers_tab import speaker_choices, speakers_tab
from assistant.delivery.ui.web_section import web_section
from ingest.pipeline import ingest_files
from ingest.records import SourceFile
from ingest.settings import Settings
from ingest.text.readers import SUPPORTED


def _articles_table(assistant: Assistant) -> list[list]:
    return [
        [a.id, a.title, a.outlet or "", a.source, (a.published_at or "")[:10], a.passages] for a in assistant.store.articles()
    ]


def _article_choices(assistant: Assistant) -> list[tuple[str, str]]:
    return [(f"{a.title} ({a.id})", a.id) for a in assistant.store.articles()]


def _report(report) -> str:
    head = f"<b>{report.added} added, {report.updated} updated, {report.unchanged} unchanged</b> ({report.passages} passages)"
    failures = "".join(f"<li>⚠️ {status_html(f.error)}</li>" for f in report.failed)
    return head + (f"<ul>{failures}</ul>" if failures else "")


def _articles_tab(assistant: Assistant, settings: Settings) -> tuple[gr.Dropdown, gr.Dataframe]:
    table = gr.Dataframe(
        headers=["id", "title", "outlet", "source", "date", "passages"],
        value=lambda: _articles_table(assistant),
        interactive=False,
        label="Stored articles",
        wrap=True,
    )
    status = gr.HTML(elem_id="byline-articles-status")
    with gr.Row():
        with gr.Column():
            files = gr.File(label=f"Upload articles ({' '.join(SUPPORTED)})", file_count="multiple", file_types=list(SUPPORTED))
            upload = gr.Button("Add files", variant="primary")
        with gr.Column():
            title = gr.Textbox(label="Title of a pasted article")
            body = gr.Textbox(label="Article text", lines=6)
            paste = gr.Button("Add pasted article")
    web_section(
        assistant,
        settings,
        status,
        [table],
        lambda: (_articles_table(assistant),),
    )
    with gr.Row():
        chosen = gr.Dropdown(label="Article to delete", choices=_article_choices(assistant), value=None, allow_custom_value=True)
        delete = gr.Button("Delete article", variant="stop")

    def add_files(paths, progress=gr.Progress()):
        if not paths:
            return "Choose one or more files first.", gr.update(), gr.update()
        entries = []
        for p in paths:
            path = Path(p if isinstance(p, str) else p.name)
            entries.append(SourceFile(path, name=path.name))
        progress(0, desc="Ingesting")
        done = [0]

        def tick(n):
            done[0] += n
            progress((done[0], None), desc=f"{done[0]} passages")

        try:
            report = ingest_files(entries, settings, assistant.store, progress=tick)
        finally:
            for entry in entries:  # the upload's copy is not needed once its text is stored (or refused)
                entry.path.unlink(missing_ok=True)
        return _report(report), _articles_table(assistant), gr.update(choices=_article_choices(assistant))

    def add_pasted(title_text, text):
        if not (text or "").strip():
            return "Paste the article's text first.", gr.update(), gr.update()
        heading = " ".join((title_text or "").split()) or "Pasted article"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "pasted.txt"
            path.write_text(f"{heading}\n{text}", encoding="utf-8")
            report = ingest_files([SourceFile(path, name=f"pasted: {heading}.txt")], settings, assistant.store)
        return _report(report), _articles_table(assistant), gr.update(choices=_article_choices(assistant))

    def remove(article_id):
        if not article_id or not isinstance(article_id, str):
            return "Choose an article to delete.", gr.update(), gr.update()
        n = assistant.store.remove(article_id)
        message = (
            f"Deleted article <code>{status_html(article_id)}</code> ({n} passages)."
            if n
            else "No stored article has that id (it may have been deleted already); the list is now up to date."
        )
        return message, _articles_table(assistant), gr.update(choices=_article_choices(assistant), value=None)

    outputs = [status, table, chosen]
    upload.click(add_files, files, outputs, api_name="add_files")
    paste.click(add_pasted, [title, body], outputs, api_name="add_text")
    delete.click(remove, chosen, outputs, api_name="delete_article")
    return chosen, table


def build_app(
    settings: Settings,
    assistant: Assistant | None = None,
    batch_runner: BatchRunner | None = None,
    turns: AnswerTurns | None = None,
) -> gr.Blocks:
    assistant = assistant or Assistant(settings)
    turns = turns or AnswerTurns(settings.answer_concurrency, settings.serving.max_pending_per_session)
    with gr.Blocks(title="Byline", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        gr.Markdown("# Byline\nAnswers from your news articles, with every claim cited to its sentence.")
        with gr.Tab("Chat"):
            filter_choices, outlet_filter = chat_tab(assistant, turns, _article_choices(assistant))
        with gr.Tab("Who said what"):
            speaker_list = speakers_tab(assistant.store)
        with gr.Tab("Articles"):
            chosen, table = _articles_tab(assistant, settings)
        with gr.Tab("Batch"):
            batch_tab(assistant, settings, batch_runner)
        app.load(
            lambda: (
                gr.update(choices=_article_choices(assistant)),
                _articles_table(assistant),
                gr.update(choices=_article_choices(assistant)),
                gr.update(choices=speaker_choices(assistant.store)),
                gr.update(choices=outlet_choices(assistant)),
            ),
            None,
            [chosen, table, filter_choices, speaker_list, outlet_filter],
            api_name=False,
        )
    return app


def theme() -> gr.themes.Base:
    """System fonts only: the default theme would fetch web fonts from another host."""
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
