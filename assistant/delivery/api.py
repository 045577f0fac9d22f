"""An OpenAI-compatible chat API served beside the UI: any OpenAI client gets Byline's cited answers.

The answer's text carries the [n] markers; the message adds `citations`, `claims` (each claim the model wrote and
what the checks did with it: verified, re-pointed, dropped), `checks_run`, `choices_from` (and `refused`,
`understood_as`, `filter`, and a quote check's `quote_check`: its verdict, who said the words, what the claim
changes). Asked for `logprobs`, it returns those of the model's choices (see `openai_message`). A stream sends the answer only after its citations are verified, so no claim that verification drops
is ever sent; the last chunk carries the citations. Article, outlet and date filters go in an extra `filters` field.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.core.answer import Answer, Event
from assistant.core.assistant import Assistant, QuestionError
from assistant.delivery.access import Brake
from assistant.delivery.hosts import LOOPBACK_NAMES
from assistant.delivery.openai_message import choice_logprobs, message_extras
from assistant.delivery.sse import MODEL_ID, answer_pieces, sse_chunk, stage_comment
from assistant.delivery.turns import AnswerTurns, TooManyPending
from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.text.dates import user_date

LOOPBACK = LOOPBACK_NAMES
MAX_BODY_BYTES = 1_000_000
MAX_MESSAGES = 200


class ApiError(Exception):
    """An OpenAI-style error: HTTP status, message, and the parameter it is about."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code

    def body(self) -> dict:
        kind = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}.get(
            self.status, "invalid_request_error"
        )
        return {"error": {"message": self.message, "type": kind, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[str] = Field(default_factory=list, description="only these article ids")
    published_after: str | None = Field(None, description="YYYY-MM-DD, inclusive")
    published_before: str | None = Field(None, description="YYYY-MM-DD, inclusive")
    outlets: list[str] = Field(default_factory=list, description="only articles from these outlets")

    def passage_filter(self) -> PassageFilter:
        dates = {}
        for name in ("published_after", "published_before"):
            value = getattr(self, name)
            try:
                dates[name] = user_date(value) if value else None
            except ValueError as err:
                raise ApiError(400, str(err), f"filters.{name}") from None
        return PassageFilter(tuple(self.articles), dates["published_after"], dates["published_before"], tuple(self.outlets))


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[MessageIn] = Field(max_length=MAX_MESSAGES)
    stream: bool = False
    filters: FiltersIn | None = None
    n: int | None = None
    tools: list | None = None
    tool_choice: Any = None
    functions: list | None = None
    function_call: Any = None
    logprobs: bool | None = Field(None, description="the log-probabilities of the choices the answer rests on")
    top_logprobs: int | None = Field(None, ge=0, le=20)
    response_format: dict | None = None
    user: str | None = Field(None, max_length=256, description="who asks: the pending cap is kept per user")
    max_tokens: int | None = Field(None, ge=1, description="accepted for compatibility; Byline's answers are short")
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2, description="accepted for compatibility; answers are greedy")
    top_p: float | None = Field(None, gt=0, le=1)


def _check_supported(request: ChatRequest) -> None:
    if request.model != MODEL_ID:
        raise ApiError(404, f"The model '{request.model}' does not exist here; use '{MODEL_ID}'.", "model", "model_not_found")
    if not request.messages:
        raise ApiError(400, "'messages' is empty; send at least one user message.", "messages")
    if request.n not in (None, 1):
        raise ApiError(400, "Only n=1 is supported: Byline gives one cited answer.", "n")
    for name in ("tools", "tool_choice", "functions", "function_call"):
        if getattr(request, name):
            raise ApiError(400, f"'{name}' is not supported: Byline answers from its articles only.", name)
    if request.top_logprobs is not None and not request.logprobs:
        raise ApiError(400, "'top_logprobs' needs 'logprobs': true.", "top_logprobs")
    if request.response_format and request.response_format.get("type") not in (None, "text"):
        raise ApiError(400, "Only text responses are supported; the answer cites its sources inline.", "response_format")


def conversation(messages: list[MessageIn]) -> tuple[str, list[tuple[str, str]]]:
    """(the question, earlier (question, answer) pairs): the last message must be the user's question."""
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user" or not turns[-1].text().strip():
        raise ApiError(400, "The last message must be a user message with the question.", "messages")
    history, question = [], None
    for message in turns[:-1]:
        if message.role == "user":
            question = message.text()
        elif question is not None:
            history.append((question, message.text()))
            question = None
    return turns[-1].text(), history


class ClientGone(Exception):
    """The client closed the connection: its answer is not generated any further."""


class OpenAIChat:
    """The routes; one instance per server, sharing the chat's fair queue for the local model."""

    def __init__(self, assistant: Assistant, settings: Settings, turns: AnswerTurns):
        self.assistant, self.settings, self.turns = assistant, settings, turns
        self.brake = Brake(free=5, base_s=0.5, max_s=30.0)
        self.signed_in: Callable[[Request], bool] | None = None
        """Set by the server under --auth: whether a request carries the UI's login cookie."""

    def authorize(self, request: Request) -> None:
        """With an API key, the key (or, under --auth, the UI's login cookie); without one, under --auth, the
        login cookie; with neither, localhost only. Wrong keys are braked per client."""
        key, client = self.settings.serving.api_key, request.client.host if request.client else "unknown"
        if self.signed_in is not None and self.signed_in(request):
            return
        if not key:
            if self.settings.serving.auth:
                raise ApiError(
                    401, "Sign in to the app first, or start the server with --api-key KEY and send it.", code="login_required"
                )
            if self.settings.serving.host not in LOOPBACK:
                raise ApiError(
                    403,
                    "The API is off: this server listens beyond localhost without an API key. "
                    "Start it with --api-key KEY (BYLINE_API_KEY).",
                    code="api_disabled",
                )
            return
        wait = self.brake.wait_s(client)
        if wait > 0:
            raise ApiError(
                429, f"Too many wrong API keys from this client; try again in {wait:.0f} s.", code="too_many_wrong_keys"
            )
        scheme, _, given = request.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), key.encode()):
            self.brake.failed(client)
            raise ApiError(
                401, "Missing or wrong API key: send 'Authorization: Bearer <key>' (BYLINE_API_KEY).", code="invalid_api_key"
            )

    def models(self) -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "byline"}]}

    def _events(self, request: ChatRequest, asker: str, gone: Callable[[], bool]) -> Iterator[Event]:
        """The assistant's events, generated only while the client is still there: a client that goes away leaves
        its place in the queue and stops its generation. Waiting in the queue is a stage too."""
        question, history = conversation(request.messages)
        where = request.filters.passage_filter() if request.filters else PassageFilter()
        try:
            ticket = self.turns.join(asker)
        except TooManyPending as err:
            raise ApiError(429, str(err), code="too_many_pending") from None
        try:
            for ahead in self.turns.wait(ticket):
                if gone():
                    raise ClientGone()
                yield Event("queued", ahead)
            for event in self.assistant.stream(question, history, where):
                if gone():
                    raise ClientGone()
                yield event
        except QuestionError as err:
            raise ApiError(400, str(err), "messages") from None
        finally:
            self.turns.leave(ticket)

    def _answer(self, events: Iterator[Event]) -> Answer:
        answer = None
        for event in events:
            if event.kind == "answer":
                answer = event.data
        assert answer is not None
        return answer

    def asker(self, request: Request, body: ChatRequest) -> str:
        """Whose pending questions a request counts among: the API key's, else the named user's, else the
        client address's (every local or proxied client shares that one)."""
        key = self.settings.serving.api_key
        if key:
            return "api-key:" + hashlib.sha256(key.encode()).hexdigest()[:12] + (f":user:{body.user}" if body.user else "")
        if body.user:
            return f"api-user:{body.user}"
        return f"api:{request.client.host if request.client else 'unknown'}"

    @staticmethod
    def _logprobs(request: ChatRequest, answer: Answer) -> dict | None:
        return choice_logprobs(answer, request.top_logprobs or 0) if request.logprobs else None

    def complete(self, request: ChatRequest, asker: str, gone: Callable[[], bool] = lambda: False) -> Any:
        _check_supported(request)
        events = self._events(request, asker, gone)
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not request.stream:
            answer = self._answer(events)
            usage = answer.usage
            return {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": MODEL_ID,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer.answer, **message_extras(answer)},
                        "logprobs": self._logprobs(request, answer),
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "total_tokens": usage.prompt_tokens + usage.completion_tokens,
                },
            }
        first = next(events)  # a refused question (bad input, a full queue) is an HTTP error, not a stream

        def stream() -> Iterator[str]:
            yield sse_chunk(completion_id, created, {"role": "assistant", "content": ""})
            answer = None
            try:
                for event in itertools.chain([first], events):
                    if event.kind in ("stage", "queued"):
                        yield stage_comment(event)
                    elif event.kind == "answer":
                        answer = event.data
            except ClientGone:
                return
            except ApiError as err:
                yield f"data: {json.dumps(err.body())}\n\n"
                yield "data: [DONE]\n\n"
                return
            assert answer is not None
            for piece in answer_pieces(answer.answer):
                yield sse_chunk(completion_id, created, {"content": piece})
            yield sse_chunk(completion_id, created, message_extras(answer), "stop", self._logprobs(request, answer))
            yield "data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")


class BodyLimit:
    """ASGI middleware: a /v1 request body over the limit gets 413 in OpenAI's error shape, counted as it arrives
    (a missing or false Content-Length does not get past it)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        too_big = ApiError(413, f"The request body is over {self.limit // 1000:,} KB; send a shorter conversation.", "messages")
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await too_big.response()(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooBig()
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooBig:
            await too_big.response()(scope, receive, send)


class _BodyTooBig(Exception):
    pass


def add_openai_routes(app: FastAPI, assistant: Assistant, settings: Settings, turns: AnswerTurns) -> OpenAIChat:
    chat = OpenAIChat(assistant, settings, turns)
    router = APIRouter(prefix="/v1", dependencies=[Depends(chat.authorize)])

    @router.get("/models")
    def list_models() -> dict:
        return chat.models()

    @router.get("/models/{model_id}")
    def get_model(model_id: str) -> dict:
        if model_id != MODEL_ID:
            raise ApiError(404, f"The model '{model_id}' does not exist here; use '{MODEL_ID}'.", "model", "model_not_found")
        return chat.models()["data"][0]

    @router.post("/chat/completions")
    def chat_completions(body: ChatRequest, request: Request) -> Any:
        def gone() -> bool:
            return anyio.from_thread.run(request.is_disconnected)

        try:
            return chat.complete(body, chat.asker(request, body), gone)
        except ClientGone:
            return JSONResponse({"error": {"message": "the client went away", "type": "client_gone"}}, status_code=499)

    app.include_router(router)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return err.response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse | Response:
        if not request.url.path.startswith("/v1"):
            return await http_exception_handler(request, err)
        message = {404: f"No route {request.url.path} here.", 405: f"{request.method} is not allowed on {request.url.path}."}
        return ApiError(
            err.status_code, message.get(err.status_code, str(err.detail)), code="not_found" if err.status_code == 404 else None
        ).response()

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if first.get("type") == "json_invalid":
            message = "The request body is not valid JSON."
        else:
            message = f"Invalid request: {where or 'body'}: {first.get('msg', 'not valid')}."
        return ApiError(400, message, where or None).response()

    return chat
