"""The OpenAI-compatible API of `byline serve`, driven by the real `openai` client over loopback, with the real
local model answering from the sample article."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from conftest import SAMPLE, serve_app

pytestmark = [pytest.mark.model, pytest.mark.slow]

KEY = "test-key-123"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """A server with an API key and a wide top_k (citations must still point at the right sentences)."""
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    root = tmp_path_factory.mktemp("api")
    feed = root / "other.jsonl"
    feed.write_text(
        json.dumps(
            {
                "id": "ferry-2024",
                "title": "Ferry service resumes",
                "published_at": "2024-03-05",
                "text": "The ferry to Inishmore resumed on Monday after storms, the operator Aran Lines said.",
            }
        )
    )
    settings = Settings(store=root / "store")
    ingest_paths([SAMPLE, feed], settings)
    proc, url = serve_app(settings.store.path, "--api-key", KEY, env={"BYLINE_TOP_K": "20"})
    yield url.rstrip("/"), settings
    proc.terminate()
    proc.wait(timeout=30)


def client(url: str, key: str | None = KEY):
    from openai import OpenAI

    return OpenAI(base_url=f"{url}/v1", api_key=key or "none", timeout=300, max_retries=0)


def _extra(obj, name):
    return (obj.model_extra or {}).get(name)


def _article_text(settings) -> str:
    from ingest.text.readers import read_articles

    (article,) = read_articles(SAMPLE, 10**9)
    return article.text


def test_models_lists_byline(api):
    url, _ = api
    assert [m.id for m in client(url).models.list().data] == ["byline"]


def test_plain_answer_carries_verified_citations(api):
    url, settings = api
    reply = client(url).chat.completions.create(
        model="byline", messages=[{"role": "user", "content": "What did Macron propose?"}]
    )
    message = reply.choices[0].message
    citations = _extra(message, "citations")
    assert "30-day" in message.content and "[1]" in message.content and citations
    text = _article_text(settings)
    for c in citations:  # top_k=20: every marker still quotes the exact sentence at its offsets
        assert text[c["start"] : c["end"]] == c["quote"] and c["source"] == SAMPLE.name
        assert f"[{c['marker']}]" in message.content
    assert _extra(message, "refused") is False


def test_streamed_answer_ends_with_its_citations(api):
    url, _ = api
    stream = client(url).chat.completions.create(
        model="byline", messages=[{"role": "user", "content": "What did Vance say?"}], stream=True
    )
    text, last = "", None
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
        last = chunk
    assert last.choices[0].finish_reason == "stop"
    citations = _extra(last.choices[0].delta, "citations")
    assert "stalemate" in text and citations and all(f"[{c['marker']}]" in text for c in citations)


def test_logprobs_are_the_choices_the_answer_rests_on_and_claims_carry_verdicts(api):
    url, _ = api
    question = [{"role": "user", "content": "What did Macron propose?"}]
    reply = client(url).chat.completions.create(model="byline", messages=question, logprobs=True, top_logprobs=3)
    choice, message = reply.choices[0], reply.choices[0].message
    entries = choice.logprobs.content
    kinds = [(e.model_extra or {}).get("byline_choice") for e in entries]
    assert kinds[0] == "sentence" and "answer_check" in kinds
    for entry in entries:
        assert entry.logprob <= 0 and 1 <= len(entry.top_logprobs) <= 3
        assert entry.top_logprobs[0].token == entry.token and entry.top_logprobs[0].logprob == entry.logprob
    assert _extra(message, "choices_from") == "logits" and "answer check" in _extra(message, "checks_run")
    claims = _extra(message, "claims")
    assert claims and {c["verdict"] for c in claims} <= {"verified", "re-pointed", "dropped"}
    kept = [c for c in claims if c["verdict"] != "dropped"]
    assert kept and all(f"[{m}]" in message.content for c in kept for m in c["markers"])
    plain = client(url).chat.completions.create(model="byline", messages=question)
    assert plain.choices[0].logprobs is None
    stream = client(url).chat.completions.create(model="byline", messages=question, stream=True, logprobs=True)
    last = list(stream)[-1].choices[0]
    assert last.finish_reason == "stop" and last.logprobs.content


def test_a_span_question_gets_the_span_with_its_probability_and_citation(api):
    url, _ = api
    question = [{"role": "user", "content": "When did Russia ban Amnesty International?"}]
    reply = client(url).chat.completions.create(model="byline", messages=question, logprobs=True)
    choice, message = reply.choices[0], reply.choices[0].message
    span = _extra(message, "span")
    assert span and span["kind"] == "when" and message.content.startswith(f"{span['text']} [")
    assert "Monday" in span["text"] and 0 < span["probability"] <= 1
    citations = _extra(message, "citations")
    assert citations and span["text"] in citations[0]["quote"] and "Amnesty" in citations[0]["quote"]
    entries = {(e.model_extra or {}).get("byline_choice"): e for e in choice.logprobs.content}
    assert entries["span"].token == span["text"]


def _post_stream(url: str, question: str) -> urllib.request.Request:
    body = json.dumps({"model": "byline", "messages": [{"role": "user", "content": question}], "stream": True}).encode()
    return urllib.request.Request(
        f"{url}/v1/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
    )


def test_the_stream_says_what_the_server_is_doing(api):
    """Stages come as SSE comments (which OpenAI clients skip, as the test above shows) before the answer."""
    url, _ = api
    with urllib.request.urlopen(_post_stream(url, "What did Macron propose?"), timeout=300) as response:
        lines = [line.decode().rstrip("\n") for line in response]
    stages = [json.loads(line.split(" ", 2)[2])["stage"] for line in lines if line.startswith(": byline-stage ")]
    assert stages == ["searching", "writing", "checking"], stages
    first_content = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("data: ") and '"content": "' in line[6:] and '"content": ""' not in line
    )
    last_stage = max(i for i, line in enumerate(lines) if line.startswith(": byline-stage "))
    assert last_stage < first_content and lines[-2] == "data: [DONE]"


def test_a_bad_question_in_a_stream_is_an_http_error(api):
    url, _ = api
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(_post_stream(url, "Why? " * 2000), timeout=60)
    assert refused.value.code == 400 and "error" in json.loads(refused.value.read())


def test_follow_up_uses_the_history(api):
    url, _ = api
    reply = client(url).chat.completions.create(
        model="byline",
        messages=[
            {"role": "user", "content": "Which organization did Russia ban?"},
            {"role": "assistant", "content": "Russia designated Amnesty International an undesirable organization [1]."},
            {"role": "user", "content": "Where is it based?"},
        ],
    )
    message = reply.choices[0].message
    assert "Amnesty" in _extra(message, "understood_as") and "London" in message.content


def test_a_quote_check_carries_its_verdict(api):
    url, _ = api
    reply = client(url).chat.completions.create(
        model="byline", messages=[{"role": "user", "content": "Did Zelensky say 'peace at any price' is not true peace?"}]
    )
    message = reply.choices[0].message
    check = _extra(message, "quote_check")
    assert check["verdict"] == "someone_else" and check["said_by"] == ["Emmanuel Macron"]
    assert message.content.startswith("Someone else.") and "peace at any price" in _extra(message, "citations")[0]["quote"]


def test_refusal_is_an_ordinary_answer(api):
    url, _ = api
    reply = client(url).chat.completions.create(
        model="byline", messages=[{"role": "user", "content": "What did Angela Merkel say?"}]
    )
    message = reply.choices[0].message
    assert _extra(message, "refused") is True and _extra(message, "citations") == [] and message.content


def test_filters_limit_the_articles(api):
    url, _ = api
    only_ferry = client(url).chat.completions.create(
        model="byline",
        messages=[{"role": "user", "content": "What resumed on Monday?"}],
        extra_body={"filters": {"published_after": "2024-01-01"}},
    )
    message = only_ferry.choices[0].message
    assert {c["article_id"] for c in _extra(message, "citations")} == {"ferry-2024"}
    assert "2024-01-01" in _extra(message, "filter")
    none_match = client(url).chat.completions.create(
        model="byline",
        messages=[{"role": "user", "content": "What did Macron propose?"}],
        extra_body={"filters": {"articles": ["ferry-2024"]}},
    )
    assert _extra(none_match.choices[0].message, "refused") is True


def test_auth_missing_wrong_and_right(api):
    from openai import AuthenticationError

    url, _ = api
    for key in (None, "wrong"):
        with pytest.raises(AuthenticationError, match="BYLINE_API_KEY"):
            client(url, key).models.list()
    request = urllib.request.Request(f"{url}/v1/models")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=10)
    assert missing.value.code == 401
    assert client(url).models.list().data


def _post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/v1/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


BAD_REQUESTS = [
    ("not-json", b"{not json", 400, "not valid JSON"),
    ("no-messages-field", b'{"model": "byline"}', 400, "messages"),
    ("empty-messages", b'{"model": "byline", "messages": []}', 400, "'messages' is empty"),
    ("wrong-model", b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi?"}]}', 404, "'gpt-4o' does not exist"),
    ("n-2", b'{"model": "byline", "n": 2, "messages": [{"role": "user", "content": "Hi?"}]}', 400, "n=1"),
    (
        "tools",
        b'{"model": "byline", "tools": [{"type": "function"}], "messages": [{"role": "user", "content": "Hi?"}]}',
        400,
        "'tools'",
    ),
    (
        "json-mode",
        b'{"model": "byline", "response_format": {"type": "json_object"}, "messages": [{"role": "user", "content": "Hi?"}]}',
        400,
        "text responses",
    ),
    (
        "last-not-user",
        b'{"model": "byline", "messages": [{"role": "assistant", "content": "Hi"}]}',
        400,
        "last message must be a user",
    ),
    ("bad-role", b'{"model": "byline", "messages": [{"role": "wizard", "content": "Hi"}]}', 400, "role"),
    (
        "top-logprobs-alone",
        b'{"model": "byline", "top_logprobs": 3, "messages": [{"role": "user", "content": "Hi?"}]}',
        400,
        "needs 'logprobs'",
    ),
    (
        "bad-date",
        b'{"model": "byline", "filters": {"published_after": "last week"}, "messages": [{"role": "user", "content": "Hi?"}]}',
        400,
        "YYYY-MM-DD",
    ),
    (
        "unknown-filter",
        b'{"model": "byline", "filters": {"outlet": "x"}, "messages": [{"role": "user", "content": "Hi?"}]}',
        400,
        "filters",
    ),
]


@pytest.mark.parametrize("case,body,status,message", BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
def test_bad_requests_get_openai_style_errors(api, case, body, status, message):
    url, _ = api
    code, payload = _post(url, body)
    assert code == status, payload
    error = payload["error"]
    assert message in error["message"] and error["type"] and "Traceback" not in json.dumps(payload)


def test_two_clients_at_once(api):
    url, _ = api
    answers: dict[int, str] = {}

    def ask(n: int, question: str) -> None:
        reply = client(url).chat.completions.create(model="byline", messages=[{"role": "user", "content": question}])
        answers[n] = reply.choices[0].message.content

    threads = [
        threading.Thread(target=ask, args=(0, "What did Macron propose?")),
        threading.Thread(target=ask, args=(1, "Where did Russian and Ukrainian delegates meet?")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert "30-day" in answers[0] and "Istanbul" in answers[1]


def test_api_is_off_beyond_localhost_without_a_key(tmp_path):
    import subprocess
    import sys

    from conftest import RUN_DIR, free_port, wait_for_port

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.delivery.cli",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--store",
            str(tmp_path),
        ],
        cwd=RUN_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 180, proc)
        with pytest.raises(urllib.error.HTTPError) as off:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=10)
        assert off.value.code == 403 and "--api-key" in json.loads(off.value.read())["error"]["message"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_readme_example_works_as_written(tmp_path):
    import re
    import subprocess
    import sys

    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    from conftest import ROOT, RUN_DIR

    ingest_paths([SAMPLE], Settings(store=tmp_path / "store"))
    proc, url = serve_app(tmp_path / "store")
    try:
        (code,) = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
        assert len(code.strip().splitlines()) == 5
        code = code.replace("http://127.0.0.1:7860/", url)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=RUN_DIR)
        assert out.returncode == 0, out.stderr
        assert "stalemate" in out.stdout and "'quote'" in out.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=30)
