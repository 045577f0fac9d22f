"""The chat UI in a real Chromium, against `byline serve` with the real local model on the sample article."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ARTIFACTS, SAMPLE, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.model]

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS_TITLE = "Harbour <script>window.__xss=1</script> report"
XSS_BODY = (
    'The harbour of Port Elin reopened on Tuesday after repairs. <img src=x onerror="window.__xss=1"> '
    'Officials posted details <a href="javascript:window.__xss=1">here</a>. <script>window.__xss=1</script>\n'
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    store = tmp_path_factory.mktemp("ui") / "store"
    xss = tmp_path_factory.mktemp("xss") / "harbour.txt"
    xss.write_text(f"{XSS_TITLE}\n{XSS_BODY}")
    ingest_paths([SAMPLE, xss], Settings(store=store))
    proc, url = serve_app(store)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: `apt-get install -y chromium` (make test does this)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1200, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"a dialog opened: {d.message}")))
    page.goto(app_url)
    page.wait_for_selector("#byline-chat")
    yield page
    hosts = {urlparse(u).hostname for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {"127.0.0.1"}, f"requests left the machine: {hosts}"
    context.close()


def ask(page, question: str, timeout: float = 180) -> dict:
    """Type a question, wait for the streamed answer and its source box; returns timings seen in the page."""
    bot = page.locator("#byline-chat .message-row.bot-row, #byline-chat [data-testid='bot']")
    before = bot.count()
    boxes = (
        page.locator("#byline-chat").get_by_text("Sources", exact=True).count()
        + page.locator("#byline-chat").get_by_text("Closest passages", exact=True).count()
    )
    box = (
        page.get_by_placeholder("Type a message...")
        if page.get_by_placeholder("Type a message...").count()
        else page.locator("textarea").first
    )
    box.fill(question)
    t0 = time.time()
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll(\"#byline-chat [data-testid='bot']\").length > {before}", timeout=timeout * 1000
    )
    first = time.time() - t0
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('#byline-chat button, #byline-chat span')]"
        ".filter(e => ['Sources','Closest passages'].includes(e.textContent.trim())).length > n",
        arg=boxes,
        timeout=timeout * 1000,
    )
    return {"first_token_s": first, "total_s": time.time() - t0}


def upload(page, path: Path) -> None:
    """Through the file chooser, as a person does; Gradio's hidden inputs ignore a direct set_input_files."""
    with page.expect_file_chooser() as chooser:
        page.locator("text=Click to Upload >> visible=true").first.click()
    chooser.value.set_files(str(path))


def test_vance_question_streams_a_cited_answer(page):
    timings = ask(page, "What did Vance say?")
    chat = page.locator("#byline-chat")
    assert "stalemate" in chat.inner_text()
    marker = chat.locator("a.byline-marker").first
    assert "Vance" in marker.get_attribute("title")  # hovering [n] shows its source sentence
    chat.get_by_text("Sources", exact=True).last.click()  # the box under the answer opens on click
    sources = chat.locator(".byline-source")
    sources.first.wait_for(state="visible", timeout=10_000)
    assert "JD Vance remarked that there is a stalemate" in sources.locator("mark").all_inner_texts()[0]
    page.wait_for_timeout(700)  # let the box finish opening before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-vance.png"), full_page=True)
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings))


def test_follow_up_shows_the_rewritten_question(page):
    ask(page, "Which organization did Russia ban?")
    ask(page, "Where is it based?")
    standalone = page.locator("#byline-chat .byline-standalone").last.inner_text()
    assert "Amnesty" in standalone


def test_refusal_looks_different_and_offers_passages(page):
    ask(page, "What did Angela Merkel say?")
    assert page.locator("#byline-chat .byline-refusal").count() == 1
    page.locator("#byline-chat").get_by_text("Closest passages", exact=True).last.click()
    page.locator("#byline-chat .byline-source").first.wait_for(timeout=10_000)


def test_upload_an_article_then_ask_about_it(page, tmp_path):
    story = tmp_path / "volcano-erupts.txt"
    story.write_text(
        "Volcano erupts near Grindavik\nThe volcano near Grindavik erupted on Thursday night, "
        "forcing 400 residents to leave their homes.\n"
    )
    page.get_by_role("tab", name="Articles").click()
    upload(page, story)
    page.get_by_text("volcano-erupts.txt").first.wait_for(timeout=30_000)  # the upload has finished
    page.get_by_role("button", name="Add files").click()
    try:
        page.get_by_text("1 added").wait_for(timeout=120_000)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "articles-upload.png"), full_page=True)
    assert page.get_by_text("Volcano erupts near Grindavik").count() >= 1
    page.get_by_role("tab", name="Chat").click()
    ask(page, "How many residents had to leave near Grindavik?")
    assert "400" in page.locator("#byline-chat").inner_text()


def test_batch_of_three_questions_with_downloads(page, tmp_path):
    questions = tmp_path / "three.txt"
    questions.write_text(
        "What did Macron propose?\nWhere did Russian and Ukrainian delegates meet?\nWhat did Angela Merkel say?\n"
    )
    page.get_by_role("tab", name="Batch").click()
    upload(page, questions)
    page.get_by_text("three.txt").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Run batch").click()
    page.get_by_text("3 questions").wait_for(timeout=300_000)
    assert "Istanbul" in page.locator("#byline-batch-results").inner_text()
    link = page.locator("#byline-batch-downloads a[href*='results.csv']").first
    with page.expect_download() as download:
        link.click()
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("id,question,answer") and "Istanbul" in csv_text


def test_markup_in_articles_runs_no_script(page):
    ask(page, "When did the harbour of Port Elin reopen?")
    page.get_by_role("tab", name="Articles").click()
    page.get_by_text("window.__xss=1", exact=False).first.wait_for(timeout=30_000)  # shown as text
    assert page.evaluate("window.__xss") is None
    assert page.locator("a[href^='javascript:']").count() == 0


def test_auth_keeps_an_anonymous_browser_out(browser, tmp_path):
    import urllib.error
    import urllib.request

    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    ingest_paths([SAMPLE], Settings(store=tmp_path / "store"))
    proc, url = serve_app(tmp_path / "store", "--auth", "editor:s3cret")
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_timeout(1500)
        assert page.locator("#byline-chat").count() == 0
        assert page.get_by_role("button", name="Login").count() == 1 or "login" in page.content().lower()
        for route in ("/config", "/gradio_api/info", "/gradio_api/queue/status"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url.rstrip("/") + route, timeout=10)
            assert refused.value.code in (401, 403)
        page.locator("input[type=text], input[name=username]").first.fill("editor")
        page.locator("input[type=password]").first.fill("s3cret")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#byline-chat", timeout=30_000)
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
