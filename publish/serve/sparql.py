"""The SPARQL 1.1 Protocol endpoint, one small step per function.

request → ``read_request`` (GET / form POST / direct POST, parameters, UTF-8, size)
        → ``check_query`` (forms, SERVICE, updates, nesting; before any evaluation)
        → ``choose`` (media type) → ETag / 304 → ``State.run`` (time limit, row cap)
        → response with caching, truncation and CORS headers.

Every refusal is raised and answered by ``errors``. Relative IRIs in a query resolve
against the dataset's base IRI (``BOMAY_BASE_IRI``), so ``<id/agency/…>`` names a resource.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from publish.rdf import serialize
from publish.serve import results
from publish.serve.checks import check_query
from publish.serve.deps import State, StateDep
from publish.serve.description import service_description
from publish.serve.errors import ClientGoneError, EngineError, ProtocolError
from publish.serve.execute import Answer, Failure, Job
from publish.serve.negotiate import SERVICE, NotAcceptableError, best, choose

log = logging.getLogger("bomay.query")
router = APIRouter()
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
DISCONNECT_POLL_S = 0.25
#: checked on the event loop up to this length: a dense query this long takes ~1.5 ms, and
#: the longest (64 KiB of escapes) ~15 ms, which goes to a thread
INLINE_CHECK_CHARS = 2048


@dataclass(frozen=True)
class Protocol:
    """What the client asked, whatever the HTTP shape of the request."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    fmt: str | None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"more than one '{name}' parameter")
    return values[0] if values else None


async def read_request(request: Request, max_bytes: int, body_timeout_s: float) -> Protocol:
    url_params = parse_qs(request.url.query, keep_blank_values=True)
    params = url_params
    direct_query: str | None = None
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if kind not in (FORM, DIRECT):
            raise ProtocolError(415, f"POST a query as {FORM} or {DIRECT}")
        body = await _body(request, max_bytes, body_timeout_s)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(400, "the request body is not UTF-8") from error
        if kind == FORM:
            params = {**url_params}
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params[name] = params.get(name, []) + values
        else:
            direct_query = text
            if "query" in url_params:
                raise ProtocolError(400, "a direct POST carries the query in the body only")
    if "update" in params and ("query" in params or direct_query is not None):
        raise ProtocolError(400, "a request carries a query or an update, not both")
    if "update" in params or "using-graph-uri" in params:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    query = direct_query if direct_query is not None else _one(params, "query")
    if query is not None and len(query.encode("utf-8")) > max_bytes:
        raise ProtocolError(413, f"the query is larger than {max_bytes} bytes")
    return Protocol(
        query=query,
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        fmt=_one(params, "format"),
    )


async def _body(request: Request, max_bytes: int, timeout_s: float) -> bytes:
    """The body, bounded in size and in time: a slow upload must not hold a request open."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + 4096:
        raise ProtocolError(413, f"the request body is larger than {max_bytes} bytes")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes + 4096:  # room for the form encoding around the query
                    raise ProtocolError(413, f"the request body is larger than {max_bytes} bytes")
                chunks.append(chunk)
    except TimeoutError as error:
        raise ProtocolError(
            408, f"the request body did not arrive within {timeout_s:g} s"
        ) from error
    return b"".join(chunks)


def _etag(release_id: str, protocol: Protocol, media_type: str) -> str:
    key = json.dumps(
        [release_id, protocol.query, protocol.default_graphs, protocol.named_graphs, media_type]
    )
    return '"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'


@router.api_route("/sparql", methods=["GET", "HEAD", "POST"])
async def sparql(request: Request, state: StateDep) -> Response:
    settings, metrics = state.settings, state.metrics
    started = time.perf_counter()
    protocol = await read_request(
        request, settings.max_query_bytes, settings.request_body_timeout_s
    )
    if protocol.query is None:
        if request.method == "POST" or protocol.default_graphs or protocol.named_graphs:
            raise ProtocolError(400, "no query: send a 'query' parameter")
        return _description(request, state, protocol)
    check = functools.partial(
        check_query,
        protocol.query,
        max_depth=settings.max_nesting_depth,
        max_tokens=settings.max_query_tokens,
    )
    # a linear scan: on the event loop when short, else in a thread (a thread hand-over
    # costs more than a short check, and a long check would stall every other request)
    inline = len(protocol.query) <= INLINE_CHECK_CHARS
    checked = check() if inline else await asyncio.to_thread(check)
    rdf = checked.form in ("CONSTRUCT", "DESCRIBE")
    media_type = choose(request.headers.get("accept"), protocol.fmt, rdf=rdf)
    headers = _cache_headers(state.release_id, protocol, media_type, settings.cache_max_age_s)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    default, named = _dataset(protocol, checked.from_graphs, checked.from_named_graphs)
    job = Job(
        protocol.query, media_type, settings.max_result_rows, default, named,
        max_bytes=settings.max_result_bytes, base_iri=settings.base_iri,
        truncated_link=state.iris.term(results.TRUNCATED),
    )  # fmt: skip
    result = await _run_while_connected(request, state, job)
    elapsed = time.perf_counter() - started
    metrics.duration.observe(elapsed)
    if isinstance(result, Failure):
        log.info("query failed in %.1f ms: %s", elapsed * 1000, result.message)
        raise EngineError(result.status, result.message)
    # DEBUG, not INFO: a log line cost 8 % of the server's time on a lookup (py-spy), and
    # /metrics counts and times every query already
    log.debug("query %s %d rows%s in %.1f ms", result.form, result.rows,
             " (truncated)" if result.truncated else "", elapsed * 1000)  # fmt: skip
    metrics.requests.labels(outcome="ok").inc()
    body = result.body  # a cut answer is marked in its body by the worker (results.py)
    if result.truncated:
        headers["Bomay-Results-Truncated"] = (
            f"true; limit={settings.max_result_rows}; max-bytes={settings.max_result_bytes}"
        )
    response_body = b"" if request.method == "HEAD" else body
    response = Response(response_body, media_type=result.media_type, headers=headers)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(body))
    return response


async def _run_while_connected(request: Request, state: State, job: Job) -> Answer | Failure:
    """Run the job, but stop it (and free its worker) as soon as the client hangs up."""
    task = asyncio.create_task(state.run(job))
    state.metrics.in_flight.inc()
    try:
        while not task.done():
            done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_S)
            if not done and await request.is_disconnected():
                task.cancel()  # the pool kills the worker and replaces it
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                raise ClientGoneError
        return task.result()
    finally:
        state.metrics.in_flight.dec()


def _dataset(
    protocol: Protocol, from_graphs: tuple[str, ...], from_named: tuple[str, ...]
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The RDF dataset of a query: protocol parameters, else FROM clauses, else the union.

    Graphs are only ever looked up in the release: a graph the release lacks is empty.
    """
    if protocol.default_graphs or protocol.named_graphs:
        return protocol.default_graphs, protocol.named_graphs
    if from_graphs or from_named:
        return from_graphs, from_named
    return None, None


def _cache_headers(
    release_id: str, protocol: Protocol, media_type: str, max_age: int
) -> dict[str, str]:
    return {
        "ETag": _etag(release_id, protocol, media_type),
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept",
    }


def _prefers_html(accept: str | None) -> bool:
    with contextlib.suppress(NotAcceptableError):  # then the description's own 406
        return best(SERVICE, accept) == "text/html"
    return False


def _description(request: Request, state: StateDep, protocol: Protocol) -> Response:
    """The Service Description; a browser, which asks for HTML first, goes to the editor."""
    if protocol.fmt is None and _prefers_html(request.headers.get("accept")):
        return RedirectResponse("/query", status_code=303)
    media_type = choose(request.headers.get("accept"), protocol.fmt, rdf=True)
    triples = service_description(state.settings, state.manifest)
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # pragma: no cover - choose() only offers formats pyoxigraph writes
        raise NotAcceptableError(())
    body = serialize(triples, fmt)
    headers = _cache_headers(state.release_id, protocol, media_type, state.settings.cache_max_age_s)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(
        b"" if request.method == "HEAD" else body, media_type=media_type, headers=headers
    )
