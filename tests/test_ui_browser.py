"""The chat UI in a real Chromium, against `byline serve` with the real local model on the sample article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui_kit import ask, open_chat, shot, shows_name, upload

from conftest import ARTIFACTS, SAMPLE, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.model]


def test_vance_question_streams_a_cited_answer(page):
    timings = ask(page, "What did Vance say?")
    chat = page.locator("#byline-chat")
    assert "stalemate" in chat.inner_text()
    marker = chat.locator("a.byline-marker").first
    assert "Vance" in marker.get_attribute("title")  # hovering [n] shows its source sentence
    marker.click()  # opens the sources at the sentence it cites
    sources = chat.locator(".byline-source")
    sources.first.wait_for(state="visible", timeout=10_000)
    assert "JD Vance remarked that there is a stalemate" in sources.locator("mark").all_inner_texts()[0]
    checked = chat.locator(".byline-checked").last
    assert "Checks: citations" in checked.inner_text() and "verified" in checked.inner_text()
    page.wait_for_timeout(700)  # let the box finish opening before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-vance.png"), full_page=True)
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_span_answer_reads_as_the_span_with_its_source(browser, app_url, width):
    context, page = open_chat(browser, app_url, width)
    ask(page, "When did Russia ban Amnesty International?")
    chat = page.locator("#byline-chat")
    answer = chat.locator(".byline-answer").last
    assert answer.inner_text().startswith("Monday")
    assert "Amnesty" in chat.locator("a.byline-marker").first.get_attribute("title")
    chat.locator("summary", has_text="Sources").last.click()
    checked = chat.locator(".byline-checked").last
    checked.wait_for(state="visible", timeout=10_000)
    assert "Answer: the only span of its kind" in checked.inner_text() or "the span the model chose among" in checked.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.wait_for_timeout(700)
    shot(page, f"chat-span-{width}.png")
    context.close()


def test_follow_up_shows_the_rewritten_question(page):
    ask(page, "Which organization did Russia ban?")
    try:
        ask(page, "Where is it based?")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-follow-up.png"), full_page=True)
    standalone = page.locator("#byline-chat .byline-standalone").last.inner_text()
    assert "Amnesty" in standalone


def test_refusal_looks_different_and_offers_passages(page):
    ask(page, "What did Angela Merkel say?")
    assert page.locator("#byline-chat .byline-refusal").count() == 1
    page.locator("#byline-chat summary", has_text="Closest passages").last.click()
    page.locator("#byline-chat .byline-source").first.wait_for(state="visible", timeout=10_000)


def test_upload_an_article_then_ask_about_it(page, tmp_path):
    story = tmp_path / "volcano-erupts.txt"
    story.write_text(
        "Volcano erupts near Grindavik\nThe volcano near Grindavik erupted on Thursday night, "
        "forcing 400 residents to leave their homes.\n"
    )
    page.get_by_role("tab", name="Articles").click()
    upload(page, story)
    page.get_by_role("button", name="Add files").click()
    try:
        shows_name(page, "1 added", 120)
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
    page.get_by_role("button", name="Run batch").click()
    shows_name(page, "answered, ", 300)
    assert "Istanbul" in page.locator("#byline-batch-results").inner_text()
    link = page.locator("#byline-batch-downloads a[href*='results.csv']").first
    with page.expect_download() as download:
        link.click()
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("id,question,answer") and "Istanbul" in csv_text


def test_markup_in_articles_runs_no_script(page):
    ask(page, "When did the harbour of Port Elin reopen?")
    page.get_by_role("tab", name="Articles").click()
    shows_name(page, "window.__xss=1", 30)  # shown as text
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


def test_sources_are_usable_at_phone_width(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#byline-chat")
    ask(page, "What did Vance say?")
    page.locator("#byline-chat summary", has_text="Sources").last.click()
    source = page.locator("#byline-chat .byline-source").first
    source.wait_for(state="visible", timeout=10_000)
    assert "stalemate" in source.locator("mark").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # nothing pushes the page sideways
    for part in (source, page.locator("#byline-chat .byline-checked").last):
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-phone-390.png"), full_page=True)
    context.close()


def test_export_keeps_the_citations(page):
    ask(page, "What did Vance say?")
    page.get_by_role("button", name="Export conversation (Markdown + JSON)").click()
    files = {}
    for name in ("byline-conversation.md", "byline-conversation.json"):
        link = page.locator(f"#byline-export a[href*='{name}']").first
        link.wait_for(timeout=30_000)
        with page.expect_download() as download:
            link.click()
        files[name] = Path(download.value.path()).read_text()
    markdown = files["byline-conversation.md"]
    assert "**You:** What did Vance say?" in markdown and "[1]" in markdown and "stalemate" in markdown
    assert "Sources:" in markdown and "1. “" in markdown and "us-mediates-ceasefire-talks.txt" in markdown
    (answer,) = json.loads(files["byline-conversation.json"])["answers"]
    assert answer["citations"] and all(f"[{c['marker']}]" in answer["answer"] for c in answer["citations"])


def test_date_filter_in_the_chat_is_applied_and_stated(page):
    page.get_by_text("Filters for this conversation").click()
    page.get_by_label("Published on or after (YYYY-MM-DD)").fill("2030-01-01")
    ask(page, "What did Vance say?")
    chat = page.locator("#byline-chat")
    assert "published on or after 2030-01-01" in chat.locator(".byline-scope").last.inner_text()
    assert chat.locator(".byline-refusal").count() == 1  # no article is that recent


def test_citations_survive_a_failed_answer_and_a_reload(page):
    box = page.locator("textarea").first
    box.fill("Why? " * 500)  # too long: an error, and the chat stays usable
    box.press("Enter")
    page.locator("#byline-chat .byline-error").first.wait_for(timeout=60_000)
    ask(page, "What did Macron propose?")
    assert page.locator("#byline-chat a.byline-marker").count() >= 1
    page.wait_for_timeout(1000)  # the browser saves the conversation
    page.reload()
    page.wait_for_selector("#byline-chat")
    page.get_by_text("Why? Why?").first.click()  # the saved conversation, named by its first question
    chat = page.locator("#byline-chat")
    try:
        chat.locator("a.byline-marker").first.wait_for(timeout=30_000)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-after-reload.png"), full_page=True)
    assert "30-day" in chat.inner_text() and chat.locator(".byline-source mark").count() >= 1


def test_who_said_what_view_and_a_misspelt_name(page):
    page.get_by_role("tab", name="Who said what").click()
    name = page.locator("#byline-speakers input").first
    name.fill("Zelenski")
    name.press("Enter")
    shows_name(page, "He indicated that he is confident")
    view = page.locator("#byline-quotes")
    assert "Volodymyr Zelensky" in view.inner_text() and "showing Volodymyr Zelensky" in view.inner_text()
    assert "Vance reiterated" not in view.inner_text()
    assert "Volodymyr Zelensky" in name.input_value()  # the control says whom the quotes are of
    view.locator("li a").nth(1).click()  # the link opens the article at the sentence
    mark = view.locator("details mark").nth(1)
    mark.wait_for(state="visible", timeout=10_000)
    assert mark.inner_text().startswith("He indicated")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "who-said-what.png"), full_page=True)

    page.get_by_role("tab", name="Chat").click()
    ask(page, "What did Macrn say?")
    chat = page.locator("#byline-chat")
    assert "Understood as: What did Macron say?" in chat.locator(".byline-standalone").last.inner_text()
    assert "Emmanuel Macron reiterated" in chat.locator(".byline-source mark").last.text_content()
    page.screenshot(path=str(ARTIFACTS / "chat-misspelt-name.png"), full_page=True)


def test_add_a_page_and_follow_a_feed_from_the_articles_tab(page):
    import threading
    from http.server import ThreadingHTTPServer

    from test_web_ingest import Site

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    try:
        page.get_by_role("tab", name="Articles").click()
        page.locator("#byline-urls textarea").fill(f"{site}/bridge.html\n{site}/nowhere")
        page.get_by_role("button", name="Fetch and add").click()
        shows_name(page, "1 added, 0 updated, 0 unchanged")
        status = page.locator("#byline-articles-status").inner_text()
        assert "Bridge repairs start" in status and f"{site}/nowhere: the server answered HTTP 404" in status
        page.locator("#byline-feed-url textarea, #byline-feed-url input").first.fill(f"{site}/feed.xml")
        page.get_by_role("button", name="Follow", exact=True).click()
        shows_name(page, f"Following {site}/feed.xml.")
        page.get_by_role("button", name="Refresh all feeds").click()
        shows_name(page, "1 added, 0 updated, 1 unchanged")  # the harbour page is new, the bridge page was in
        feeds = page.locator("#byline-feeds")
        assert "last fetched just now" in feeds.inner_text() and "1 entry added" in feeds.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "articles-from-the-web.png"), full_page=True)
    finally:
        server.shutdown()
