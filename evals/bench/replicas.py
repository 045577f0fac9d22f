"""`byline bench --replicas`: `byline serve` replicas on their own `chroma run`, as a deployment runs them. How soon a
replica answers from an article another process wrote, what catching up costs per article at each corpus size,
and how fast a replica restarts from its saved indexes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from evals.bench.bench import ROOT, build_corpus, ingest_subprocess

ARTICLE = "{title}\nThe harbour authority in {town} said on Monday that the ferry service would resume after repairs.\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the process on port {port} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"nothing listened on port {port} within {timeout:.0f} s")


def chroma_server(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, proc, 60)
    return proc, f"http://127.0.0.1:{port}"


def _env(store: Path, extra: dict | None = None) -> dict:
    return {
        **os.environ,
        "BYLINE_STORE": str(store),
        "BYLINE_COLLECTION": "bench",
        "BYLINE_FEED_INTERVAL_S": "0",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **(extra or {}),
    }


class Replica:
    """One `byline serve` on the shared server, with its own index folder."""

    def __init__(self, folder: Path, chroma_url: str):
        self.folder, self.chroma_url = folder, chroma_url
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> float:
        """Seconds until the page is served."""
        port = free_port()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.delivery.cli", "serve", "--chroma-url", self.chroma_url, "--port", str(port)],
            cwd=ROOT,
            env=_env(self.folder),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}/"
        wait_for(port, self.proc, 300)
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=30) as page:
                    if page.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)

    def health(self) -> dict:
        with urllib.request.urlopen(f"{self.url}health", timeout=600) as response:
            return json.loads(response.read())["index"]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


def write_one(work: Path, chroma_url: str, n: int) -> float:
    """`byline ingest FILE` against the server, as another process; returns when it has exited."""
    article = work / f"ferry-{n}.txt"
    article.write_text(ARTICLE.format(title=f"Ferry service {n} to resume", town=f"Port {n}"))
    subprocess.run(
        [sys.executable, "-m", "assistant.delivery.cli", "ingest", str(article), "--chroma-url", chroma_url],
        cwd=ROOT,
        env=_env(work / "writer"),
        check=True,
        capture_output=True,
    )
    return time.perf_counter()


def visibility(replica: Replica, work: Path, chroma_url: str, tries: int = 3) -> dict:
    """From the end of another process's write to the replica holding the article, and what catching up cost it."""
    waits, costs = [], []
    for n in range(tries):
        before = replica.health()["passages"]
        written = write_one(work, chroma_url, int(time.time() * 1000) + n)
        while True:
            state = replica.health()
            if state["passages"] > before:
                break
            time.sleep(0.02)
        waits.append(time.perf_counter() - written)
        last = state["last_catch_up"]
        costs.append(last["seconds"] if last and not last["rebuilt"] and last["articles"] == 1 else float("nan"))
    return {"visible_after_s": waits, "catch_up_s_per_article": costs}


def run(shared: Path, work: Path, sizes: list[int]) -> dict:
    """Grows one server's collection through `sizes`; at each, a replica's view of a write and a restart."""
    server, url = chroma_server(work / "chroma")
    replica = Replica(work / "replica", url)
    out: dict = {"sizes": []}
    try:
        done = 0
        for n in sizes:
            corpus, _ = build_corpus(n, shared, work)
            lines = corpus.read_text().splitlines()
            grown = work / f"grown-to-{n}.jsonl"  # each size adds the lines the last one lacked (same ids, same order)
            grown.write_text("\n".join(lines[done:]) + "\n")
            done = len(lines)
            ingest = ingest_subprocess(grown, work / "writer", chroma_url=url)
            if replica.proc is None:
                replica.start()
            first = replica.health()
            size: dict = {
                "passages": first["passages"],
                "ingest_through_server": ingest,
                "catch_up_after_ingest": first["last_catch_up"],
            }
            size.update(visibility(replica, work, url))
            replica.kill()
            size["restart_page_s"] = replica.start()
            started = time.perf_counter()
            restarted = replica.health()
            size["restart_first_health_s"] = time.perf_counter() - started
            size["restart_catch_up"] = restarted["last_catch_up"]
            size["index_files_mb"] = (
                sum(p.stat().st_size for p in (work / "replica" / "lexical").rglob("*") if p.is_file()) / 2**20
            )
            out["sizes"].append(size)
            print(f"replicas at {n} done", file=sys.stderr, flush=True)
    finally:
        replica.kill()
        server.terminate()
        server.wait(timeout=30)
    return out


def print_replicas(result: dict) -> None:
    for s in result["sizes"]:
        waits, costs = s["visible_after_s"], s["catch_up_s_per_article"]
        restart = s["restart_catch_up"] or {}
        print(
            f"replicas at {s['passages']:,} passages: a write visible to another replica after "
            f"{min(waits):.2f}/{sorted(waits)[len(waits) // 2]:.2f}/{max(waits):.2f} s (min/median/max); catch-up per "
            f"article {sorted(costs)[len(costs) // 2] * 1000:.0f} ms; restart: page {s['restart_page_s']:.2f} s, first "
            f"health {s['restart_first_health_s']:.2f} s, rebuilt {restart.get('rebuilt')}, applied "
            f"{restart.get('records', 0)} records in {restart.get('seconds', 0):.2f} s; index files {s['index_files_mb']:.0f} MB"
        )
