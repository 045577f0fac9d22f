"""Every list on the page that shows the stored articles, their outlets or their speakers, kept up to date in one
place: after a change made in this page, and, by a light poll of the store's generation, after a change made in
another browser tab, another process or the command line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from assistant.core.assistant import Assistant
from assistant.delivery.ui.render import plural
from ingest.speakers.listing import SpeakerSummary, speakers
from ingest.store.store import StoredArticle

POLL_S = 5.0
"""How often an open page asks whether the store changed: one cheap read of the generation marker."""


def article_label(article: StoredArticle, duplicate: bool = False) -> str:
    """How an article is named in a list: its title, then what tells it apart (outlet, date; the id only when two
    articles would read the same)."""
    tail = ", ".join(x for x in (article.outlet, (article.published_at or "")[:10]) if x)
    label = f"{article.title or article.source} — {tail}" if tail else (article.title or article.source)
    return f"{label} [{article.id[:6]}]" if duplicate else label


def article_choices(articles: list[StoredArticle]) -> list[tuple[str, str]]:
    plain = Counter(article_label(a) for a in articles)
    return [(article_label(a, plain[article_label(a)] > 1), a.id) for a in articles]


def outlet_choices(articles: list[StoredArticle]) -> list[str]:
    return sorted({a.outlet for a in articles if a.outlet}, key=str.lower)


_COLUMNS: list[tuple[str, str, Any]] = [
    ("Title", "title", lambda a, story: a.title or a.source),
    ("Story", "story", lambda a, story: story.get(a.id, "")),
    ("Outlet", "outlet", lambda a, story: a.outlet or ""),
    ("Published", "date", lambda a, story: (a.published_at or "")[:10]),
    ("Passages", "num", lambda a, story: str(a.passages)),  # on a phone "9 passages": the header row is not shown there
    ("Source", "source", lambda a, story: a.source),
]


def _cell(css: str, value: str) -> str:
    if css == "num":
        return f"{value}<span class='unit'> passage{'' if value == '1' else 's'}</span>"
    return escape(value)


def story_notes(articles: list[StoredArticle]) -> dict[str, str]:
    """Copies of one story (they come together, earliest first): the first says how many there are."""
    sizes = Counter(a.story_id or a.id for a in articles)
    notes, seen = {}, set()
    for a in articles:
        story = a.story_id or a.id
        if sizes[story] > 1:
            notes[a.id] = f"{sizes[story]} copies of one story" if story not in seen else "↳ a copy of the story above"
            seen.add(story)
    return notes


def articles_table(articles: list[StoredArticle]) -> str:
    """The stored articles, title first, copies of one story together; a column no article fills is left out."""
    if not articles:
        return "<p class='byline-note'>No articles yet: add files, pasted text or web pages below.</p>"
    story = story_notes(articles)
    columns = [c for c in _COLUMNS if any(c[2](a, story) for a in articles)]
    head = "".join(f"<th>{name}</th>" for name, _, _ in columns)
    rows = "".join(
        f"<tr class='{'copy' if story.get(a.id, '').startswith('↳') else ''}'>"
        + "".join(f'<td class="{css}">{_cell(css, value(a, story))}</td>' for _, css, value in columns)
        + "</tr>"
        for a in articles
    )
    total = sum(a.passages for a in articles)
    stories = len({a.story_id or a.id for a in articles})
    told = f" ({plural(stories, 'story')})" if stories != len(articles) else ""
    caption = f"{plural(len(articles), 'article')}{told}, {plural(total, 'passage')}"
    return f"<p class='byline-note'>{caption}</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def speaker_label(s: SpeakerSummary) -> str:
    kind = " (group)" if s.kind == "group" else ""
    return f"{s.speaker}{kind} · {plural(s.sentences, 'quote')}"


def speaker_choices(summaries: list[SpeakerSummary]) -> list[tuple[str, str]]:
    """People first, then groups and organisations; most quoted first within each."""
    ordered = [s for s in summaries if s.kind != "group"] + [s for s in summaries if s.kind == "group"]
    return [(speaker_label(s), s.speaker) for s in ordered]


def speakers_overview(summaries: list[SpeakerSummary]) -> str:
    """Everyone the articles quote, on the page: people apart from groups."""
    if not summaries:
        return "<p class='byline-note'>The articles quote no one yet.</p>"
    people = [s for s in summaries if s.kind != "group"]
    groups = [s for s in summaries if s.kind == "group"]

    def section(title: str, found: list[SpeakerSummary]) -> str:
        if not found:
            return ""
        items = "".join(
            f"<li>{escape(s.speaker)} <span class='meta'>{plural(s.sentences, 'quote')} in {plural(s.articles, 'story')}"
            "</span></li>"
            for s in found
        )
        return f"<h4>{title} ({len(found)})</h4><ul>{items}</ul>"

    return f"<div class='byline-speaker-list'>{section('People', people)}{section('Groups and organisations', groups)}</div>"


@dataclass
class PageLists:
    """The components that show articles, outlets or speakers; `None` where a tab is not built."""

    chat_articles: gr.Dropdown
    chat_outlets: gr.Dropdown
    chatbot: gr.Chatbot
    speakers: gr.Dropdown
    speakers_overview: gr.HTML
    articles_table: gr.HTML
    delete_choice: gr.Dropdown

    def components(self) -> list[Any]:
        return [
            self.chat_articles,
            self.chat_outlets,
            self.chatbot,
            self.speakers,
            self.speakers_overview,
            self.articles_table,
            self.delete_choice,
        ]


def loaded_note(articles: int) -> str:
    """The empty chat says what it can answer from."""
    if not articles:
        return "**No articles yet.** Add some in the Articles tab, then ask about them here."
    return f"**{plural(articles, 'article')} loaded.** Ask about {'it' if articles == 1 else 'them'}, or try:"


def outlet_hint(outlets: list[str]) -> str | None:
    if outlets:
        return None
    return "No outlet is known yet: outlets come from pages and feeds added from the web."


class ListKeeper:
    """Fills the lists when the page opens and refreshes them when the store's generation moves: at once after a
    change made on this page, and within `POLL_S` after one made anywhere else."""

    def __init__(self, lists: PageLists, assistant: Assistant):
        self.lists, self.assistant = lists, assistant
        self.seen = gr.State("")

    def values(self) -> list[Any]:
        """The generation read, then new values for `PageLists.components()`: choices change, picks stay."""
        generation = self.assistant.store.generation
        articles = self.assistant.store.articles()
        outlets = outlet_choices(articles)
        summaries = speakers(self.assistant.store.speaker_index(), {a.id: a.story_id or a.id for a in articles})
        return [
            generation,
            gr.update(choices=article_choices(articles)),
            gr.update(choices=outlets, info=outlet_hint(outlets)),
            gr.update(placeholder=loaded_note(len(articles))),
            gr.update(choices=speaker_choices(summaries)),
            speakers_overview(summaries),
            articles_table(articles),
            gr.update(choices=article_choices(articles)),
        ]

    def _outputs(self) -> list[Any]:
        return [self.seen, *self.lists.components()]

    def attach(self, app: gr.Blocks) -> None:
        def on_tick(last: str) -> list[Any]:
            if self.assistant.store.generation == last:
                return [gr.skip()] * len(self._outputs())
            return self.values()

        app.load(self.values, None, self._outputs(), api_visibility="private", show_progress="hidden")
        gr.Timer(POLL_S).tick(on_tick, self.seen, self._outputs(), api_visibility="private", show_progress="hidden", queue=False)

    def after(self, event: Any) -> Any:
        """Chains a refresh onto an event that may have changed the store."""
        return event.then(self.values, None, self._outputs(), api_visibility="private", show_progress="hidden")
