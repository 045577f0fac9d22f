"""`byline serve`: the chat UI in the browser."""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
import threading
import time
from importlib.metadata import entry_points

from ingest.cli import fail, settings_from_args
from ingest.records import IngestError

from ..cli import add_answer_flags


def batch_runner():
    """The evaluation harness's batch runner, found through an entry point so `assistant` never imports `evals`."""
    for entry in entry_points(group="byline.batch"):
        return entry.load()
    return None


class LoginGuard:
    """Checks the --auth credentials for Gradio's login, with a brake on guessing: after `attempts` failures within
    `window_s`, every login is refused for `lockout_s` (the right password too), so a password cannot be guessed
    at request speed."""

    def __init__(self, user: str, password: str, attempts: int = 5, window_s: float = 60.0, lockout_s: float = 30.0):
        self._user, self._password = user.encode(), password.encode()
        self.attempts, self.window_s, self.lockout_s = attempts, window_s, lockout_s
        self._failures: list[float] = []
        self._locked_until = 0.0
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._locked_until:
                return False
            ok = hmac.compare_digest(user.encode(), self._user) & hmac.compare_digest(password.encode(), self._password)
            if ok:
                return True
            self._failures = [t for t in self._failures if now - t < self.window_s] + [now]
            if len(self._failures) >= self.attempts:
                self._locked_until, self._failures = now + self.lockout_s, []
                print(f"byline: {self.attempts} failed logins; logins refused for {self.lockout_s:g} s", file=sys.stderr)
            return False


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must look like USER:PASSWORD")
    return user, password


def launch(settings, *, block: bool = True):
    """Start the app as configured; returns the Gradio app (and its URL when not blocking)."""
    from ..assistant import Assistant
    from .app import build_app, theme
    from .render import CSS

    server_log = logging.getLogger("byline")
    if not server_log.handlers:  # the server's log: failures' details, never shown to users
        server_log.addHandler(logging.StreamHandler())
        server_log.setLevel(logging.INFO)
    credentials = parse_auth(settings.auth)
    auth = LoginGuard(*credentials) if credentials else None
    assistant = Assistant(settings)
    threading.Thread(target=assistant.warm_up, daemon=True).start()
    app = build_app(settings, assistant, batch_runner())
    app.queue(default_concurrency_limit=settings.answer_concurrency)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=auth,
        theme=theme(),
        css=CSS,
        max_file_size=settings.max_file_bytes,
        prevent_thread_lock=not block,
        quiet=not block,
        ssr_mode=False,
        show_error=False,
        footer_links=[],
        pwa=False,
        mcp_server=False,
    )
    return app


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(
            args, backend=args.backend, top_k=args.top_k, host=args.host, port=args.port, auth=args.auth
        )
        parse_auth(settings.auth)
    except (ValueError, IngestError) as err:
        return fail(str(err))
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.auth:
        print(
            f"warning: serving on {settings.host} without --auth: anyone who can reach this machine can use "
            "the app and change its articles",
            file=sys.stderr,
        )
    print(f"Byline is starting on http://{settings.host}:{settings.port} (Ctrl-C stops it)", flush=True)
    launch(settings)
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="start the chat UI in the browser")
    p.add_argument("--host", help="address to bind (BYLINE_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (BYLINE_PORT, default 7860)")
    p.add_argument("--auth", help="USER:PASSWORD required for every page and API route (BYLINE_AUTH)")
    add_answer_flags(p)
    p.set_defaults(func=cmd_serve)
