"""The FastAPI application factory: nothing is built at import time.

``create_app(settings)`` opens the current release and starts the query workers in the
lifespan, so tests can run several apps with different limits side by side.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pyoxigraph as ox
from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from publish import __version__
from publish.serve import browse, dumps, errors, lookup, pages, query_ui, resources, sparql
from publish.serve.deps import StateDep
from publish.serve.execute import Answer, Job
from publish.serve.fairness import ClientBusyError, QueriesPerClient
from publish.serve.i18n import RememberLanguage
from publish.serve.line import PoolBusyError
from publish.serve.metrics import Metrics
from publish.serve.ratelimit import QueryBudget
from publish.serve.switch import ReleaseWatcher, serve_current
from publish.serve.verified import AfterCheck, ReleaseCheck
from publish.serve.workers import QueryTimeoutError, WorkerLostError
from publish.settings import Settings


def create_app(settings: Settings, check: ReleaseCheck | None = None) -> FastAPI:
    """The service; ``check``: the serve command's check of the release's files, which
    routes other than the queries' wait for (``verified``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.bomay, lock = await serve_current(settings, Metrics())
        # all that start-up made (modules, app, state) lives as long as the server: keep the
        # collector off it, else each full collection walks it all and stalls every request
        # (95 ms every ~20 s under bench/abuse.py's ordinary load; 7 ms at most with this)
        gc.freeze()
        watcher = ReleaseWatcher(app, settings, lock)
        watching = asyncio.get_running_loop().create_task(watcher.run())
        try:
            yield
        finally:
            watching.cancel()
            await watcher.close()
            await app.state.bomay.pool.close()

    app = FastAPI(title="bomay", version=__version__, lifespan=lifespan, docs_url="/api")
    app.add_middleware(AfterCheck, check=check)
    app.add_middleware(QueriesPerClient, per_client=settings.max_queries_per_client)
    # added first, so CORS wraps it: a browser can read the 429 too
    app.add_middleware(
        QueryBudget,
        per_minute_s=settings.query_time_per_minute_s,
        burst_s=settings.query_time_burst_s,
        request_cost_s=settings.request_cost_s,
    )
    # Public, read-only data: any origin may read it; no credentials are ever honoured.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Bomay-Results-Truncated", "Retry-After"],
    )
    app.add_middleware(RememberLanguage)
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(pages.router)  # before the mount: /dumps/ itself is a page
    app.include_router(resources.router)
    app.include_router(dumps.router)
    app.include_router(query_ui.router)
    app.include_router(lookup.router)
    app.include_router(browse.router)
    app.mount("/static", StaticFiles(directory=query_ui.STATIC), name="static")
    app.mount("/dumps", dumps.current_dumps, name="dumps")

    @app.get("/health")
    async def health(state: StateDep) -> dict[str, str | bool]:
        """Healthy when a worker answers a query against the store."""
        job = Job("ASK { ?s ?p ?o }", ox.QueryResultsFormat.JSON.media_type, 1)
        try:
            answer = await state.run(job)
            status = "ok" if isinstance(answer, Answer) else "failing"
        except (PoolBusyError, ClientBusyError):
            # alive and working at capacity (or the monitor's address has queries in flight):
            # not a reason to restart it, and never a 429 for a monitor
            status = "busy"
        except (QueryTimeoutError, WorkerLostError):
            status = "failing"
        return {
            "status": status,
            "release": state.release_id,
            "network_isolated": state.pool.isolated,
        }

    @app.get("/metrics")
    async def metrics(state: StateDep) -> Response:
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
