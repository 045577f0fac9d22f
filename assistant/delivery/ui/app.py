"""The Gradio app: chat with streamed, cited answers; a Who said what tab; an Articles tab; a Batch tab."""

from __future__ import annotations

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.turns import AnswerTurns
from assistant.delivery.ui.articles_tab import articles_tab
from assistant.delivery.ui.batch import BatchRunner, batch_tab
from assistant.delivery.ui.chat import chat_tab
from assistant.delivery.ui.lists import ListKeeper, PageLists
from assistant.delivery.ui.speakers_tab import speakers_tab
from ingest.settings import Settings

PAGE_SCRIPT = """() => {
  document.addEventListener("click", (event) => {
    const marker = event.target.closest && event.target.closest("a.byline-marker");
    if (!marker) return;
    const target = document.getElementById((marker.getAttribute("href") || "").slice(1));
    if (!target) return;
    event.preventDefault();
    const box = target.closest("details");
    if (box) box.open = true;
    const show = () => target.scrollIntoView({block: "center"});
    requestAnimationFrame(show);
    setTimeout(show, 250);  // again once the chat has settled after the box opened
  });
}"""
"""A click on a marker [n] opens the answer's sources at its sentence (they start closed, so the answer stays in view)."""


def build_app(
    settings: Settings,
    assistant: Assistant | None = None,
    batch_runner: BatchRunner | None = None,
    turns: AnswerTurns | None = None,
) -> gr.Blocks:
    assistant = assistant or Assistant(settings)
    turns = turns or AnswerTurns(settings.answer_concurrency, settings.serving.max_pending_per_session)
    with gr.Blocks(title="Byline", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        gr.Markdown("# Byline\nAnswers from your news articles, with every claim cited to its sentence.", elem_id="byline-intro")
        with gr.Tab("Chat"):
            chat = chat_tab(assistant, turns)
        with gr.Tab("Who said what"):
            speaker_list, speaker_overview = speakers_tab(assistant.store, assistant.ask, turns)
        with gr.Tab("Articles"):
            articles = articles_tab(assistant, settings)
        with gr.Tab("Batch"):
            batch_tab(assistant, settings, batch_runner)
        keeper = ListKeeper(
            PageLists(
                chat.articles,
                chat.outlets,
                chat.chatbot,
                speaker_list,
                speaker_overview,
                articles.table,
                articles.delete_choice,
            ),
            assistant,
        )
        keeper.attach(app)
        for event in articles.changes:
            keeper.after(event)
    return app


def theme() -> gr.themes.Base:
    """System fonts only: the default theme would fetch web fonts from another host."""
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
