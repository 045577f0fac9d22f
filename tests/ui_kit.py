"""The pieces every browser test shares: Debian's Chromium through Playwright, a served app on loopback with the
sample article, and the steps a person takes (ask, upload, read what is on screen)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ARTIFACTS, SAMPLE, serve_app

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
    proc, url = serve_app(
        store, env={"BYLINE_ALLOW_PRIVATE_URLS": "1", "BYLINE_FEED_INTERVAL_S": "0"}
    )  # the test site of the web test is on loopback
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


_AFTER_LAST_QUESTION = """(args) => {
    const [question, final] = args;
    const msgs = [...document.querySelectorAll("#byline-chat [data-testid='user'], #byline-chat [data-testid='bot']")];
    const last = msgs.map(m => m.getAttribute('data-testid')).lastIndexOf('user');
    if (last < 0 || !msgs[last].textContent.includes(question.slice(0, 40))) return false;
    const bots = msgs.slice(last + 1);
    return final ? bots.some(b => b.querySelector('.byline-answer, .byline-refusal, .byline-error')) : bots.length > 0;
}"""


def ask(page, question: str, timeout: float = 180) -> dict:
    """Type a question, wait for the streamed answer to start and to finish; returns timings seen in the page."""
    box = page.locator("#byline-input textarea").first
    box.fill(question)
    t0 = time.time()
    box.press("Enter")
    page.wait_for_function(_AFTER_LAST_QUESTION, arg=[question, False], timeout=timeout * 1000)
    first = time.time() - t0
    page.wait_for_function(_AFTER_LAST_QUESTION, arg=[question, True], timeout=timeout * 1000)
    return {"first_token_s": first, "total_s": time.time() - t0}


def upload(page, path: Path) -> None:
    """Through the file chooser, as a person does (Gradio's hidden inputs ignore a direct set_input_files); returns
    once the page shows the file's name."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(2):  # right after a tab switch the click can land on the tab being hidden; a person clicks again
        with page.expect_file_chooser() as chooser:
            page.locator("text=Click to Upload >> visible=true").first.click()
        chooser.value.set_files(str(path))
        try:
            shows_name(page, path.name, 45)
            return
        except PlaywrightTimeout:
            continue
    shows_name(page, path.name, 45)


def shows_name(page, name: str, timeout: float = 90) -> None:
    """Visible text, read the way a person sees it (Gradio splits file names over several elements)."""
    page.wait_for_function("(n) => document.body.innerText.includes(n)", arg=name, timeout=timeout * 1000)


def open_chat(browser, url: str, width: int, height: int = 1000):
    """(context, page): a fresh browser context at this viewport, the chat loaded."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#byline-chat")
    return context, page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def in_viewport(page, locator) -> bool:
    """Whether the element is on screen: inside the window and not scrolled out of the box that holds it."""
    return page.evaluate(
        """(el) => {
            const r = el.getBoundingClientRect();
            if (r.height === 0 || r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) return false;
            for (let p = el.parentElement; p; p = p.parentElement) {
                const s = getComputedStyle(p);
                if (!/(auto|scroll|hidden)/.test(s.overflowY)) continue;
                const b = p.getBoundingClientRect();
                if (r.bottom <= b.top || r.top >= b.bottom) return false;
            }
            return true;
        }""",
        locator.element_handle(),
    )


@pytest.fixture
def phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#byline-chat")
    yield page
    context.close()
