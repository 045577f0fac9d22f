"""The `byline` command: one entry point, a subcommand per job."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.delivery.checked import checks_summary
from ingest import cli as ingest_cli
from ingest.cli import add_store_flags, fail, say, settings_from_args
from ingest.records import IngestError, PassageFilter
from ingest.text.dates import user_date

if TYPE_CHECKING:
    from assistant.core.answer import Answer


def add_answer_flags(parser: argparse.ArgumentParser) -> None:
    add_store_flags(parser)
    parser.add_argument("--backend", choices=["local", "openai", "ollama"], help="chat backend (BYLINE_BACKEND)")
    parser.add_argument("--top-k", type=int, help="passages to retrieve (BYLINE_TOP_K)")
    parser.add_argument("--article", action="append", dest="articles", help="only this article id (repeatable)")
    parser.add_argument("--after", help="only articles published on or after this date (YYYY-MM-DD)")
    parser.add_argument("--before", help="only articles published on or before this date (YYYY-MM-DD)")
    parser.add_argument("--outlet", action="append", dest="outlets", help="only articles from this outlet (repeatable)")


def answer_settings(args: argparse.Namespace):
    return settings_from_args(args, backend=args.backend, top_k=args.top_k)


def filter_from_args(args: argparse.Namespace) -> PassageFilter:
    after = user_date(args.after) if args.after else None
    before = user_date(args.before) if args.before else None
    return PassageFilter(tuple(args.articles or ()), after, before, tuple(args.outlets or ()))


def print_answer(answer, stream=None, show_text: bool = True) -> None:
    stream = stream or sys.stdout
    if answer.standalone_question != answer.question:
        say(f"(understood as: {answer.standalone_question})", file=stream)
    if answer.scope:
        say(f"({'understood as: articles' if answer.scope_from_question else 'searched'} {answer.scope})", file=stream)
    if show_text:
        say(answer.answer, file=stream)
    if answer.citations:
        say("\nSources:", file=stream)
        for c in answer.citations:
            where = ", ".join(x for x in (c.outlet, (c.published_at or "")[:10], c.source) if x)
            say(f"  [{c.marker}] {c.title} ({where}, chars {c.start}-{c.end})\n      “{c.quote}”", file=stream)
            if c.also_reported_by:
                say(f"      also reported by: {', '.join(c.also_reported_by)}", file=stream)
    elif answer.sources:
        say("\nClosest passages:", file=stream)
        for s in answer.sources[:3]:
            say(f"  - {s.title}: “{s.text[:200]}{'…' if len(s.text) > 200 else ''}”", file=stream)
    if summary := checks_summary(answer):
        say(f"\n({summary})", file=sys.stderr)
    t = answer.timings
    first = f"{t.first_token_s:.2f}s" if t.first_token_s is not None else "-"
    say(f"\n[retrieve {t.retrieve_s:.2f}s · first token {first} · total {t.total_s:.2f}s · {answer.model}]", file=sys.stderr)


def _assistant(args: argparse.Namespace):
    from assistant.core.assistant import Assistant

    return Assistant(answer_settings(args))


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.core.assistant import QuestionError

    try:
        where = filter_from_args(args)
        assistant = _assistant(args)
    except (ValueError, IngestError) as err:
        return fail(str(err))
    if args.question is None:
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    status = 0
    for question in questions:
        if args.question is None and not question.strip():
            continue
        try:
            answer = assistant.ask(question, where=where)
        except QuestionError as err:
            if args.json and args.question is None:
                print(json.dumps({"question": question, "error": str(err)}), flush=True)
            else:
                print(f"byline: {err}", file=sys.stderr)
            status = 2
            continue
        if args.json:
            print(answer.model_dump_json(), flush=True)
        else:
            print_answer(answer)
            if args.question is None:
                print("-" * 40, flush=True)
        if answer.error:
            status = max(status, 1)
    return status


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.core.question import QuestionError
    from assistant.delivery.export import write_conversation

    try:
        where = filter_from_args(args)
        assistant = _assistant(args)
    except (ValueError, IngestError) as err:
        return fail(str(err))
    history: list[tuple[str, str]] = []
    answers: list[Answer] = []
    print("Ask about the stored articles. An empty line or Ctrl-D ends the chat; /clear forgets the conversation.")
    if args.export:
        print(f"The conversation is saved to {args.export} after every answer.")
    while True:
        try:
            question = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        if question.strip() == "/clear":
            history.clear()
            answers.clear()
            continue
        try:
            answer = _chat_turn(assistant.stream(question, history, where))
        except QuestionError as err:
            print(f"byline: {err}")
            continue
        history.append((question, answer.answer))
        answers.append(answer)
        if args.export:
            write_conversation(answers, args.export)


def _chat_turn(events) -> Answer:
    """Prints one answer as it streams; returns it. The streamed text is the model's draft: when the checks left it
    as it was, only its sources follow; when they changed it, the checked answer follows under its own label."""
    from assistant.core.question import QuestionError

    streamed: list[str] = []
    for event in events:
        if event.kind == "standalone":
            print(f"(understood as: {event.data})")
        elif event.kind == "token":
            say(event.data, end="", flush=True)
            streamed.append(event.data)
        elif event.kind == "answer":
            answer = event.data
            same = "".join(streamed).strip() == answer.answer.strip()
            if streamed:
                print("" if same else "\n\nChecked answer:")
            print_answer(answer.model_copy(update={"standalone_question": answer.question}), show_text=not same)
            return answer
    raise QuestionError("no answer came back")


def cmd_setup_model(args: argparse.Namespace) -> int:
    from assistant.models.model_files import ModelFileError, chat_model_path, verify
    from ingest.embedding.embedder import embedding_model_files

    settings = settings_from_args(args, cache_dir=args.cache_dir)
    try:
        path = chat_model_path(settings)
        if args.verify:
            verify(path)
        embedding_paths = embedding_model_files(settings)
    except (ModelFileError, IngestError) as err:
        return fail(str(err))
    print(path)
    for embedding_path in embedding_paths:
        print(embedding_path)
    if settings.models.backend == "local":
        from assistant.core.generation import Generator

        Generator(settings).warm_up()  # the answer prompt's prefix, saved, so the first server start skips it
    return 0


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question (or one per line from stdin)")
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true", help="print the result object as JSON (one per line from stdin)")
    add_answer_flags(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    add_answer_flags(p)
    p.add_argument("--export", type=Path, help="save the conversation here: FILE.md (Markdown) or FILE.json (full answers)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("setup-model", help="build (and check) the bundled chat model file and the ONNX embedding model")
    p.add_argument("--cache-dir", type=Path, help="where to build it (BYLINE_CACHE_DIR)")
    p.add_argument("--verify", action="store_true", help="also re-hash the built file")
    p.set_defaults(func=cmd_setup_model)


def build_parser() -> argparse.ArgumentParser:
    """Each package adds its own subcommands through the `byline.commands` entry points (see pyproject.toml),
    so this entry point never imports the packages that sit above it."""
    from importlib.metadata import entry_points

    parser = argparse.ArgumentParser(prog="byline", description="Questions about news articles, answered with citations.")
    sub = parser.add_subparsers(dest="command")
    ingest_cli.register(sub)
    register(sub)
    for entry in sorted(entry_points(group="byline.commands"), key=lambda e: e.name):
        if entry.value.split(":")[0] not in ("ingest.cli", "assistant.delivery.cli"):
            entry.load()(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
