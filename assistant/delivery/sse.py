"""The wire format of a streamed chat completion: OpenAI's chunks, the answer cut into pieces, and Byline's stage
comments, which OpenAI clients skip."""

from __future__ import annotations

import json
from collections.abc import Iterator

from assistant.core.answer import Event

MODEL_ID = "byline"


def sse_chunk(completion_id: str, created: int, delta: dict, finish: str | None = None, logprobs: dict | None = None) -> str:
    choice: dict = {"index": 0, "delta": delta, "finish_reason": finish}
    if logprobs is not None:
        choice["logprobs"] = logprobs
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [choice],
    }
    return f"data: {json.dumps(body)}\n\n"


def answer_pieces(text: str, size: int = 24) -> Iterator[str]:
    """The verified answer in small pieces, cut at spaces, so clients render it as a stream."""
    start = 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def stage_comment(event: Event) -> str:
    """What the server is doing, as an SSE comment: OpenAI clients skip comment lines, a client that wants to show
    progress reads them. `: byline-stage {"stage": "checking", "text": "Checking the citations…"}`"""
    if event.kind == "queued":
        body = {"stage": "queued", "text": f"Waiting for the model: {event.data} question(s) ahead."}
    else:
        body = {"stage": str(event.data), "text": event.data.words}
    return f": byline-stage {json.dumps(body, ensure_ascii=False)}\n\n"
