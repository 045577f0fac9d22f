"""The Batch tab: a question set answered one question at a time, with progress, a stop button and downloads.

The runner comes from the evaluation harness through the `byline.batch` entry point (`assistant` never imports
`evals`); it is a class built from (assistant, path, max_questions) that yields (done, total) and has `items`, `next_question`
and `finish()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.turns import session_key
from assistant.delivery.ui.render import status_html
from ingest.records import IngestError
from ingest.settings import Settings

BatchRunner = Callable[..., Any]


def progress_line(done: int, total: int, question: str | None) -> str:
    """One progress line, naming the question being answered (the first one takes a while too)."""
    now = f" Now answering: “{escape(question)}”" if question else ""
    return (
        f'<div class="byline-progress"><progress value="{done}" max="{total}"></progress>'
        f"<div>{done} of {total} answered so far.{now}</div></div>"
    )


def batch_tab(assistant: Assistant, settings: Settings, batch_runner: BatchRunner | None) -> None:
    if batch_runner is None:
        gr.Markdown("The evaluation harness (`evals`) is not installed, so batch runs are unavailable.")
        return
    questions = gr.File(label="Question set (.jsonl, .csv or .txt: one question a line)", file_types=[".jsonl", ".csv", ".txt"])
    with gr.Row():
        run_button = gr.Button("Run batch", variant="primary")
        stop_button = gr.Button("Stop batch", variant="stop", interactive=False)
    status = gr.HTML(elem_id="byline-batch-status")
    results = gr.Dataframe(
        label="Results",
        interactive=False,
        wrap=True,
        visible=False,
        column_widths=["8%", "22%", "40%", "22%", "8%"],
        elem_id="byline-batch-results",
    )
    downloads = gr.File(
        label="Download results", file_count="multiple", interactive=False, visible=False, elem_id="byline-batch-downloads"
    )
    stops: dict[str, threading.Event] = {}
    running = (gr.update(interactive=False), gr.update(interactive=True))
    idle = (gr.update(interactive=True), gr.update(interactive=False))

    def run_batch(path, request: gr.Request):
        if not path:
            yield "Upload a question set first.", gr.update(), gr.update(), *idle
            return
        try:
            batch = batch_runner(assistant, Path(path), settings.serving.max_batch_questions)
        except (ValueError, IngestError) as err:
            yield f"⚠️ {status_html(str(err))}", gr.update(), gr.update(), *idle
            return
        stop = stops.setdefault(session_key(request), threading.Event())
        stop.clear()
        hidden = gr.update(visible=False, value=None)
        yield progress_line(0, len(batch.items), batch.next_question), hidden, hidden, *running
        for done, total in batch:
            if stop.is_set():
                break
            yield progress_line(done, total, batch.next_question), gr.update(), gr.update(), *running
        table, outcome, files = batch.finish()
        shown = bool(table["data"]) if isinstance(table, dict) else True
        yield (
            status_html(outcome),
            gr.update(value=table, visible=shown),
            gr.update(value=files, visible=True),
            *idle,
        )

    def stop_batch(request: gr.Request):
        event = stops.get(session_key(request))
        if event is None:
            return "No batch is running."
        event.set()
        return "Stopping after the question being answered…"

    outputs = [status, results, downloads, run_button, stop_button]
    run_button.click(run_batch, questions, outputs, api_name="run_batch", show_progress="hidden")
    stop_button.click(stop_batch, None, status, api_name="stop_batch", queue=False)
