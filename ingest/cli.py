"""`byline ingest | articles | quotes | feeds | remove` (also `python -m ingest`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

from ingest.records import IngestError
from ingest.settings import PROFILES, Settings


def add_store_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("store")
    group.add_argument(
        "--store", type=Path, help="store folder; with --chroma-url, where this process keeps its indexes (BYLINE_STORE)"
    )
    group.add_argument("--chroma-url", help="Chroma server URL (BYLINE_CHROMA_URL)")
    group.add_argument("--collection", help="collection name (BYLINE_COLLECTION)")
    group.add_argument(
        "--profile", choices=sorted(PROFILES), help="a named set of settings: local, openai, ollama, test (BYLINE_PROFILE)"
    )
    group.add_argument(
        "--embedding-backend", choices=["onnx-int8", "onnx", "torch"], help="embedding runtime (BYLINE_EMBEDDING_BACKEND)"
    )


def settings_from_args(args: argparse.Namespace, **extra: object) -> Settings:
    flags = {k: getattr(args, k, None) for k in ("store", "chroma_url", "collection", "embedding_backend")}
    profile = getattr(args, "profile", None)
    return (Settings(profile=profile) if profile else Settings()).with_overrides(**flags, **extra)


_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Control characters (an escape sequence in a file name, a right-to-left override) shown as escapes, so that
    printed names cannot drive the terminal."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def say(text: str = "", file=None, **kwargs) -> None:
    print(terminal_safe(text), file=file or sys.stdout, **kwargs)


def fail(message: str, code: int = 2) -> int:
    say(f"byline: {message}", file=sys.stderr)
    return code


def _print_report(report, args: argparse.Namespace, each: bool) -> int:
    if args.json:
        print(json.dumps(report.to_json()))
        return 0 if report.ok else 1
    if each:
        for outcome in report.outcomes:
            say(f"{outcome.status:9s} {outcome.source}  {outcome.title}")
    for failure in report.failed:
        say(f"error: {failure.error}", file=sys.stderr)
    for note in report.notes:
        say(f"note: {note}", file=sys.stderr)
    say(
        f"{report.articles} articles, {report.passages} passages: "
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, {len(report.failed)} failed"
    )
    return 0 if report.ok else 1


def _merge(first, second):
    for name in ("articles", "passages", "added", "updated", "unchanged"):
        setattr(first, name, getattr(first, name) + getattr(second, name))
    first.failed += second.failed
    first.notes += second.notes
    first.outcomes += second.outcomes
    first.article_ids += second.article_ids
    return first


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import ingest_paths, ingest_urls
    from ingest.report import IngestReport
    from ingest.store.store import Store
    from ingest.web.fetch import is_url

    settings = settings_from_args(args, allow_private_urls=args.allow_private_urls or None, embedding_workers=args.workers)
    urls = [p for p in args.paths if is_url(p)]
    paths = [Path(p) for p in args.paths if not is_url(p)]
    try:
        store = Store(settings)
        report = ingest_paths(paths, settings, store) if paths else IngestReport()
        if urls:
            report = _merge(report, ingest_urls(urls, settings, store, show_progress=False))
    except IngestError as err:
        return fail(str(err))
    return _print_report(report, args, each=bool(urls))


def cmd_feeds(args: argparse.Namespace) -> int:
    from ingest.refresh import refresh_feeds
    from ingest.web.feeds import FeedList

    settings = settings_from_args(args, allow_private_urls=getattr(args, "allow_private_urls", None) or None)
    try:
        feeds = FeedList(settings)
        if args.action == "add":
            if not args.url:
                return fail("give the feed's URL: byline feeds add URL")
            every = args.every * 60 if args.every is not None else None
            added = feeds.add(args.url, args.name or "", every)
            say(f"following {args.url}" if added else f"already following {args.url}")
            return 0
        if args.action == "remove":
            if not args.url or not feeds.remove(args.url):
                return fail(f"not following {args.url!r}; `byline feeds list` shows the feeds", 1)
            say(f"stopped following {args.url}")
            return 0
        followed = feeds.all()
        if args.action == "list":
            if args.json:
                print(json.dumps([{**asdict(f), "paused": f.paused(settings)} for f in followed], indent=1))
            elif not followed:
                say("No feeds yet: `byline feeds add URL`.")
            for f in [] if args.json else followed:
                say(f"{f.url}  {f.name}".rstrip())
                say(f"    {f.status(settings)}")
            return 0
        if not followed:
            say("No feeds to refresh: `byline feeds add URL` first.")
            return 0
        report = refresh_feeds(settings, feeds=feeds)
    except IngestError as err:
        return fail(str(err))
    return _print_report(report, args, each=True)


def cmd_articles(args: argparse.Namespace) -> int:
    from ingest.store.store import Store

    try:
        articles = Store(settings_from_args(args)).articles()
    except IngestError as err:
        return fail(str(err))
    if args.json:
        print(json.dumps([a.__dict__ for a in articles], indent=1))
    elif not articles:
        say("The store is empty: add articles with `byline ingest PATH`.")
    else:
        story = None
        for a in articles:  # copies of one story follow its earliest copy, marked ↳
            date = f"  {a.published_at[:10]}" if a.published_at else ""
            outlet = f"{a.outlet}, " if a.outlet else ""
            copy = "  ↳ same story:" if a.story_id == story else ""
            story = a.story_id
            say(f"{a.id}  {a.passages:>4} passages{date}{copy}  {a.title}  ({outlet}{a.source})")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from ingest.store.store import Store

    try:
        removed = Store(settings_from_args(args)).remove(args.id)
    except IngestError as err:
        return fail(str(err))
    if not removed:
        return fail(f"no article with id {args.id}; `byline articles` lists the ids", 1)
    say(f"removed article {args.id} ({removed} passages)")
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    from ingest.speakers.listing import quotes_of, resolve_speaker, speakers
    from ingest.store.store import Store

    try:
        store = Store(settings_from_args(args))
        index = store.speaker_index()
    except IngestError as err:
        return fail(str(err))
    if not args.name:
        everyone = speakers(index, {a.id: a.story_id or a.id for a in store.articles()})
        if args.json:
            print(json.dumps([s.__dict__ for s in everyone], indent=1))
        elif not everyone:
            say("No speakers: the stored articles quote no one (or the store is empty).")
        for s in [] if args.json else everyone:
            say(
                f"{s.speaker}  ({s.sentences} sentence{'s' * (s.sentences != 1)} in {s.articles} "
                f"stor{'ies' if s.articles != 1 else 'y'})"
            )
        return 0
    matched = resolve_speaker(index, args.name)
    if not matched:
        return fail(f"the articles quote no one called {args.name!r}; `byline quotes` lists every speaker", 1)
    found = [quotes_of(store, s) for s in matched]
    if args.json:
        print(json.dumps([q.to_json() for q in found], indent=1))
        return 0
    for quotes in found:
        understood = "" if quotes.speaker.lower() == args.name.lower() else f"  (understood as: {quotes.speaker})"
        say(f"{quotes.speaker}{understood}")
        for article in quotes.articles:
            date = f", {article.published_at[:10]}" if article.published_at else ""
            say(f"  {article.title} ({article.source}{date})")
            for sentence in article.sentences:
                differs = "  [worded differently in other copies of this story]" if sentence.differs else ""
                say(f"    - {sentence.text}{differs}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "ingest", help="add articles (.txt .md .html .pdf .jsonl, folders, web pages, RSS/Atom feed URLs) to the store"
    )
    p.add_argument("paths", nargs="+", help="files, folders, or http(s) URLs of pages and feeds")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--allow-private-urls", action="store_true", help="also fetch loopback/private addresses")
    p.add_argument(
        "--workers", type=int, help="embedding sessions run in parallel (default: one per core; BYLINE_EMBEDDING_WORKERS)"
    )
    add_store_flags(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("feeds", help="follow RSS/Atom feeds: add URL, list, remove URL, refresh")
    p.add_argument("action", choices=["add", "list", "remove", "refresh"])
    p.add_argument("url", nargs="?")
    p.add_argument("--name", help="a label for the feed (add)")
    p.add_argument("--every", type=float, metavar="MINUTES", help="refresh this feed every MINUTES in `byline serve` (add)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--allow-private-urls", action="store_true", help="also fetch loopback/private addresses")
    add_store_flags(p)
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("articles", help="list the stored articles")
    p.add_argument("--json", action="store_true")
    add_store_flags(p)
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("quotes", help="who the articles quote, or what one speaker said (by article)")
    p.add_argument("name", nargs="?", help="a speaker's name (any part of it, misspellings allowed)")
    p.add_argument("--json", action="store_true")
    add_store_flags(p)
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser("remove", help="delete one article from the store")
    p.add_argument("id")
    add_store_flags(p)
    p.set_defaults(func=cmd_remove)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in ("ingest", "articles", "quotes", "feeds", "remove", "-h", "--help"):
        argv.insert(0, "ingest")
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)
