"""Who may use the served app: names the server answers to (against DNS rebinding), the --auth login with a brake
on guessing per client and per user name, and the Gradio routes that Gradio itself leaves open under auth (cancel
and reset of a session's events) closed to anyone not signed in."""

from __future__ import annotations

import contextvars
import hmac
import logging
import threading
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.delivery.hosts import host_name, is_ip

log = logging.getLogger("byline")
_SESSION_CONTROL = ("/gradio_api/cancel", "/gradio_api/reset")
_CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("byline_client", default="unknown")


class AllowedHosts:
    """ASGI middleware: a request whose Host names none of the allowed names gets 400, on every route (UI, uploads,
    API). A rebinding page's requests carry its own domain as Host; an address typed as digits cannot be rebound,
    so IP literals pass."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]):
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name not in self.allowed and not is_ip(name):
                if scope["type"] == "http":
                    await PlainTextResponse(
                        f"Host {name!r} is not served here; add it to BYLINE_ALLOWED_HOSTS to allow it", status_code=400
                    )(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Brake:
    """Exponential back-off per key (a client, a user name): after `free` failures within `window_s`, the key is
    refused for base_s · 2^(failures − free) seconds, at most `max_s`. Keys never brake one another."""

    def __init__(self, free: int = 3, base_s: float = 1.0, max_s: float = 60.0, window_s: float = 600.0):
        self.free, self.base_s, self.max_s, self.window_s = free, base_s, max_s, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, key: str, now: float | None = None) -> float:
        """Seconds this key must still wait; 0 when it may try."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if now - t < self.window_s]
            self._failures[key] = recent
            if len(recent) < self.free:
                return 0.0
            delay = min(self.max_s, self.base_s * 2 ** (len(recent) - self.free))
            return max(0.0, recent[-1] + delay - now)

    def failed(self, key: str, now: float | None = None) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(time.monotonic() if now is None else now)
            if len(self._failures) > 10_000:  # forget the oldest keys rather than grow without bound
                for stale in list(self._failures)[:5_000]:
                    del self._failures[stale]

    def failures(self, key: str) -> int:
        with self._lock:
            return len(self._failures.get(key, []))


class LoginGuard:
    """Checks the --auth credentials for Gradio's login. A client that keeps failing is braked; a user name under
    attack is braked only for clients that have failed too, so that a guesser elsewhere cannot lock the owner out."""

    def __init__(self, user: str, password: str, brake: Brake | None = None):
        self._user, self._password = user.encode(), password.encode()
        self.brake = brake or Brake()

    def __call__(self, user: str, password: str) -> bool:
        client = _CLIENT.get()
        wait = max(
            self.brake.wait_s(f"client:{client}"),
            self.brake.wait_s(f"user:{user}") if self.brake.failures(f"client:{client}") else 0.0,
        )
        if wait > 0:
            log.warning("login for %r from %s braked for %.0f s more", user, client, wait)
            return False
        ok = hmac.compare_digest(user.encode(), self._user) & hmac.compare_digest(password.encode(), self._password)
        if not ok:
            self.brake.failed(f"client:{client}")
            self.brake.failed(f"user:{user}")
        return bool(ok)


class SignedInOnly:
    """ASGI middleware: under --auth, the session-control routes answer 401 unless the request carries a valid
    login cookie (Gradio checks it on every other data route, but not on these two); a login posted from another
    site's page is refused; each request's client is noted for the login brake."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        _CLIENT.set(request.client.host if request.client else "unknown")
        path = scope["path"].rstrip("/")
        if path.endswith(_SESSION_CONTROL):
            gradio_app = scope.get("app")
            if getattr(gradio_app, "auth", None) and not signed_in(request, gradio_app):
                await JSONResponse({"detail": "Not authenticated"}, status_code=401)(scope, receive, send)
                return
        if path.endswith("/login") and scope["method"] == "POST" and not same_origin(request):
            await JSONResponse({"detail": "Sign in from this app's own page"}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def same_origin(request: Request) -> bool:
    """No Origin header (not a browser form), or one that names the host the request was sent to."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return host_name(origin.split("://", 1)[-1]) == host_name(request.headers.get("host", ""))


def signed_in(request: Request, gradio_app: object) -> bool:
    cookie_id = getattr(gradio_app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(f"access-token-unsecure-{cookie_id}")
    return bool(token) and token in getattr(gradio_app, "tokens", {})
