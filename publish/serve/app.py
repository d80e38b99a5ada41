"""The FastAPI application factory: nothing is built at import time.

``create_app(settings)`` opens the current release and starts the query workers in the
lifespan, so tests can run several apps with different limits side by side.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pyoxigraph as ox
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from publish import __version__
from publish.serve import pages, resources, sparql
from publish.serve.deps import State, StateDep
from publish.serve.execute import Answer, Job
from publish.serve.metrics import Metrics
from publish.serve.pages import DumpFiles, dump_types
from publish.serve.workers import PoolBusyError, QueryPool, QueryTimeoutError, WorkerLostError
from publish.settings import Settings
from publish.store import open_release, store_spec

log = logging.getLogger("bomay.serve")


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        release = open_release(settings)  # refuses to start without a release
        # a remote store needs the network: its workers cannot be isolated (see remote_store)
        remote = settings.store == "remote"
        pool = QueryPool(
            store_spec(settings, release),
            workers=settings.query_workers,
            max_waiting=settings.max_queued_queries,
            isolate=settings.isolate_query_workers and not remote,
            memory_mb=settings.worker_memory_mb,
        )
        await pool.start()
        if settings.isolate_query_workers and not remote and not pool.isolated:
            await pool.close()
            raise RuntimeError(
                "query workers could not be cut off the network (unshare was refused); "
                "refusing to start. Set BOMAY_ISOLATE_QUERY_WORKERS=false to run with the "
                "query checker as the only guard against SERVICE"
            )
        app.state.bomay = State(settings, release.manifest, release.folder, pool, Metrics())
        app.mount("/dumps", DumpFiles(release.folder, dump_types(release.manifest)), name="dumps")
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="bomay", version=__version__, lifespan=lifespan, docs_url="/api")
    # Public, read-only data: any origin may read it; no credentials are ever honoured.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Bomay-Results-Truncated", "Retry-After"],
    )
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(PoolBusyError, _busy)
    app.add_exception_handler(QueryTimeoutError, _unavailable)
    app.add_exception_handler(WorkerLostError, _unavailable)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(resources.router)

    @app.get("/health")
    async def health(state: StateDep) -> dict[str, str | bool]:
        """Healthy when a worker answers a query against the store."""
        job = Job("ASK { ?s ?p ?o }", ox.QueryResultsFormat.JSON.media_type, 1)
        try:
            answer = await state.pool.run(job, state.settings.query_timeout_s)
            status = "ok" if isinstance(answer, Answer) else "failing"
        except PoolBusyError:
            status = "busy"  # alive and working at capacity: not a reason to restart it
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


async def _busy(request: Request, error: Exception) -> Response:
    return PlainTextResponse(
        "too many queries at once: try again shortly\n", 429, headers={"Retry-After": "1"}
    )


async def _unavailable(request: Request, error: Exception) -> Response:
    return PlainTextResponse(f"{error}\n", 503)


async def _unexpected(request: Request, error: Exception) -> Response:
    """A bug: the log gets the traceback, the client a message without internals."""
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return PlainTextResponse("internal error: it has been logged\n", 500)
