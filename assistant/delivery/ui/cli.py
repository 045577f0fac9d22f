"""`byline serve`: the chat UI in the browser."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from importlib.metadata import entry_points

from assistant.delivery.cli import add_answer_flags
from assistant.delivery.hosts import LOOPBACK_NAMES as LOOPBACK
from assistant.delivery.hosts import allowed_hosts
from ingest.cli import fail, settings_from_args
from ingest.records import IngestError
from ingest.settings import Settings


def batch_runner():
    """The evaluation harness's batch runner, found through an entry point so `assistant` never imports `evals`."""
    for entry in entry_points(group="byline.batch"):
        return entry.load()
    return None


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must look like USER:PASSWORD")
    return user, password


def launch(settings: Settings) -> None:
    """One server on one port: the OpenAI-compatible API under /v1 and the Gradio app under /. The models start
    loading before the web stack is imported (2-3 s, which the loads overlap), so the first answer comes sooner."""
    from assistant.core.assistant import Assistant

    assistant = Assistant(settings)
    threading.Thread(target=assistant.warm_up, daemon=True).start()

    import gradio as gr
    import uvicorn
    from fastapi import FastAPI
    from starlette.middleware import Middleware
    from starlette.routing import Mount

    from assistant.delivery.access import AllowedHosts, LoginGuard, SignedInOnly, signed_in
    from assistant.delivery.api import add_openai_routes
    from assistant.delivery.health import add_health_route
    from assistant.delivery.turns import AnswerTurns
    from assistant.delivery.ui.app import PAGE_SCRIPT, build_app, theme
    from assistant.delivery.ui.render import CSS
    from ingest.refresh import FeedScheduler

    server_log = logging.getLogger("byline")
    if not server_log.handlers:  # the server's log: failures' details, never shown to users
        server_log.addHandler(logging.StreamHandler())
        server_log.setLevel(logging.INFO)
    credentials = parse_auth(settings.serving.auth)
    FeedScheduler(settings, assistant.store).start()
    turns = AnswerTurns(settings.answer_concurrency, settings.serving.max_pending_per_session)
    blocks = build_app(settings, assistant, batch_runner(), turns)
    blocks.queue(default_concurrency_limit=settings.answer_concurrency)
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    hosts = allowed_hosts(settings.serving.host, settings.serving.allowed_hosts.split(","))
    server.add_middleware(AllowedHosts, allowed=hosts)
    api = add_openai_routes(server, assistant, settings, turns)
    add_health_route(server, assistant.store)
    gr.mount_gradio_app(
        server,
        blocks,
        path="/",
        server_name=settings.serving.host,
        server_port=settings.serving.port,
        auth=LoginGuard(*credentials) if credentials else None,
        theme=theme(),
        css=CSS,
        js=PAGE_SCRIPT,
        max_file_size=settings.ingest.max_file_bytes,
        app_kwargs={"middleware": [Middleware(SignedInOnly)]},
        ssr_mode=False,
        show_error=False,
        footer_links=[],
        pwa=False,
        mcp_server=False,
    )
    if credentials:
        gradio_app = next(r.app for r in server.routes if isinstance(r, Mount) and r.path in ("", "/"))
        api.signed_in = lambda request: signed_in(request, gradio_app)
    uvicorn.run(server, host=settings.serving.host, port=settings.serving.port, log_level="warning", timeout_graceful_shutdown=5)


def who_may_use(settings: Settings) -> str:
    """Which routes are open to whom, said at start."""
    serving = settings.serving
    ui = "anyone signed in with --auth" if serving.auth else "anyone who can reach it (no --auth)"
    if serving.api_key:
        api = "clients sending the API key" + (" or signed in to the UI" if serving.auth else "")
    elif serving.auth:
        api = "clients signed in to the UI (no --api-key)"
    elif serving.host in LOOPBACK:
        api = "local clients (no --api-key)"
    else:
        api = "off (no --api-key beyond localhost)"
    names = ", ".join(sorted(allowed_hosts(serving.host, serving.allowed_hosts.split(","))))
    return f"UI: {ui}. API /v1: {api}. Answers to the host names {names} and IP addresses (BYLINE_ALLOWED_HOSTS adds more)."


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(
            args,
            backend=args.backend,
            top_k=args.top_k,
            host=args.host,
            port=args.port,
            auth=args.auth,
            api_key=args.api_key,
        )
        parse_auth(settings.serving.auth)
    except (ValueError, IngestError) as err:
        return fail(str(err))
    if settings.serving.host not in LOOPBACK and not settings.serving.auth:
        print(
            f"warning: serving on {settings.serving.host} without --auth: anyone who can reach this machine can use "
            "the app and change its articles",
            file=sys.stderr,
        )
    print(f"Byline is starting on http://{settings.serving.host}:{settings.serving.port} (Ctrl-C stops it)", flush=True)
    print(who_may_use(settings), flush=True)
    every = settings.fetching.feed_interval_s
    print(
        f"Followed feeds are refreshed every {every / 60:g} min (BYLINE_FEED_INTERVAL_S)."
        if every > 0
        else "Followed feeds are refreshed only by hand (BYLINE_FEED_INTERVAL_S=0).",
        flush=True,
    )
    launch(settings)
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="start the chat UI in the browser")
    p.add_argument("--host", help="address to bind (BYLINE_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (BYLINE_PORT, default 7860)")
    p.add_argument("--auth", help="USER:PASSWORD required for every page and UI route (BYLINE_AUTH)")
    p.add_argument("--api-key", help="Bearer key the /v1 API requires (BYLINE_API_KEY); without one it is localhost-only")
    add_answer_flags(p)
    p.set_defaults(func=cmd_serve)
