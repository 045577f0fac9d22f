"""The Batch tab: a question set answered one question at a time, with progress, a stop button and downloads.

The runner comes from the evaluation harness through the `byline.batch` entry point (`assistant` never imports
`evals`); it is a class built from (assistant, path, max_questions) that yields (done, total) and has `finish()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.turns import session_key
from assistant.delivery.ui.render import status_html
from ingest.records import IngestError
from ingest.settings import Settings

BatchRunner = Callable[..., Any]


def batch_tab(assistant: Assistant, settings: Settings, batch_runner: BatchRunner | None) -> None:
    if batch_runner is None:
        gr.Markdown("The evaluation harness (`evals`) is not installed, so batch runs are unavailable.")
        return
    questions = gr.File(label="Question set (.jsonl, .csv or .txt: one question a line)", file_types=[".jsonl", ".csv", ".txt"])
    with gr.Row():
        run_button = gr.Button("Run batch", variant="primary")
        stop_button = gr.Button("Stop batch", variant="stop")
    status = gr.HTML(elem_id="byline-batch-status")
    results = gr.Dataframe(label="Results", interactive=False, wrap=True, elem_id="byline-batch-results")
    downloads = gr.File(label="Download results", file_count="multiple", interactive=False, elem_id="byline-batch-downloads")
    stops: dict[str, threading.Event] = {}

    def run_batch(path, request: gr.Request, progress=gr.Progress()):
        if not path:
            yield "Upload a question set first.", None, None
            return
        try:
            batch = batch_runner(assistant, Path(path), settings.serving.max_batch_questions)
        except (ValueError, IngestError) as err:
            yield f"⚠️ {status_html(str(err))}", None, None
            return
        stop = stops.setdefault(session_key(request), threading.Event())
        stop.clear()
        progress((0, len(batch.items)), desc="questions")
        for done, total in batch:
            progress((done, total), desc="questions")
            yield f"Answered {done} of {total} so far…", gr.update(), gr.update()
            if stop.is_set():
                break
        table, summary, files = batch.finish()
        yield status_html(summary), table, files

    def stop_batch(request: gr.Request):
        event = stops.get(session_key(request))
        if event is None:
            return "No batch is running."
        event.set()
        return "Stopping after the question being answered…"

    run_button.click(run_batch, questions, [status, results, downloads], api_name="run_batch")
    stop_button.click(stop_batch, None, status, api_name="stop_batch", queue=False)
