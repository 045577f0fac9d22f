"""The UI as people use it (issue 29), in a real Chromium at desktop (1280×900) and phone (390×844) width, against
`byline serve` with the real local model: what a user sees, where they see it, and lists that keep up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_kit import ask, in_viewport, shot, shows_name, upload

pytestmark = [pytest.mark.browser, pytest.mark.model]


@pytest.fixture
def desk(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#byline-chat")
    yield page
    context.close()


def paste_article(page, title: str, text: str) -> None:
    page.get_by_role("tab", name="Articles").click()
    page.locator("#byline-paste-title textarea, #byline-paste-title input").first.fill(title)
    page.locator("#byline-paste-text textarea").first.fill(text)
    page.get_by_role("button", name="Add pasted article").click()
    shows_name(page, "1 added", 120)


def dropdown_options(page, elem_id: str) -> list[str]:
    """The options a person sees on opening a dropdown."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator(f"#{elem_id} input").first.click()
    page.wait_for_timeout(300)
    options = page.locator("ul.option-list li").all_inner_texts()
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    return [" ".join(o.split()) for o in options]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_answer_stays_in_view_and_a_marker_opens_its_source(browser, app_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#byline-chat")
    ask(page, "What did Vance say?")
    answer = page.locator("#byline-chat .byline-answer").last
    page.wait_for_timeout(800)
    shot(page, f"answer-in-view-{width}.png")
    assert in_viewport(page, answer), "the answer scrolled out of view"
    sources = page.locator("#byline-chat details.byline-sources").last
    assert "Sources: 2 sentences from 1 article" in sources.locator("summary").inner_text()
    assert not sources.evaluate("d => d.open")  # closed until asked for
    answer.locator("a.byline-marker").nth(1).click()
    marked = sources.locator("mark").nth(1)
    marked.wait_for(state="visible", timeout=10_000)
    assert marked.inner_text().startswith("[2]") and in_viewport(page, marked)
    context.close()


def test_waiting_says_what_is_happening_without_a_time_estimate(desk):
    box = desk.locator("#byline-input textarea").first
    box.fill("What did Macron propose?")
    box.press("Enter")
    seen: set[str] = set()
    estimates: list[str] = []
    for _ in range(240):
        stage = desk.locator("#byline-chat .byline-stage")
        if stage.count():
            seen.add(stage.last.inner_text().strip())
        text = desk.locator("#byline-chat").inner_text()
        estimates += re.findall(r"\d+\.\d+\s*/\s*\d+\.\d+\s*s", text)
        if desk.locator("#byline-chat .byline-answer, #byline-chat .byline-refusal").count():
            break
        desk.wait_for_timeout(250)
    assert "Writing the answer…" in seen and ("Checking the citations…" in seen or "Searching the articles…" in seen), seen
    assert not estimates, estimates
    assert desk.locator("#byline-chat .byline-stage").count() == 0  # gone once the answer is there


def test_on_a_phone_every_tab_shows_and_the_message_box_is_on_screen(phone):
    shot(phone, "phone-chat-390.png")
    tabs = phone.get_by_role("tab")
    assert tabs.all_inner_texts() == ["Chat", "Who said what", "Articles", "Batch"]
    assert all(in_viewport(phone, tabs.nth(i)) for i in range(4))
    assert phone.get_by_role("button", name="More tabs").filter(visible=True).count() == 0
    assert in_viewport(phone, phone.locator("#byline-input textarea").first)
    phone.get_by_role("tab", name="Articles").click()
    assert phone.get_by_role("tab").all_inner_texts() == ["Chat", "Who said what", "Articles", "Batch"]  # no reordering


def test_lists_keep_up_in_this_page_and_in_another(desk, browser, app_url):
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(app_url)
    other.wait_for_selector("#byline-chat")
    paste_article(desk, "Ferry strike ends", "The ferry strike ended on Monday, union leader Maria Costa said.")
    for page in (desk, other):
        page.get_by_role("tab", name="Chat").click()
        page.get_by_text("Filters for this conversation").click()
        page.wait_for_function(
            "() => document.querySelector('#byline-chat') !== null", timeout=5_000
        )  # the other page learns of the change by its poll (every few seconds)
        for _ in range(40):
            if any("Ferry strike ends" in o for o in dropdown_options(page, "byline-only")):
                break
            page.wait_for_timeout(500)
        assert any("Ferry strike ends" in o for o in dropdown_options(page, "byline-only"))
        page.get_by_role("tab", name="Who said what").click()
        shows_name(page, "Maria Costa", 30)
        assert any("Maria Costa" in o for o in dropdown_options(page, "byline-speakers"))
    shot(other, "lists-other-page.png")
    other.context.close()


def test_who_said_what_on_a_phone(phone):
    phone.get_by_role("tab", name="Who said what").click()
    overview = phone.locator("#byline-speaker-overview")
    shows_name(phone, "Groups and organisations", 30)
    people, groups = overview.locator("ul").nth(0).inner_text(), overview.locator("ul").nth(1).inner_text()
    assert "JD Vance" in people and "Authorities" not in people and "Authorities" in groups
    name = phone.locator("#byline-speakers input").first
    name.click()
    phone.locator("ul.option-list li", has_text="Emmanuel Macron").first.click()
    shows_name(phone, "30-day", 30)
    name.fill("Vanse")  # another name typed after a pick
    name.press("Enter")
    shows_name(phone, "stalemate", 30)
    view = phone.locator("#byline-quotes")
    assert "JD Vance" in view.locator("h3").inner_text() and "30-day" not in view.inner_text()
    assert "JD Vance" in name.input_value()  # the control and the quotes agree
    assert "understood as" not in view.inner_text().lower()
    name.fill("Angela Merkel")
    name.press("Enter")
    shows_name(phone, "quote no one called “Angela Merkel”", 30)
    assert "Donald Trump" in overview.inner_text()  # the list it points to is on the page
    box = phone.locator("#byline-speakers").bounding_box()
    assert box and box["width"] > 300  # one full-width control, not two squeezed side by side
    phone.wait_for_timeout(800)  # the option list fades out
    shot(phone, "who-said-what-390.png")


def test_articles_table_delete_and_paste_on_a_phone(phone):
    paste_article(phone, "Tram line approved", "The council approved a tram line to the harbour on Wednesday.")
    table = phone.locator("#byline-articles")
    shows_name(phone, "Tram line approved", 30)
    title = table.locator("td.title", has_text="Tram line approved")
    box = title.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391  # the whole title on screen
    assert "1 passage" in table.inner_text() and "1 passages" not in table.inner_text()
    assert "Outlet" not in table.locator("thead").inner_text()  # no article has one: no empty column
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    assert phone.locator("#byline-paste-text textarea").first.input_value() == ""  # cleared once added
    phone.locator("#byline-delete-choice input").first.click()
    phone.locator("ul.option-list li", has_text="Tram line approved").first.click()
    phone.get_by_role("button", name="Delete article…").click()
    shows_name(phone, "Delete “Tram line approved” and its 1 passage?", 30)
    assert "Tram line approved" in table.inner_text()  # nothing deleted before the confirmation
    phone.get_by_role("button", name="Yes, delete it").click()
    shows_name(phone, "Deleted the article “Tram line approved” (1 passage).", 30)
    shot(phone, "articles-390.png")
    phone.wait_for_function(
        "() => !document.querySelector('#byline-articles').innerText.includes('Tram line approved')", timeout=15_000
    )


def test_batch_reads_as_answers_with_one_progress_line(desk, tmp_path):
    questions = tmp_path / "two.txt"
    questions.write_text("What did Macron propose?\nWhat did Angela Merkel say?\n")
    desk.get_by_role("tab", name="Batch").click()
    stop = desk.get_by_role("button", name="Stop batch")
    assert stop.is_disabled()
    assert desk.locator("#byline-batch-results").filter(visible=True).count() == 0  # nothing to show yet
    assert desk.locator("#byline-batch-downloads").filter(visible=True).count() == 0
    upload(desk, questions)
    desk.get_by_role("button", name="Run batch").click()
    shows_name(desk, "Now answering: “What did Macron propose?”", 60)
    assert desk.locator("#byline-batch-status progress").count() == 1
    assert desk.locator("[data-testid='status-tracker'] .progress-level").filter(visible=True).count() == 0
    assert stop.is_enabled()
    shows_name(desk, "1 answered, 1 refused.", 300)
    assert stop.is_disabled()
    headers = desk.locator("#byline-batch-results th").all_inner_texts()
    assert "scores" not in " ".join(headers).lower() and "pass" not in desk.locator("#byline-batch-status").inner_text()
    shot(desk, "batch-1280.png")


def test_one_passage_cited_twice_is_shown_once_and_a_refusal_export_lists_passages(desk):
    assert desk.locator("#byline-export").filter(visible=True).count() == 0  # no empty download box
    ask(desk, "What did Vance say?")
    sources = desk.locator("#byline-chat details.byline-sources").last
    assert sources.locator(".byline-passage").count() == 1  # both sentences sit in one passage
    assert sources.locator(".byline-source-title").count() == 1  # its headline said once
    assert [m[:3] for m in sources.locator("mark").all_text_contents()] == ["[1]", "[2]"]
    desk.get_by_role("button", name="New chat").click()
    ask(desk, "What did Angela Merkel say?")
    desk.get_by_role("button", name="Export conversation (Markdown + JSON)").click()
    link = desk.locator("#byline-export a[href*='byline-conversation.md']").first
    link.wait_for(timeout=30_000)
    with desk.expect_download() as download:
        link.click()
    markdown = Path(download.value.path()).read_text()
    assert "closest passages are listed below" in markdown
    assert "Closest passages (none answers the question):" in markdown and "\n1. “" in markdown


def test_the_small_things(desk):
    chat = desk.locator("#byline-chat")
    assert chat.locator("label[data-testid='block-label']").filter(visible=True).count() == 0  # no label over the chat
    desk.wait_for_function(  # filled in as the page loads
        "() => /\\d+ articles? loaded/.test(document.querySelector('#byline-chat').innerText)", timeout=15_000
    )
    desk.get_by_text("Filters for this conversation").click()
    labels = dropdown_options(desk, "byline-only")
    assert labels and not any(re.search(r"\(?[0-9a-f]{12,}\)?$", label) for label in labels)
    assert "No outlet is known yet" in desk.locator("#byline-outlets").inner_text()
    desk.locator("#byline-chat button.example", has_text="What did Macron propose?").click()  # asks it
    desk.locator("#byline-chat .byline-answer, #byline-chat .byline-refusal").first.wait_for(timeout=180_000)
    assert "30-day" in chat.inner_text()
    saved = desk.locator("#byline-saved td").first
    saved.wait_for(timeout=15_000)
    desk.get_by_role("button", name="New chat").click()
    chip = desk.locator("#byline-chat button.example").first
    chip.wait_for()
    style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderLeftWidth, s.textAlign] }"
    assert saved.evaluate(style) != chip.evaluate(style)  # a saved chat does not look like an example
    shot(desk, "chat-empty-1280.png")


def test_copies_of_one_story_are_grouped_in_the_articles_tab(desk):
    from test_stories import COPY, WIRE

    paste_article(desk, "Elin terminal to reopen", WIRE)
    paste_article(desk, "Terminal reopens Monday", COPY)
    table = desk.locator("#byline-articles")
    desk.wait_for_function(
        "() => document.querySelector('#byline-articles').innerText.includes('a copy of the story above')", timeout=15_000
    )
    rows = table.locator("tr").all_inner_texts()
    first = next(i for i, r in enumerate(rows) if "Elin terminal to reopen" in r)
    assert "2 copies of one story" in rows[first] and "a copy of the story above" in rows[first + 1]
    assert "Terminal reopens Monday" in rows[first + 1]
    shot(desk, "articles-grouped-1280.png")
