"""A conversation as a file a user keeps: Markdown to read (answers with their markers and a numbered source list
under each) and JSON with the full `Answer` objects. The chat's download and `byline chat --export` both use it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from assistant.core.answer import Answer


def _source_line(n: int, quote: str, title: str, source: str, date: str | None, outlet: str | None = None) -> str:
    where = ", ".join(part for part in (title, outlet, source, (date or "")[:10]) if part)
    return f"{n}. “{quote}” — {where}"


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def conversation_markdown(answers: list[Answer]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Byline conversation", "", f"Exported {stamp}.", ""]
    for answer in answers:
        lines += [f"**You:** {answer.question}", ""]
        if answer.standalone_question != answer.question:
            lines += [f"*Understood as: {answer.standalone_question}*", ""]
        if answer.scope:
            lines += [f"*Searched {answer.scope}.*", ""]
        lines += [f"**Byline:** {answer.answer}", ""]
        if answer.citations:
            lines += ["Sources:", ""]
            lines += [
                _source_line(c.marker, c.quote, c.title, c.source, c.published_at, c.outlet)
                + (f" (also reported by: {', '.join(c.also_reported_by)})" if c.also_reported_by else "")
                for c in answer.citations
            ]
            lines.append("")
        elif answer.refused and answer.sources:  # the refusal says the closest passages are listed below
            lines += ["Closest passages (none answers the question):", ""]
            lines += [
                _source_line(n, _excerpt(s.text), s.title, s.source, s.published_at, s.outlet)
                for n, s in enumerate(answer.sources[:3], 1)
            ]
            lines.append("")
    return "\n".join(lines)


def conversation_json(answers: list[Answer]) -> str:
    return json.dumps(
        {"exported_at": datetime.now(UTC).isoformat(), "answers": [a.model_dump(mode="json") for a in answers]},
        indent=1,
        ensure_ascii=False,
    )


def write_conversation(answers: list[Answer], path) -> None:
    """JSON for a .json file, Markdown for anything else."""
    text = conversation_json(answers) if str(path).lower().endswith(".json") else conversation_markdown(answers)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
