"""Issue 16 in a real Chromium: user text that reaches a Markdown status or the streaming answer must not make the
browser load anything. Each hostile string carries an image link to a loopback logger that counts requests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ui_kit import CHROMIUM, FLAGS, shows_name, upload

from conftest import ARTIFACTS, SAMPLE, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.model]


class _Logger(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Logger.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class _SlowMarkdownModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible server whose answer streams a markdown image link, slowly."""

    link = ""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        parts = ["Vance said ", f"![seen]({self.link}) ", "there is ", "a stalemate ", "[1]."]
        for i, text in enumerate(parts):
            chunk = {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.6 if i else 0.1)
        done = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()

    def log_message(self, *args):
        pass


HOSTILE_FEED = "https://feeds.example/x`![f]({log}/feed.png)`y"


def _start(handler) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings
    from ingest.web.feeds import FeedList

    logger, log_url = _start(_Logger)
    _SlowMarkdownModel.link = f"{log_url}/stream.png"
    model, model_url = _start(_SlowMarkdownModel)
    root = tmp_path_factory.mktemp("hostile-ui")
    feed = root / "feed.jsonl"
    hostile_id = f"x`![a]({log_url}/delete.png)`y"
    feed.write_text(json.dumps({"id": hostile_id, "title": "Harbour quiet", "text": "A calm day passed in the harbour."}))
    ingest_paths([SAMPLE, feed], Settings(store=root / "store"))
    FeedList(Settings(store=root / "store")).add(HOSTILE_FEED.format(log=log_url))
    proc, url = serve_app(root / "store", "--backend", "openai", env={"BYLINE_OPENAI_BASE_URL": f"{model_url}/v1"})
    yield url, log_url, hostile_id
    proc.terminate()
    proc.wait(timeout=30)
    logger.shutdown()
    model.shutdown()


@pytest.fixture
def page(hostile_app):
    from playwright.sync_api import sync_playwright

    _Logger.hits.clear()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(hostile_app[0])
        page.wait_for_selector("#byline-chat")
        yield page
        browser.close()


def test_article_id_in_the_delete_status_loads_nothing(page, hostile_app):
    _, _, hostile_id = hostile_app
    page.get_by_role("tab", name="Articles").click()
    shows_name(page, "Harbour quiet", 30)  # the page's own refresh of the list is done
    box = page.get_by_label("Article to delete")
    box.fill(hostile_id)
    box.press("Enter")
    page.get_by_role("button", name="Delete article…").click()
    shows_name(page, "Delete “Harbour quiet” and its 1 passage?", 30)
    page.get_by_role("button", name="Yes, delete it").click()
    try:
        shows_name(page, "Deleted the article “Harbour quiet” (1 passage).", 60)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "delete-hostile-id.png"))
    page.wait_for_timeout(1000)
    assert _Logger.hits == []


def test_csv_header_and_jsonl_url_in_errors_load_nothing(page, hostile_app, tmp_path):
    _, log_url, _ = hostile_app
    page.get_by_role("tab", name="Batch").click()
    page.get_by_role("button", name="Run batch").wait_for(timeout=30_000)
    questions = tmp_path / "bad.csv"
    questions.write_text(f"![h]({log_url}/csv.png),answers\nWhat?,x\n")
    upload(page, questions)
    page.get_by_role("button", name="Run batch").click()
    shows_name(page, "'question' column", 60)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch-hostile-header.png"))
    assert f"![h]({log_url}/csv.png)" in page.locator("#byline-batch-status").inner_text()  # shown as typed
    page.get_by_role("tab", name="Articles").click()
    page.get_by_role("button", name="Add files").wait_for(timeout=30_000)
    feed = tmp_path / "urls.jsonl"
    feed.write_text(json.dumps({"url": f"![u]({log_url}/url.png)", "title": "U", "text": "\u200b\u200d"}) + "\n")
    upload(page, feed)
    page.get_by_role("button", name="Add files").click()
    shows_name(page, "bad record", 60)
    page.wait_for_timeout(1000)
    assert _Logger.hits == []


def test_streamed_markdown_link_stays_text(page):
    box = page.locator("#byline-input textarea").first
    box.fill("What did Vance say?")
    box.press("Enter")
    shows_name(page, "![seen](", 60)  # mid-stream: the link is text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stream-markdown-as-text.png"))
    page.locator("#byline-chat details.byline-sources, #byline-chat .byline-sources").first.wait_for(
        state="attached", timeout=60_000
    )
    page.wait_for_timeout(500)
    assert _Logger.hits == []


def test_a_followed_feed_url_is_shown_as_text_and_loads_nothing(page, hostile_app):
    _, log_url, _ = hostile_app
    page.get_by_role("tab", name="Articles").click()
    shows_name(page, "Following (", 30)
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "feed-list-hostile-url.png"), full_page=True)
    assert HOSTILE_FEED.format(log=log_url) in page.locator("#byline-feeds").inner_text()
    assert _Logger.hits == []
