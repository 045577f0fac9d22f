"""`GET /health`: whether this process is up and in step with the shared store, for a load balancer and for
anyone checking that replicas answer from the same articles. Counts only, no article text."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import FastAPI

from ingest.store.store import Store


def add_health_route(app: FastAPI, store: Store) -> None:
    @app.get("/health")
    def health() -> dict:
        indexes = store.replica.current()
        last = store.replica.last
        return {
            "status": "ok",
            "index": {
                "log_position": indexes.seq,
                "passages": len(indexes.lexical),
                "articles": len(indexes.speakers.articles),
                "speakers": len(indexes.speakers.quotes),
                "digest": indexes.digest(),
                "writes_in_flight": len(indexes.open),
                "last_catch_up": asdict(last) if last else None,
            },
        }
