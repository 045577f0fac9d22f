"""Fair turns at the one local model: a first-come queue with a cap on how many questions one browser session
may have waiting, so one user queueing many questions cannot hold everyone else back."""

from __future__ import annotations

import itertools
import threading
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass


def session_key(request: object) -> str:
    """The browser session a Gradio request comes from (its session hash), the unit of fairness and of stopping."""
    return getattr(request, "session_hash", None) or "anonymous"


class TooManyPending(RuntimeError):
    """This session already has its share of questions waiting or running."""


@dataclass(frozen=True)
class Ticket:
    number: int
    session: str


class AnswerTurns:
    def __init__(self, slots: int, per_session: int):
        self.slots, self.per_session = slots, per_session
        self._cond = threading.Condition()
        self._waiting: deque[Ticket] = deque()
        self._running: set[Ticket] = set()
        self._pending: Counter[str] = Counter()
        self._numbers = itertools.count()

    def join(self, session: str) -> Ticket:
        with self._cond:
            if self._pending[session] >= self.per_session:
                raise TooManyPending(
                    f"You already have {self._pending[session]} question(s) waiting or being answered; "
                    f"each session may have {self.per_session} at a time. Ask again when an answer has arrived."
                )
            ticket = Ticket(next(self._numbers), session)
            self._pending[session] += 1
            self._waiting.append(ticket)
            return ticket

    def wait(self, ticket: Ticket, poll_s: float = 0.5) -> Iterator[int]:
        """Yields the number of questions ahead whenever it changes; returns when it is this ticket's turn."""
        last = None
        while True:
            with self._cond:
                ahead = self._waiting.index(ticket)
                if ahead == 0 and len(self._running) < self.slots:
                    self._waiting.popleft()
                    self._running.add(ticket)
                    return
                position = ahead + len(self._running)
                if position != last:
                    last = position
                else:
                    self._cond.wait(poll_s)
                    continue
            yield position

    def leave(self, ticket: Ticket) -> None:
        """Always called, whether the answer finished, failed or the user went away."""
        with self._cond:
            if ticket in self._running:
                self._running.discard(ticket)
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            else:
                return
            self._pending[ticket.session] -= 1
            if self._pending[ticket.session] <= 0:
                del self._pending[ticket.session]
            self._cond.notify_all()
