"""The /v1 API's limits and error shapes, in process (FastAPI's TestClient): nothing here needs a model."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.delivery.api import add_openai_routes
from assistant.delivery.turns import AnswerTurns
from ingest.settings import Settings


@pytest.fixture(scope="module")
def api():
    app = FastAPI()
    settings = Settings()
    add_openai_routes(app, None, settings, AnswerTurns(1, 2))  # type: ignore[arg-type]
    return TestClient(app)


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"message", "type", "param", "code"} <= set(body["error"]), body
    return body["error"]


def ask(**extra) -> dict:
    return {"model": "byline", "messages": [{"role": "user", "content": "What did Vance say?"}], **extra}


def test_a_huge_body_is_refused_before_it_is_read(api):
    response = api.post("/v1/chat/completions", json=ask(messages=[{"role": "system", "content": "x" * 2_000_000}]))
    assert response.status_code == 413 and "over 1,000 KB" in error(response)["message"]


def test_too_many_messages_are_refused(api):
    messages = [{"role": "user", "content": "hi"}] * 1000
    response = api.post("/v1/chat/completions", json=ask(messages=messages))
    assert response.status_code == 400 and error(response)["param"] == "messages"


@pytest.mark.parametrize(("field", "value"), [("max_tokens", 0), ("max_tokens", -5), ("temperature", "hot"), ("temperature", 3)])
def test_bad_sampling_values_are_named(api, field, value):
    response = api.post("/v1/chat/completions", json=ask(**{field: value}))
    assert response.status_code == 400 and error(response)["param"] == field


def test_unknown_routes_and_methods_answer_in_openai_shape(api):
    assert api.get("/v1/nope").status_code == 404 and error(api.get("/v1/nope"))["code"] == "not_found"
    assert api.delete("/v1/models").status_code == 405 and "DELETE is not allowed" in error(api.delete("/v1/models"))["message"]
