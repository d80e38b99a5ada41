"""Per-client limits by cost: each client address has a budget of worker time.

Counting requests punished the wrong clients: a script sending cheap lookups one after
another hit the limit after about 120 of them, a conformance suite's deliberate bad requests
(refused before any evaluation) cost it a third of its checks, while one client sending a
cross product now and then stayed well under any sane rate yet held a worker for the whole
time limit each time. So, like public endpoints that people trust (Wikidata gives each client
60 seconds of query time a minute), each address gets ``query_time_per_minute_s`` seconds of
worker time a minute, and may save up to ``query_time_burst_s``:

- every request costs ``request_cost_s``: answering from cache or a file, a 304, a refusal
  before evaluation; that is what bounds a flood of them (100 a second with the defaults);
- each query costs the time it really held its worker, measured in the worker (``charge``),
  or the time limit for one stopped at it;
- a client is admitted while its budget is positive; past that it gets 429 with a
  ``Retry-After`` saying when its budget is positive again. One costly query can put it in
  debt, down to minus a burst, which bounds how long it waits.

``/health`` is exempt, so a monitor never mistakes a busy client for a dead service.

The key is the client address as uvicorn reports it. Behind a reverse proxy every request
comes from the proxy: uvicorn replaces the address with ``X-Forwarded-For`` only for
proxies it trusts (``--forwarded-allow-ips``, by default 127.0.0.1). So either run the proxy
on the same host (trusted by default) or name it in ``FORWARDED_ALLOW_IPS``; otherwise all
clients share one budget. Never trust forwarded headers from everyone: a client could then
pick a new address for every request.
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT_PATHS = frozenset(("/health",))
#: budgets kept before idle ones go (refilled to full, so forgetting them changes nothing)
PRUNE_AT = 10_000


@dataclass
class _Budget:
    seconds: float  # of worker time left; below zero after a costly query
    updated: float


def client_key(scope: Scope) -> str:
    """The address a client is known by, for the budget and the per-client query cap alike
    (one place to change when a trusted proxy's forwarded address should count)."""
    client = scope.get("client")
    return client[0] if client else ""


class QueryBudget:
    """ASGI middleware: ``per_minute_s`` seconds of worker time a minute per client address,
    saved up to ``burst_s``; each request costs ``request_cost_s`` more."""

    def __init__(
        self, app: ASGIApp, *, per_minute_s: float, burst_s: float, request_cost_s: float
    ) -> None:
        self.app = app
        self.rate = per_minute_s / 60.0  # seconds of budget per second
        self.burst = burst_s
        self.request_cost = request_cost_s
        self.budgets: dict[str, _Budget] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        key = client_key(scope)
        wait = self.admit(key)
        if wait > 0:
            _count_refusal(scope)
            retry = str(max(1, math.ceil(wait)))
            response = PlainTextResponse(
                f"your address has used its query time: try again in {retry} s\n",
                429,
                headers={"Retry-After": retry},
            )
            await response(scope, receive, send)
            return
        token = _CURRENT.set((self, key))
        try:
            await self.app(scope, receive, send)
        finally:
            _CURRENT.reset(token)

    def admit(self, key: str, now: float | None = None) -> float:
        """0 if ``key``'s budget is positive (and charge it a request), else the seconds
        until it is."""
        budget = self._refilled(key, now)
        if budget.seconds > 0:
            budget.seconds -= self.request_cost
            return 0.0
        return -budget.seconds / self.rate + 1e-9

    def spend(self, key: str, seconds: float, now: float | None = None) -> None:
        """Take ``seconds`` of worker time from ``key``'s budget, into debt down to minus a
        burst (so the wait it earns is bounded: the refill time of two bursts)."""
        budget = self._refilled(key, now)
        budget.seconds = max(-self.burst, budget.seconds - seconds)

    def _refilled(self, key: str, now: float | None) -> _Budget:
        now = time.monotonic() if now is None else now
        budget = self.budgets.get(key)
        if budget is None:
            if len(self.budgets) >= PRUNE_AT:
                self._prune(now)
            budget = self.budgets[key] = _Budget(self.burst, now)
        budget.seconds = min(self.burst, budget.seconds + (now - budget.updated) * self.rate)
        budget.updated = now
        return budget

    def _prune(self, now: float) -> None:
        """Forget budgets that have refilled; if too many are still in use (addresses are
        cheap in IPv6), forget them all: memory stays bounded, and only the limit is lost."""
        self.budgets = {
            key: b
            for key, b in self.budgets.items()
            if now - b.updated < (self.burst - b.seconds) / self.rate
        }
        if len(self.budgets) >= PRUNE_AT:
            self.budgets.clear()


def _count_refusal(scope: Scope) -> None:
    state = getattr(scope["app"].state, "bomay", None) if "app" in scope else None
    if state is not None:
        state.metrics.refusals.labels(reason="budget").inc()


#: the budget and client of the request being handled, for ``charge``
_CURRENT: ContextVar[tuple[QueryBudget, str] | None] = ContextVar("bomay_budget", default=None)


def charge(seconds: float) -> None:
    """Charge ``seconds`` of worker time to the client being answered (nothing outside a
    request, or when there is no limit)."""
    current = _CURRENT.get()
    if current is not None:
        budget, key = current
        budget.spend(key, seconds)
