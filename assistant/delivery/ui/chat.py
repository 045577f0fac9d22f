"""The Chat tab: streamed cited answers, fair turns at the model, filters for the conversation, and export."""

from __future__ import annotations

import logging
import tempfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from pathlib import Path

import gradio as gr

from assistant.core.answer import Answer, Stage
from assistant.core.assistant import Assistant, QuestionError
from assistant.delivery.export import conversation_json, conversation_markdown
from assistant.delivery.turns import AnswerTurns, TooManyPending, session_key
from assistant.delivery.ui.render import answer_message, sources_html, streaming_message, visible_text
from ingest.records import PassageFilter
from ingest.text.dates import user_date

EXAMPLES = [
    "What is this article about?",
    "What did Vance say?",
    "What did Macron propose?",
    "Who designated Amnesty International an undesirable organization?",
    "Where did Russian and Ukrainian delegates meet?",
]


class AnswerLog:
    """The plain answers behind the rendered chat messages, so a follow-up's history and an export use the answer
    itself (text and citations), never text recovered from markup. Bounded; a message it no longer holds (a chat
    restored from the browser after a restart) falls back to the message's visible text."""

    def __init__(self, size: int = 5000):
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, rendered: str, answer: Answer) -> None:
        with self._lock:
            self._answers[rendered] = answer
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)

    def answer(self, rendered: str, question: str) -> Answer:
        with self._lock:
            known = self._answers.get(rendered)
        if known is not None:
            return known
        text = visible_text(rendered)
        return Answer(question=question, standalone_question=question, answer=text)

    def answers(self, history: list[dict]) -> list[Answer]:
        """The answers of the chat's messages in order; source boxes and queue notes are left out."""
        found: list[Answer] = []
        question = None
        for message in history:
            role, content = message.get("role"), message.get("content")
            if isinstance(content, list):
                content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
            if not isinstance(content, str):
                continue
            if role == "user":
                question = content
            elif role == "assistant" and question is not None and not (message.get("metadata") or {}).get("title"):
                found.append(self.answer(content, question))
                question = None
        return found

    def pairs(self, history: list[dict]) -> list[tuple[str, str]]:
        return [(a.question, a.answer) for a in self.answers(history)]


def _filter(
    assistant: Assistant, articles: list[str] | None, after: str | None, before: str | None, outlets: list[str] | None = None
) -> PassageFilter:
    articles = [a for a in (articles or []) if isinstance(a, str)]
    if articles:
        unknown = set(articles) - assistant.store.existing_article_ids(articles)
        if unknown:
            raise QuestionError(f"no stored article has the id {sorted(unknown)[0]!r}; pick articles from the Filters list")
    after, before = (after or "").strip(), (before or "").strip()
    try:
        return PassageFilter(
            tuple(articles or ()),
            user_date(after) if after else None,
            user_date(before) if before else None,
            tuple(o for o in (outlets or []) if isinstance(o, str)),
        )
    except ValueError as err:
        raise QuestionError(f"the date filter is not valid: {err}") from None


def _answer(assistant: Assistant, log: AnswerLog, message: str, history: list[dict], where: PassageFilter):
    key = uuid.uuid4().hex[:8]
    text, standalone, stage = "", None, Stage.SEARCHING
    yield streaming_message("", None, stage)
    for event in assistant.stream(message, log.pairs(history), where):
        if event.kind == "stage":
            stage = event.data
            yield streaming_message(text, standalone, stage)
        elif event.kind == "standalone":
            standalone = event.data
            yield streaming_message(text, standalone, stage)
        elif event.kind == "token":
            text += event.data
            yield streaming_message(text, standalone, stage)
        elif event.kind == "answer":
            rendered = answer_message(event.data, key) + sources_html(event.data, key)
            log.add(rendered, event.data)
            yield rendered


def _chat_fn(assistant: Assistant, log: AnswerLog, turns: AnswerTurns):
    def respond(
        message: str, history: list[dict], articles: list[str], after: str, before: str, outlets: list[str], request: gr.Request
    ):
        try:
            where = _filter(assistant, articles, after, before, outlets)
            ticket = turns.join(session_key(request))
        except (TooManyPending, QuestionError) as err:
            yield f'<div class="byline-error">{escape(str(err))}</div>'
            return
        try:
            for ahead in turns.wait(ticket):
                yield f'<div class="byline-standalone">Queued: {ahead} question(s) ahead of yours.</div>'
            yield from _answer(assistant, log, message, history, where)
        except QuestionError as err:
            yield f'<div class="byline-error">{escape(str(err))}</div>'
        except Exception:
            logging.getLogger("byline").exception("answering failed")
            yield '<div class="byline-error">Something went wrong while answering; the error is in the server log. Ask again.</div>'
        finally:
            turns.leave(ticket)

    return respond


def _export(log: AnswerLog):
    def export(history: list[dict]):
        answers = log.answers(history or [])
        if not answers:
            return gr.update(value=None, visible=False)
        folder = Path(tempfile.mkdtemp(prefix="byline-export-"))
        (folder / "byline-conversation.md").write_text(conversation_markdown(answers), encoding="utf-8")
        (folder / "byline-conversation.json").write_text(conversation_json(answers), encoding="utf-8")
        return gr.update(value=[str(folder / "byline-conversation.md"), str(folder / "byline-conversation.json")], visible=True)

    return export


def _example_text(selected: gr.SelectData) -> str:
    value = selected.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


ASK_NOW = """() => { const b = document.querySelector('#byline-input button.submit-button'); if (b) b.click(); }"""
"""A click on an example asks it, as chat apps do: the box is filled on the server, then sent from the page."""


def chat_tab(assistant: Assistant, turns: AnswerTurns) -> ChatLists:
    """Builds the tab; returns the lists the page keeps up to date."""
    log = AnswerLog()
    with gr.Accordion("Filters for this conversation", open=False, elem_id="byline-filters"), gr.Row():
        articles = gr.Dropdown(
            label="Only these articles", choices=[], multiselect=True, value=[], allow_custom_value=True, elem_id="byline-only"
        )
        after = gr.Textbox(label="Published on or after (YYYY-MM-DD)", value="")
        before = gr.Textbox(label="Published on or before (YYYY-MM-DD)", value="")
        outlets = gr.Dropdown(label="Only these outlets", choices=[], multiselect=True, value=[], elem_id="byline-outlets")
    chatbot = gr.Chatbot(
        show_label=False,
        height="min(520px, calc(100vh - 290px))",
        min_height=240,
        sanitize_html=True,
        allow_tags=False,
        feedback_options=None,
        elem_id="byline-chat",
    )
    chat = gr.ChatInterface(
        _chat_fn(assistant, log, turns),
        chatbot=chatbot,
        textbox=gr.Textbox(
            show_label=False, placeholder="Ask about the articles…", elem_id="byline-input", scale=7, submit_btn=True
        ),
        additional_inputs=[articles, after, before, outlets],
        save_history=True,
        analytics_enabled=False,
        api_name="ask",
        fill_height=False,
        show_progress="hidden",  # the answer says what it is doing; Gradio's time estimate was wrong
        concurrency_limit=None,  # AnswerTurns queues the answers, fairly per session
    )
    chat.chat_history_dataset.label = "Saved chats"
    chat.chat_history_dataset.show_label = True
    chat.chat_history_dataset.elem_id = "byline-saved"
    # ChatInterface puts examples with additional inputs in a table under the chat; as chips in the empty chat they
    # read better (the filters stay as the user set them).
    chatbot.examples = [{"text": q} for q in EXAMPLES]
    chatbot._setup_examples()
    chatbot.example_select(_example_text, None, chat.textbox, api_visibility="private").then(
        None, None, None, js=ASK_NOW, api_visibility="private"
    )
    with gr.Row():
        export_button = gr.Button("Export conversation (Markdown + JSON)", size="sm")
    downloads = gr.File(
        label="Conversation downloads", file_count="multiple", interactive=False, visible=False, elem_id="byline-export"
    )
    export_button.click(_export(log), chatbot, downloads, api_name="export_chat")
    return ChatLists(articles, outlets, chatbot)


@dataclass(frozen=True)
class ChatLists:
    """The chat's components that show the stored articles and outlets."""

    articles: gr.Dropdown
    outlets: gr.Dropdown
    chatbot: gr.Chatbot
