"""The Articles tab's web part: add pages or feeds by URL, follow feeds and refresh them, with progress."""

from __future__ import annotations

from html import escape
from typing import Any

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.ui.render import status_html
from ingest.pipeline import ingest_urls
from ingest.records import IngestError
from ingest.refresh import refresh_feeds
from ingest.report import IngestReport
from ingest.settings import Settings
from ingest.web.feeds import FeedList

FEED_STATUS_S = 15.0
"""How often the feed list on the page is read again, so background refreshes show."""


def web_report(report: IngestReport) -> str:
    head = f"<b>{report.added} added, {report.updated} updated, {report.unchanged} unchanged</b>"
    rows = "".join(
        f"<li>{escape(o.status)}: {escape(o.title or o.source)} <small>{escape(o.source)}</small></li>" for o in report.outcomes
    )
    failures = "".join(f"<li>⚠️ {status_html(f.error)}</li>" for f in report.failed)
    failures += "".join(f"<li>ℹ️ {status_html(note)}</li>" for note in report.notes)
    return head + (f"<ul>{rows}{failures}</ul>" if rows or failures else "")


def _urls(text: str | None) -> list[str]:
    return [u for u in (text or "").split() if u.strip()]


def web_section(assistant: Assistant, settings: Settings, status: gr.HTML) -> list[Any]:
    """Builds the controls; returns the events that may change the stored articles."""
    feeds = FeedList(settings)
    with gr.Row():
        with gr.Column(min_width=300):
            links = gr.Textbox(label="Add from the web: page or RSS/Atom feed URLs, one per line", lines=3, elem_id="byline-urls")
            fetch_button = gr.Button("Fetch and add")
        with gr.Column(min_width=300):
            feed_url = gr.Textbox(label="Follow a feed (URL)", elem_id="byline-feed-url")
            with gr.Row():
                follow = gr.Button("Follow", size="sm")
                unfollow = gr.Button("Stop following", size="sm")
                refresh = gr.Button("Refresh all feeds", size="sm")
            followed = gr.HTML(lambda: _feed_list(feeds, settings), elem_id="byline-feeds")
            gr.Timer(FEED_STATUS_S).tick(
                lambda: _feed_list(feeds, settings), None, followed, api_visibility="private", show_progress="hidden", queue=False
            )

    def run(urls: list[str], progress: gr.Progress) -> IngestReport:
        progress(0, desc="Fetching")
        done = [0]

        def tick(n):
            done[0] += n
            progress((done[0], None), desc=f"{done[0]} passages")

        return ingest_urls(urls, settings, assistant.store, progress=tick)

    def add_links(text, progress=gr.Progress()):
        urls = _urls(text)
        if not urls:
            return "Paste one or more http(s) links first.", gr.update()
        report = run(urls, progress)
        return web_report(report), "" if report.ok else gr.update()

    def refresh_all():
        try:
            if not feeds.all():
                return "No feeds to refresh: follow one first.", _feed_list(feeds, settings)
            report = refresh_feeds(settings, assistant.store, feeds)
        except IngestError as err:
            return status_html(str(err)), _feed_list(feeds, settings)
        return web_report(report), _feed_list(feeds, settings)

    def change(url, adding: bool):
        url = (url or "").strip()
        try:
            if adding:
                message = f"Following {url}." if feeds.add(url) else f"Already following {url}."
            else:
                message = f"Stopped following {url}." if feeds.remove(url) else f"Not following {url}."
        except IngestError as err:
            message = str(err)
        return status_html(message), _feed_list(feeds, settings)

    follow.click(lambda u: change(u, True), feed_url, [status, followed], api_name="follow_feed")
    unfollow.click(lambda u: change(u, False), feed_url, [status, followed], api_name="unfollow_feed")
    return [
        fetch_button.click(add_links, links, [status, links], api_name="add_urls", show_progress_on=[status]),
        refresh.click(refresh_all, None, [status, followed], api_name="refresh_feeds", show_progress_on=[status]),
    ]


def _feed_list(feeds: FeedList, settings: Settings) -> str:
    """Each followed feed with its state in words. Escaped HTML, not Markdown: a feed URL is user text, and a
    backtick in it must not end a code span."""
    try:
        followed = feeds.all()
    except IngestError as err:
        return f"<p>{escape(str(err))}</p>"
    if not followed:
        return "<p><em>No feeds followed yet.</em></p>"
    every = settings.fetching.feed_interval_s
    policy = f"refreshed every {every / 60:g} min while the app runs" if every > 0 else "refreshed only by hand"
    items = "".join(
        f"<li class='{'paused' if f.paused(settings) else ''}'><code>{escape(f.url)}</code>"
        f"<div class='meta'>{escape(f.status(settings))}</div></li>"
        for f in followed
    )
    return f"<p>Following ({escape(policy)}):</p><ul class='byline-feed-list'>{items}</ul>"
