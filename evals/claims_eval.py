"""`byline eval-claims`: claims that change the sentence they cite (who does what to whom, a number, a negation)
must not be verified, and faithful paraphrases of it must be. Each item of `evals/datasets/swapped_claims.jsonl` is
a sentence from the bundled articles with one claim citing it; the claim goes through the answering core's checks
as a generated answer would ("claim [1]"), with the real embedder and support judge: the citation check alone
(before) and with the fidelity check after it (after). `dev` (the sample article and the dock strike) is what the
rules were written against; `test` (the timeline articles) is for reporting."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.core.checks.check import CheckContext, Draft
from assistant.core.checks.citations import CitationCheck
from assistant.core.checks.fidelity import FidelityCheck
from assistant.core.evidence import Evidence
from assistant.core.question import Question
from assistant.core.retrieval import RetrievedPassage
from assistant.core.support import OverlapSimilarityJudge
from evals.datasets import DATASETS
from evals.metrics import Estimate, bootstrap_ci
from evals.timeline_eval import TIMELINES_CORPUS
from ingest.embedding.embedder import get_embedder
from ingest.pipeline import ingest_paths
from ingest.records import PassageFilter
from ingest.settings import Settings
from ingest.store.store import Store

SWAPPED_CLAIMS = DATASETS / "swapped_claims.jsonl"
ASKED = "What do the articles say?"
"""The question each claim answers: one that names nothing, so the judge's rule against names and numbers the
evidence lacks applies (a question's own names may be repeated without evidence)."""
CLAIM_CORPORA = [Path(__file__).resolve().parents[1] / "corpus", TIMELINES_CORPUS]
"""Where the items' sentences come from: the sample article and the timeline set's articles."""


@dataclass(frozen=True)
class ClaimItem:
    id: str
    sentence: str
    claim: str
    kind: str
    """"subject", "object", "number", "negation" (the claim changes the sentence), or "faithful"."""
    split: str


@dataclass(frozen=True)
class ClaimResult:
    item: ClaimItem
    verified_before: bool
    verified_after: bool
    why: list[str]


def load_claims(path: Path = SWAPPED_CLAIMS, split: str | None = None) -> list[ClaimItem]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        ClaimItem(r["id"], r["sentence"], r["claim"], r["kind"], r.get("split", "dev"))
        for r in rows
        if split is None or r.get("split", "dev") == split
    ]


def _cited(store: Store, sentence: str) -> Evidence:
    """The sentence as the answering core would show it: in its stored passage, with the speakers ingest found."""
    ids = store.ids_containing(sentence)
    if not ids:
        raise ValueError(f"“{sentence[:60]}…” is in none of {', '.join(p.name for p in CLAIM_CORPORA)}; fix the item")
    stored = store.passages(ids[:1])[ids[0]]
    passage = RetrievedPassage.of(stored, 1.0, {})
    start = passage.text.index(sentence) + passage.start
    return Evidence(1, passage, start, start + len(sentence), sentence, 1.0, np.zeros(1))


def judge_claims(items: list[ClaimItem], settings: Settings, names_asked: bool = False) -> list[ClaimResult]:
    """`names_asked`: the question is the claim itself, so every name and number it has counts as asked (the
    worst case for the judge, which lets a claim repeat the question's names without evidence)."""
    settings = settings.with_overrides(collection="eval-swapped-claims")
    report = ingest_paths(CLAIM_CORPORA, settings, show_progress=False)
    if report.failed:
        raise ValueError(f"the claims' articles did not ingest: {report.failed[0].error}")
    store = Store(settings)
    embedder = get_embedder(settings)
    judge = OverlapSimilarityJudge(embedder, settings.answering.support_cosine_weight)
    results = []
    for item, vector in zip(items, embedder.embed([i.sentence for i in items])):
        shown = [replace(_cited(store, item.sentence), vector=np.asarray(vector))]
        asked = item.claim if names_asked else ASKED
        question = Question(asked, asked, PassageFilter())
        context = CheckContext(question, shown, [shown[0].passage], f"{item.claim} [1]", [], settings, judge)
        cited = CitationCheck().run(Draft(f"{item.claim} [1]"), context)
        after = FidelityCheck().run(cited.draft, context) if cited.passed else None
        why = [h for d in (after.departed if after else []) for h in d.how]
        results.append(ClaimResult(item, cited.passed, bool(after and after.passed), why))
    return results


def rates(results: list[ClaimResult]) -> dict[str, dict[str, Estimate]]:
    """Per kind of claim (and all changed claims together): the share verified before and after."""
    groups: dict[str, list[ClaimResult]] = defaultdict(list)
    for r in results:
        groups[r.item.kind].append(r)
        if r.item.kind != "faithful":
            groups["changed (all)"].append(r)
    table: dict[str, dict[str, Estimate]] = {}
    for kind, rows in groups.items():
        table[kind] = {}
        for when in ("before", "after"):
            hits = [float(getattr(r, f"verified_{when}")) for r in rows]
            low, high = bootstrap_ci(hits)
            table[kind][when] = Estimate(float(np.mean(hits)), low, high, len(hits))
    return table
