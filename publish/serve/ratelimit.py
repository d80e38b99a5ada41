"""Per-client rate limiting: a token bucket for each client address, as ASGI middleware.

One client running a crawler or a loop of queries must not take the whole service: past its
burst, each address gets ``rate_limit_per_minute`` requests a minute and then 429 with a
``Retry-After`` saying when the next request will be accepted. ``/health`` is exempt, so a
monitor never mistakes a busy client for a dead service.

The key is the client address as uvicorn reports it. Behind a reverse proxy every request
comes from the proxy: uvicorn replaces the address with ``X-Forwarded-For`` only for
proxies it trusts (``--forwarded-allow-ips``, by default 127.0.0.1). So either run the proxy
on the same host (trusted by default) or name it in ``FORWARDED_ALLOW_IPS``; otherwise all
clients share one bucket. Never trust forwarded headers from everyone: a client could then
pick a new address for every request.

A request the endpoint refuses as too big, too deep or too slow costs its client more
(``charge``): a script that keeps sending them is slowed to one every few seconds, while a
client whose queries are answered never notices.
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT_PATHS = frozenset(("/health",))
#: buckets kept before idle ones go (refilled to full, so forgetting them changes nothing)
PRUNE_AT = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


def client_key(scope: Scope) -> str:
    """The address a client is known by, for the rate limit and the per-client query cap
    alike (one place to change when a trusted proxy's forwarded address should count)."""
    client = scope.get("client")
    return client[0] if client else ""


class RateLimit:
    """ASGI middleware: ``per_minute`` requests a minute per client after a ``burst``."""

    def __init__(self, app: ASGIApp, *, per_minute: int, burst: int) -> None:
        self.app = app
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.buckets: dict[str, _Bucket] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        key = client_key(scope)
        wait = self.take(key)
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            response = PlainTextResponse(
                f"too many requests from your address: try again in {retry} s\n",
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

    def take(self, key: str, now: float | None = None) -> float:
        """Spend a token of ``key``'s bucket: 0 if there was one, else seconds to wait."""
        now = time.monotonic() if now is None else now
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= PRUNE_AT:
                self._prune(now)
            bucket = self.buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def spend(self, key: str, tokens: float) -> None:
        """Take ``tokens`` more from ``key``'s bucket, into debt down to minus a burst (so
        the wait it earns is bounded: the refill time of one burst, and a request)."""
        bucket = self.buckets.get(key)
        if bucket is not None:
            bucket.tokens = max(-self.burst, bucket.tokens - tokens)

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled; if too many are still active (addresses are
        cheap in IPv6), forget them all: memory stays bounded, and only the rate is lost."""
        self.buckets = {
            key: b
            for key, b in self.buckets.items()
            if now - b.updated < (self.burst - b.tokens) / self.rate
        }
        if len(self.buckets) >= PRUNE_AT:
            self.buckets.clear()


#: the limiter and client of the request being handled, for ``charge``
_CURRENT: ContextVar[tuple[RateLimit, str] | None] = ContextVar("bomay_rate", default=None)


def charge(tokens: float) -> None:
    """Take ``tokens`` more from the bucket of the client being answered (nothing outside
    a request, or when rate limiting is off)."""
    current = _CURRENT.get()
    if current is not None:
        limiter, key = current
        limiter.spend(key, tokens)
