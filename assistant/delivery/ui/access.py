"""Who may use the served app: the --auth login with a brake on guessing, and the Gradio routes that Gradio itself
leaves open under auth (cancel and reset of a session's events) closed to anyone not signed in."""

from __future__ import annotations

import hmac
import logging
import threading
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("byline")
_SESSION_CONTROL = ("/gradio_api/cancel", "/gradio_api/reset")


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
                log.warning("%d failed logins; logins refused for %g s", self.attempts, self.lockout_s)
            return False


class SignedInOnly:
    """ASGI middleware: under --auth, the session-control routes answer 401 unless the request carries a valid
    login cookie (Gradio checks it on every other data route, but not on these two)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(_SESSION_CONTROL):
            gradio_app = scope.get("app")
            if getattr(gradio_app, "auth", None) and not _signed_in(Request(scope), gradio_app):
                await JSONResponse({"detail": "Not authenticated"}, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _signed_in(request: Request, gradio_app: object) -> bool:
    cookie_id = getattr(gradio_app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(f"access-token-unsecure-{cookie_id}")
    return bool(token) and token in getattr(gradio_app, "tokens", {})
