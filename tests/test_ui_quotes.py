"""Quote checks in a real Chromium against `byline serve` with the local model on the sample article: the verdict
badge on a chat answer, and the "Check a quote" box of the Who said what tab, at desktop and phone width."""

from __future__ import annotations

import pytest
from ui_kit import ask, shot

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
