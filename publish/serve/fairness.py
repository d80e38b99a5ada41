"""A per-client cap on queries in flight, so that a few clients cannot starve the others.

The rate limiter counts requests, not their cost: a client that sends one cross product or
regex bomb after another stays well under any sane rate, yet each query holds a worker for
up to the time limit. With a handful of such clients every worker is taken, the waiting line
fills with everybody else's cheap queries and they get 429. So each client address may have
at most ``max_queries_per_client`` queries running or waiting at once; beyond that it gets
429 with ``Retry-After`` at once, and the other clients keep their share of the workers.

The middleware notes which client a request comes from (with or without a cap: the
pool's waiting line is fair between clients, ``line``) (keyed on the address as
uvicorn reports it, like the query-time budget: see ``ratelimit`` for proxies). Every handler
runs its queries through ``run_query``, which claims a slot of the client first, then charges
the time the query held its worker to the client's budget; so every page that queries is
counted, and nothing that does not query (dumps, static files) is.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

from publish.serve.execute import Answer, Failure, Job
from publish.serve.ratelimit import charge, client_key
from publish.serve.workers import QueryPool, QueryTimeoutError


class ClientBusyError(Exception):
    """This client already has as many queries in flight as it may."""


class QueriesPerClient:
    """ASGI middleware: remembers the client of each request for ``query_slot``."""

    def __init__(self, app: ASGIApp, *, per_client: int) -> None:
        self.app = app
        self.per_client = per_client
        self.in_flight: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _CLIENT.set((self, client_key(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            _CLIENT.reset(token)

    @contextlib.contextmanager
    def slot(self, key: str) -> Iterator[None]:
        if self.per_client <= 0:  # no cap: the client is still known, for the fair line
            yield
            return
        if self.in_flight[key] >= self.per_client:
            raise ClientBusyError(
                f"your address already has {self.per_client} queries running or waiting: "
                "wait for an answer before sending more"
            )
        self.in_flight[key] += 1
        try:
            yield
        finally:
            self.in_flight[key] -= 1
            if not self.in_flight[key]:
                del self.in_flight[key]  # the counter holds only clients with queries in flight


#: the cap and client of the request being handled (tasks it starts inherit it)
_CLIENT: ContextVar[tuple[QueriesPerClient, str] | None] = ContextVar("bomay_client", default=None)


@contextlib.contextmanager
def query_slot() -> Iterator[str]:
    """Hold one of the current client's query slots (raise ``ClientBusyError`` if none is
    free), and give its address; outside a request (the server's own start-up queries)
    there is no cap, and the client is ""."""
    current = _CLIENT.get()
    if current is None:
        yield ""
        return
    cap, key = current
    with cap.slot(key):
        yield key


async def run_query(pool: QueryPool, job: Job, timeout_s: float) -> Answer | Failure:
    """Run ``job`` for the client being answered: one of its slots first (its 429 must not
    touch the pool), then the worker time the query used charged to its budget, or the time
    limit for a query stopped at it, or the time it held a worker that died or was left."""
    with query_slot() as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            outcome = await pool.run(job, timeout_s, client)
        except QueryTimeoutError:
            charge(timeout_s)
            raise
        except BaseException:
            charge(loop.time() - started)
            raise
        charge(outcome.seconds)
        return outcome
