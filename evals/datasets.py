"""Question sets: the project's own gold sets, user files (JSONL, CSV, plain lists) and the public benchmarks."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

DATASETS = Path(__file__).parent / "datasets"
SAMPLE_GOLD = DATASETS / "sample_gold.jsonl"
QUOTE_CHECKS = DATASETS / "quote_checks.jsonl"
QUOTE_CORPUS = DATASETS / "quote_checks_corpus.jsonl"
BENCHMARKS = ("squad8", "squad-train", "multihop-rag-500")
SPLITS = ("train", "dev", "test")
DEFAULT_SPLIT = {"squad-train": "dev", "multihop-rag-500": "dev"}
"""Benchmarks with splits run their tuning split unless told otherwise: `test` is for reporting only, and
squad-train's `train` for fitting."""


class DatasetError(ValueError):
    """A question set that cannot be read; the message names the file, the line and the fix."""


@dataclass
class Item:
    id: str
    question: str
    answers: list[str] = field(default_factory=list)
    gold_doc_ids: list[str] = field(default_factory=list)
    gold_support: list[str] = field(default_factory=list)
    answerable: bool | None = None
    type: str = "all"
    turns: list[Item] = field(default_factory=list)
    verdict: str | None = None
    """A quote check's expected verdict ("verbatim", "paraphrase", "someone_else", "changed", "not_found")."""
    said_by: list[str] = field(default_factory=list)
    """Who really said the words, for a quote check."""

    @property
    def has_gold(self) -> bool:
        return bool(self.gold_doc_ids or self.gold_support)


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text)]
        except ValueError:
            pass
    return [part.strip() for part in text.split("|") if part.strip()]


def _as_bool(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "y")


def item_from_record(record: dict, default_id: str, where: str) -> Item:
    turns = [item_from_record(t, f"{default_id}.{i}", where) for i, t in enumerate(record.get("turns") or [], start=1)]
    question = str(record.get("question") or "").strip()
    if not question and not turns:
        raise DatasetError(f"{where}: no 'question' (or 'turns'); every item needs a question")
    answers = _as_list(record.get("answers", record.get("answer")))
    answerable = _as_bool(record.get("answerable"))
    if answerable is None and answers and answers[0].lower().startswith("insufficient information"):
        answerable = False
    return Item(
        id=str(record.get("id") or record.get("qid") or default_id),
        question=question or turns[-1].question,
        answers=[] if answerable is False else answers,
        gold_doc_ids=_as_list(record.get("gold_doc_ids")),
        gold_support=_as_list(record.get("gold_support")),
        answerable=answerable,
        type=str(record.get("type") or record.get("question_type") or "all"),
        turns=turns,
        verdict=str(record["verdict"]) if record.get("verdict") else None,
        said_by=_as_list(record.get("said_by")),
    )


def _csv_items(text: str, name: str) -> list[Item]:
    reader = csv.DictReader(io.StringIO(text))
    items: list[Item] = []
    try:
        if not reader.fieldnames or "question" not in [f.strip() for f in reader.fieldnames]:
            raise DatasetError(f"{name}: the CSV needs a 'question' column (found: {', '.join(reader.fieldnames or [])})")
        for row in reader:
            cells = {(k or "").strip(): v for k, v in row.items()}
            items.append(item_from_record(cells, f"q{len(items) + 1}", f"{name} line {reader.line_num}"))
    except csv.Error as err:
        raise DatasetError(
            f"{name} line {reader.line_num}: not readable as CSV ({err}); a cell may hold at most "
            f"{csv.field_size_limit() // 1024} KB, so shorten it or use JSONL"
        ) from None
    return items


def parse_dataset(text: str, name: str, split: str | None = None) -> list[Item]:
    """JSONL (one item a line), CSV with a `question` column, or a plain list: one question a line."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DatasetError(f"{name}: the question set is empty")
    items: list[Item] = []
    if name.endswith(".csv"):
        items = _csv_items(text, name)
    elif lines[0].lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DatasetError(f"{name} line {number}: not valid JSON ({err.msg}); fix or remove the line") from None
            if split and record.get("split") not in (None, split):
                continue
            items.append(item_from_record(record, f"q{number}", f"{name} line {number}"))
    else:
        items = [Item(id=f"q{i}", question=line.strip()) for i, line in enumerate(lines, start=1)]
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{name}: item ids repeat; give every item a unique 'id'")
    return items


def load_dataset(path: Path, split: str | None = None) -> list[Item]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not UTF-8 text; save the question set as UTF-8") from None
    return parse_dataset(text, path.name, split)


def benchmark_paths(name: str, shared: Path) -> tuple[Path, Path]:
    """(corpus, questions) of a public benchmark in ../shared/benchmarks."""
    if name not in BENCHMARKS:
        raise DatasetError(f"unknown benchmark '{name}'; choose one of {', '.join(BENCHMARKS)}")
    folder = shared / "benchmarks" / name
    if not folder.exists():
        raise DatasetError(f"{folder} is missing; the benchmarks live in ../shared/benchmarks beside the project")
    return folder / "corpus.jsonl", folder / "questions.jsonl"
