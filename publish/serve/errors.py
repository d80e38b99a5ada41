"""Every refusal and failure of the service, answered in one place.

Handlers raise; this module turns each exception into its status, headers and a plain
message, and counts it in ``bomay_refusals_total`` by reason. A bug is logged with its
traceback and answered 500 with a message that says nothing about the internals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from publish.serve.checks import QueryRefusedError
from publish.serve.fairness import ClientBusyError
from publish.serve.line import PoolBusyError
from publish.serve.negotiate import NotAcceptableError
from publish.serve.render import render
from publish.serve.workers import QueryTimeoutError, WorkerLostError

log = logging.getLogger("bomay.errors")
RETRY = {"Retry-After": "1"}


class ProtocolError(Exception):
    """A request the SPARQL protocol does not allow (parameters, body, size, type)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class EngineError(Exception):
    """The engine refused a query (syntax, evaluation): its message goes to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ClientGoneError(Exception):
    """The client hung up before its answer was ready."""


class NotFoundError(Exception):
    """Nothing of this release is at this path."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is not in this dataset")
        self.path = path


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str  # the label of bomay_refusals_total
    headers: dict[str, str]


def answer(error: Exception) -> Answer:
    """How the service answers ``error``."""
    match error:
        case ProtocolError():
            return Answer(error.status, "protocol", error.headers)
        case QueryRefusedError():
            return Answer(error.status, "refused", {})
        case NotAcceptableError():
            return Answer(406, "not-acceptable", {})
        case EngineError():
            return Answer(error.status, "engine", {})
        case PoolBusyError():
            return Answer(429, "busy", RETRY)
        case ClientBusyError():
            return Answer(429, "client-busy", RETRY)
        case QueryTimeoutError():
            return Answer(503, "timeout", {})
        case WorkerLostError():
            return Answer(503, "worker-lost", {})
        case ClientGoneError():
            return Answer(499, "disconnected", {})
        case NotFoundError():
            return Answer(404, "not-found", {})
    return Answer(500, "internal", {})


async def _refused(request: Request, error: Exception) -> Response:
    result = answer(error)
    state = getattr(request.app.state, "bomay", None)
    if state is not None:
        state.metrics.refusals.labels(reason=result.reason).inc()
        if result.reason == "timeout":
            state.metrics.timeouts.inc()
    log.info("refused (%s, %d): %s", result.reason, result.status, error)
    if isinstance(error, NotFoundError) and state is not None and _wants_html(request):
        html = render("error.html", request, state, status=404, path=error.path)
        return HTMLResponse(html, status_code=404)
    return PlainTextResponse(f"{error}\n", result.status, headers=result.headers)


async def _unexpected(request: Request, error: Exception) -> Response:
    """A bug: the log gets the traceback, the client a message without internals."""
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return PlainTextResponse("internal error: it has been logged\n", 500)


def _wants_html(request: Request) -> bool:
    return "text/html" in (request.headers.get("accept") or "")


HANDLED = (
    ProtocolError, QueryRefusedError, NotAcceptableError, EngineError, PoolBusyError,
    ClientBusyError, QueryTimeoutError, WorkerLostError, ClientGoneError, NotFoundError,
)  # fmt: skip


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    for kind in HANDLED:
        app.add_exception_handler(kind, _refused)
    app.add_exception_handler(Exception, _unexpected)
