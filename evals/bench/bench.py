"""Speed benchmarks of Byline against the plain LangChain baseline, measured in the same run.

Corpora are the public benchmark texts (squad8 paragraphs and MultiHop-RAG evidence), repeated under new ids
until they give the requested number of Byline passages. Latencies are warm (models loaded, one query first).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from evals.metrics import percentiles
from ingest.text.passages import make_passages
from ingest.text.readers import read_articles

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_QUESTIONS = [
    "What did Vance say?",
    "What did Macron propose?",
    "Who designated Amnesty International an undesirable organization?",
    "Where did Russian and Ukrainian delegates meet?",
    "How old was the woman killed in Kherson?",
    "How long was Trump's phone conversation with Putin?",
    "What did the UK government's statement press Putin to do?",
    "On which platform did Trump post about stopping the bloodbath?",
]


def source_texts(shared: Path) -> list[dict]:
    rows = []
    for name in ("squad8", "multihop-rag-500"):
        for line in (shared / "benchmarks" / name / "corpus.jsonl").read_text().splitlines():
            r = json.loads(line)
            rows.append({"id": r["id"], "title": r.get("title", ""), "text": r["text"]})
    return rows


def build_corpus(passages: int, shared: Path, folder: Path, max_tokens: int = 120, max_sentences: int = 4) -> tuple[Path, int]:
    """A JSONL corpus that yields about `passages` Byline passages; returns (path, passages it yields)."""
    texts = source_texts(shared)
    probe = folder / "probe.jsonl"
    probe.write_text("\n".join(json.dumps(t) for t in texts))
    sizes = [len(make_passages(a, max_tokens, max_sentences)) for a in read_articles(probe, 10**9)]
    path = folder / f"corpus-{passages}.jsonl"
    total, rep = 0, 0
    with path.open("w") as out:
        while total < passages:
            for text, size in zip(texts, sizes):
                out.write(json.dumps({"id": f"{text['id']}#r{rep}", "title": text["title"], "text": text["text"]}) + "\n")
                total += size
                if total >= passages:
                    break
            rep += 1
    return path, total


def speaker_time(corpus: Path, max_tokens: int, max_sentences: int) -> dict:
    """Speaker extraction alone on the corpus (model load counted apart), to set beside the whole ingest's time."""
    import time

    from ingest.speakers.attribute import CUE, attribute, english_pipeline

    items = [(a, make_passages(a, max_tokens, max_sentences)) for a in read_articles(corpus, 10**9)]
    t0 = time.perf_counter()
    english_pipeline()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = attribute(items)
    sentences = sum(len(p.sentences) for _, ps in items for p in ps)
    cued = sum(1 for a, ps in items for p in ps for s, e in p.sentences if CUE.search(a.text, s, e))
    return {
        "load_s": load,
        "extract_s": time.perf_counter() - t0,
        "sentences": sentences,
        "parsed_sentences": cued,
        "attributions": sum(len(p.speakers) for _, ps in out for p in ps),
    }


class PeakRSS:
    """Polls a process tree's memory; the peak is what a user's machine must have. RSS counts a file mapped twice
    (two llama.cpp contexts over one GGUF) twice; PSS counts each page once, shared pages split between mappers."""

    def __init__(self, pid: int, pss: bool = False):
        self.proc, self.peak, self.peak_pss, self._stop = psutil.Process(pid), 0, 0, threading.Event()
        self._pss = pss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                tree = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree))
                if self._pss:
                    self.peak_pss = max(self.peak_pss, sum(p.memory_full_info().pss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def ingest_subprocess(corpus: Path, store: Path, chroma_url: str | None = None, env_extra: dict | None = None) -> dict:
    """End-to-end ingest as a user runs it (`python -m ingest`), with its wall time and peak memory."""
    cmd = [sys.executable, "-m", "ingest", str(corpus), "--json"]
    cmd += ["--chroma-url", chroma_url] if chroma_url else ["--store", str(store)]
    env = {**os.environ, "BYLINE_STORE": str(store), "BYLINE_COLLECTION": "bench", "BYLINE_MAX_FILE_MB": "2000"}
    env.update(env_extra or {})
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    peak = PeakRSS(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    report = json.loads(out)
    if report["failed"]:
        raise RuntimeError(f"the bench corpus did not ingest: {report['failed'][0]}")
    return {
        "passages": report["passages"],
        "articles": report["articles"],
        "seconds": seconds,
        "passages_per_s": report["passages"] / seconds,
        "peak_rss_mb": peak.stop(),
    }


def baseline_ingest_subprocess(corpus: Path, folder: Path) -> dict:
    code = (
        "import json,sys,time; from pathlib import Path; from evals.bench.baseline import Baseline; "
        "t=time.perf_counter(); n=Baseline(Path(sys.argv[2])).ingest(Path(sys.argv[1])); "
        "print(json.dumps({'chunks': n, 'seconds': time.perf_counter()-t}))"
    )
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = PeakRSS(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    chunks = json.loads(out.strip().splitlines()[-1])["chunks"]
    return {"passages": chunks, "seconds": seconds, "passages_per_s": chunks / seconds, "peak_rss_mb": peak.stop()}


def questions(shared: Path, n: int = 200) -> list[str]:
    qs = []
    for name in ("squad8", "multihop-rag-500"):
        qs += [
            json.loads(line)["question"] for line in (shared / "benchmarks" / name / "questions.jsonl").read_text().splitlines()
        ]
    return qs[:n]


def latency_ms(search, qs: list[str]) -> dict:
    """Warm p50/p95 in milliseconds of `search(question)`; the first call only warms up."""
    search(qs[0])
    times = []
    for q in qs:
        t0 = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - t0) * 1000)
    return percentiles(times)


def retrieval_latency(search, qs: list[str], mode: str) -> dict:
    return latency_ms(lambda q: search.retrieve(q, 5, mode=mode), qs)


def baseline_latency(baseline, qs: list[str]) -> dict:
    return latency_ms(baseline.search, qs)


def answer_latency(settings, repeats: int = 1) -> dict:
    """Byline and the baseline answering the sample's questions with the same local model."""
    from assistant.core.assistant import Assistant
    from evals.bench.baseline import Baseline
    from ingest.pipeline import ingest_paths

    folder = Path(tempfile.mkdtemp(prefix="byline-answers-"))
    settings = settings.with_overrides(store=folder / "store")
    ingest_paths([ROOT / "corpus"], settings)
    assistant = Assistant(settings)
    assistant.warm_up()
    ours = [assistant.ask(q) for _ in range(repeats) for q in SAMPLE_QUESTIONS]
    corpus = folder / "sample.jsonl"
    (article,) = read_articles(ROOT / "corpus" / "us-mediates-ceasefire-talks.txt", 10**9)
    corpus.write_text(json.dumps({"id": article.id, "title": article.title, "text": article.text}))
    baseline = Baseline(folder / "baseline", chunk_size=1000, chunk_overlap=200)
    baseline.ingest(corpus)
    model = assistant.chat_model.model_copy(update={"slot": "baseline"})
    baseline.answer(model, SAMPLE_QUESTIONS[0])
    theirs = [baseline.answer(model, q) for _ in range(repeats) for q in SAMPLE_QUESTIONS]
    return {
        "byline": {
            "first_token_s": percentiles([a.timings.first_token_s or a.timings.total_s for a in ours]),
            "total_s": percentiles([a.timings.total_s for a in ours]),
            "prompt_tokens": percentiles([a.usage.prompt_tokens for a in ours if a.usage.prompt_tokens]),
        },
        "baseline": {
            "first_token_s": percentiles([r["first_token_s"] or r["total_s"] for r in theirs]),
            "total_s": percentiles([r["total_s"] for r in theirs]),
            "prompt_tokens": percentiles([r["prompt_tokens"] for r in theirs]),
        },
        "questions": len(SAMPLE_QUESTIONS) * repeats,
    }


def cold_start(store_settings) -> dict:
    """Seconds from launching `byline serve` to the first answered question, and the server's peak memory."""
    from gradio_client import Client

    from ingest.pipeline import ingest_paths

    folder = Path(tempfile.mkdtemp(prefix="byline-serve-"))
    ingest_paths([ROOT / "corpus"], store_settings.with_overrides(store=folder / "store"))
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.delivery.cli", "serve", "--store", str(folder / "store"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    peak = PeakRSS(proc.pid, pss=True)
    try:
        client = None
        while client is None and time.perf_counter() - started < 300:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            except Exception:
                time.sleep(0.2)
        if client is None:
            raise RuntimeError("byline serve did not come up within 300 s")
        ready = time.perf_counter() - started
        client.predict("What did Macron propose?", api_name="/ask")
        first_answer = time.perf_counter() - started
        for q in SAMPLE_QUESTIONS[:4]:
            client.predict(q, api_name="/ask")
        return {
            "page_ready_s": ready,
            "first_answer_s": first_answer,
            "serving_peak_rss_mb": peak.stop(),
            "serving_peak_pss_mb": peak.peak_pss / 2**20,
            "stages": startup_stages(folder / "store"),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def startup_stages(store: Path) -> dict:
    """Each stage of a cold start timed in a fresh process (evals/startup.py)."""
    out = subprocess.run(
        [sys.executable, "-m", "evals.bench.startup", str(store)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


ADD_ONE = ROOT / "corpus" / "us-mediates-ceasefire-talks.txt"


def add_one_article(store: Path) -> dict:
    """One article added to a stored collection: in a warm process (as the app's upload does: models loaded, the
    store opened and its indexes loaded first, timed apart), and end to end as `byline ingest FILE` in a fresh process."""
    code = (
        "import json,sys,time; from pathlib import Path; from ingest.settings import Settings; "
        "from ingest.store.store import Store; from ingest.pipeline import ingest_paths; "
        "from ingest.embedding.embedder import get_embedder; from ingest.speakers.attribute import english_pipeline; english_pipeline(); "
        "s=Settings(store=Path(sys.argv[1]), collection='bench'); get_embedder(s).embed(['warm']); "
        "t=time.perf_counter(); st=Store(s); st.lexical(); st.speaker_index(); o=time.perf_counter()-t; "
        "t=time.perf_counter(); r=ingest_paths([Path(sys.argv[2])], s, store=st, show_progress=False); "
        "print(json.dumps({'open_s': o, 'add_s': time.perf_counter()-t, 'added': r.added, 'passages': st.count()}))"
    )
    warm = subprocess.run(
        [sys.executable, "-c", code, str(store), str(ADD_ONE)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result = json.loads(warm.stdout.strip().splitlines()[-1])
    other = store.parent / "add-one.txt"
    other.write_text(ADD_ONE.read_text().replace("US President", "The US President", 1))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ingest", str(other), "--store", str(store), "--collection", "bench", "--json"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    result["cli_s"] = time.perf_counter() - started
    return result
