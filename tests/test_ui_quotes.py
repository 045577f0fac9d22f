"""Quote checks and timelines in a real Chromium against `byline serve` with the local model: the verdict badge on
a chat answer and the "Check a quote" box of the Who said what tab (sample article), and a timeline drawn as dated
events down a line (the dated dock-strike story), at desktop and phone width."""

from __future__ import annotations

import pytest
from ui_kit import ask, open_chat, shot

from evals.datasets import QUOTE_CORPUS

from conftest import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.model]


def test_a_quote_question_in_the_chat_gets_a_verdict_badge(page):
    ask(page, "Did Macron say 'peace at any price' is not true peace?")
    chat = page.locator("#byline-chat")
    badge = chat.locator(".byline-verdict").last
    assert badge.inner_text().strip() == "Verbatim"
    assert "byline-verdict-verbatim" in (badge.get_attribute("class") or "")
    answer = chat.locator(".byline-answer").last.inner_text()
    assert not answer.startswith("Verbatim") and "Emmanuel Macron" in answer  # the badge says it once
    chat.locator("a.byline-marker").last.click()
    assert "peace at any price" in chat.locator(".byline-source mark").last.inner_text()
    shot(page, "quote-check-chat.png")


def _check(page, words: str, speaker: str) -> None:
    page.get_by_role("tab", name="Who said what").click()
    page.locator("#byline-quote-words textarea").first.fill(words)
    page.locator("#byline-quote-speaker textarea").first.fill(speaker)
    page.locator("#byline-quote-button").click()
    page.locator("#byline-quote-verdict .byline-verdict").wait_for(state="visible", timeout=120_000)


def test_check_a_quote_box_names_who_really_said_it(page):
    _check(page, "there is a stalemate in the situation", "Macron")
    verdict = page.locator("#byline-quote-verdict")
    assert verdict.locator(".byline-verdict").inner_text().strip() == "Someone else"
    assert "JD Vance" in verdict.locator(".byline-answer").inner_text()
    source = verdict.locator(".byline-source mark").first
    assert source.is_visible() and "stalemate" in source.inner_text()  # the cited sentence, shown open
    shot(page, "quote-check-box.png")
    page.locator("#byline-quote-words textarea").first.fill("")
    page.locator("#byline-quote-button").click()
    page.wait_for_function("() => document.querySelector('#byline-quote-verdict').innerText.includes('Paste the words')")


def test_check_a_quote_box_on_a_phone(phone):
    _check(phone, "Europe must pay for its own defence", "Zelensky")
    verdict = phone.locator("#byline-quote-verdict")
    assert verdict.locator(".byline-verdict").inner_text().strip() == "Not found"
    assert "Zelensky on other things" in verdict.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    shot(phone, "quote-check-390.png")


@pytest.fixture(scope="module")
def dated_app(tmp_path_factory):
    """A served app on the quote-check articles: dated, several outlets, a three-article story."""
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    store = tmp_path_factory.mktemp("dated") / "store"
    assert ingest_paths([QUOTE_CORPUS], Settings(store=store)).ok
    proc, url = serve_app(store, env={"BYLINE_FEED_INTERVAL_S": "0"})
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.parametrize("width", [1200, 390])
def test_a_timeline_is_drawn_as_dated_events(browser, dated_app, width):
    context, page = open_chat(browser, dated_app, width)
    ask(page, "How did the dock strike unfold?")
    events = page.locator("#byline-chat .byline-timeline li")
    assert events.count() >= 4
    dates = page.locator("#byline-chat .byline-timeline .byline-when").all_inner_texts()
    assert dates == sorted(dates) and "2026-03-02" in dates and "2026-03-07" in dates
    first = events.first
    assert first.locator("a.byline-marker").count() >= 1 and first.locator(".meta").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"timeline-{width}.png")
    context.close()


def test_a_timeline_since_a_day_says_how_the_day_was_read(browser, dated_app):
    context, page = open_chat(browser, dated_app, 390)
    ask(page, "What has happened in the dock strike since Wednesday?")
    since = page.locator("#byline-chat .byline-timeline-since").last
    assert since.inner_text().startswith("Since Wednesday (2026-03-04, counted back from the newest article, of 2026-03-06)")
    dates = page.locator("#byline-chat .byline-timeline .byline-when").all_inner_texts()
    assert dates and all(d >= "2026-03-04" for d in dates if d[:1].isdigit())
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    since.scroll_into_view_if_needed()
    shot(page, "timeline-since-390.png")
    context.close()
