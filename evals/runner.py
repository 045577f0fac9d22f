"""Runs a question set through the assistant, one result line per question, resumable."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.core.answer import Answer
from assistant.core.assistant import Assistant, QuestionError
from evals.datasets import Item
from evals.metrics import RETRIEVAL, retrieval_scores
from evals.scoring import gold_ranking, passed, score
from ingest.pipeline import ingest_paths
from ingest.settings import Settings
from ingest.store.store import Store

RETRIEVAL_DEPTH = 10


def corpus_collection(corpus: Path) -> str:
    """A collection of its own per corpus file, so a benchmark never mixes with the user's articles."""
    digest = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:8]
    name = "".join(ch if ch.isalnum() else "-" for ch in corpus.parent.name + "-" + corpus.stem)[:40].strip("-")
    return f"eval-{name}-{digest}"


def prepare_corpus(settings: Settings, corpus: Path, collection: str | None = None) -> Settings:
    settings = settings.with_overrides(collection=collection or corpus_collection(corpus))
    report = ingest_paths([corpus], settings, show_progress=False)
    if report.failed:
        raise ValueError(f"the corpus {corpus} did not ingest cleanly: {report.failed[0].error}")
    return settings


def gold_article_ids(store: Store, items: list[Item]) -> set[str]:
    wanted = sorted({g for i in items for t in (i.turns or [i]) for g in t.gold_doc_ids})
    if not wanted:
        return set()
    return store.existing_article_ids(wanted)


def _support_totals(store: Store, item: Item) -> int:
    return len({i for s in item.gold_support for i in store.ids_containing(s)})


def score_retrieval(
    assistant: Assistant, item_id: str, last: Item, question: str, article_ids: set[str], answer: Answer | None = None
):
    """(ranking, retrieval scores or None): gold given but none of it retrieved scores zero on every metric.
    The answer's own ranking is scored when it has one, so a question is searched once."""
    ranked = (
        answer.ranking[:RETRIEVAL_DEPTH] if answer and answer.ranking else assistant.search.retrieve(question, RETRIEVAL_DEPTH)
    )
    ranking, gold = gold_ranking(last, ranked, article_ids)
    if not gold:
        return ranking, ({m: 0.0 for m in RETRIEVAL} if last.has_gold else None)
    if last.gold_support and not last.gold_doc_ids:
        gold |= {f"__unretrieved_{n}" for n in range(max(0, _support_totals(assistant.store, last) - len(gold)))}
    return ranking, retrieval_scores({item_id: ranking}, {item_id: gold}).get(item_id)


def retrieval_only(assistant: Assistant, item: Item, article_ids: set[str]) -> dict:
    """Scores retrieval alone (no generation): seconds for a whole benchmark instead of an hour."""
    last = (item.turns or [item])[-1]
    ranking, scores = score_retrieval(assistant, item.id, last, last.question, article_ids)
    scores = scores or {}
    return {
        "id": item.id,
        "type": item.type,
        "question": item.question,
        "retrieved": ranking,
        "scores": scores,
        "gold": {"gold_doc_ids": last.gold_doc_ids, "gold_support": last.gold_support, "answerable": last.answerable},
        "pass": scores.get("hit@5", 0.0) > 0 if scores else True,
    }


def run_item(assistant: Assistant, item: Item, article_ids: set[str], answer_questions: bool = True) -> dict:
    if not answer_questions:
        return retrieval_only(assistant, item, article_ids)
    history: list[tuple[str, str]] = []
    turns = item.turns or [item]
    answer: Answer | None = None
    for turn in turns:
        try:
            answer = assistant.ask(turn.question, history=history)
        except QuestionError as err:
            return {"id": item.id, "type": item.type, "question": item.question, "error": str(err), "scores": {}, "pass": False}
        history.append((turn.question, answer.answer))
    assert answer is not None
    last = turns[-1]
    if item.turns:
        last.type = item.type
    ranking, retrieval = score_retrieval(assistant, item.id, last, answer.standalone_question, article_ids, answer)
    scores = score(last, answer, retrieval, assistant.judge, assistant.settings.answering.support_threshold)
    return {
        "id": item.id,
        "type": item.type,
        "question": item.question,
        "turns": [t.question for t in turns] if item.turns else [],
        "standalone_question": answer.standalone_question,
        "answer": answer.answer,
        "refused": answer.refused,
        "answer_check": answer.answer_check,
        "signals": answer.signals.model_dump() if answer.signals else None,
        "choices_from": answer.choices_from,
        "checks_run": answer.checks_run,
        "span": answer.span.model_dump(mode="json") if answer.span else None,
        "claims": [c.model_dump(mode="json") for c in answer.claims],
        "raw_answer": answer.raw_answer,
        "yes_no_probability": answer.yes_no_probability,
        "yes_no_prior": answer.yes_no_prior,
        "yes_no_parts": [p.model_dump() for p in answer.yes_no_parts],
        "quote_check": answer.quote_check.model_dump(mode="json") if answer.quote_check else None,
        "citations": [c.model_dump() for c in answer.citations],
        "retrieved": ranking[:RETRIEVAL_DEPTH],
        "gold": {
            "answers": last.answers,
            "gold_doc_ids": last.gold_doc_ids,
            "gold_support": last.gold_support,
            "answerable": last.answerable,
            **({"verdict": last.verdict, "said_by": last.said_by} if last.verdict else {}),
        },
        "scores": scores,
        "timings": answer.timings.model_dump(),
        "usage": answer.usage.model_dump(),
        "model": answer.model,
        "error": answer.error,
        "pass": passed(last, scores, answer),
    }


def read_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by an interrupted run is asked again
    return rows


def run(
    assistant: Assistant,
    items: list[Item],
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    answer_questions: bool = True,
) -> list[dict]:
    """Answer and score every item; with `out`, items already in that file are skipped, new ones appended."""
    done = {r["id"]: r for r in read_results(out)} if out else {}
    todo = [i for i in items if i.id not in done]
    article_ids = gold_article_ids(assistant.store, items)
    lock = threading.Lock()
    results = dict(done)
    finished = [len(done)]
    handle = out.open("a") if out else None

    def work(item: Item) -> None:
        row = run_item(assistant, item, article_ids, answer_questions)
        with lock:
            results[item.id] = row
            if handle:
                handle.write(json.dumps(row) + "\n")
                handle.flush()
            finished[0] += 1
            if progress:
                progress(finished[0], len(items))

    try:
        settings = assistant.settings
        workers = settings.answer_concurrency if answer_questions else max(1, settings.serving.concurrency)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, todo))
    finally:
        if handle:
            handle.close()
    return [results[i.id] for i in items if i.id in results]
