"""What a worker process does with one query: evaluate it and write the answer, capped.

Runs inside the worker processes (never in the server process), so that a runaway query
can be stopped by killing its process. At most ``max_rows`` rows are written (one more means
the answer was cut), and an answer that would pass ``max_bytes`` loses rows until it fits;
either way it is marked truncated. SELECT rows go straight into the requested format as they
come (``results``); graphs and booleans are written by pyoxigraph's own writers.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import pyoxigraph as ox

from publish.remote_store import RemoteStoreError
from publish.serve import results
from publish.store import SparqlStore

Row = TypeVar("Row")


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str  # of the answer: a SPARQL results format or an RDF format
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_bytes: int | None = None  # of the answer's body; None for the service's own queries
    base_iri: str | None = None  # what relative IRIs in the query resolve against
    truncated_link: str | None = None  # the term a cut SELECT answer links to, if any


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    rows: int
    truncated: bool
    form: str
    seconds: float = 0.0  # of the worker's time: what the query cost


@dataclass(frozen=True)
class Failure:
    """The engine refused the query (syntax, evaluation); the message goes to the client."""

    message: str
    status: int = 400
    seconds: float = 0.0


def run(store: SparqlStore, job: Job) -> Answer | Failure:
    started = time.perf_counter()
    outcome = _run(store, job)
    return dataclasses.replace(outcome, seconds=time.perf_counter() - started)


def _run(store: SparqlStore, job: Job) -> Answer | Failure:
    try:
        result = store.query(
            job.query,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            base_iri=job.base_iri,
        )
        if isinstance(result, ox.QueryBoolean):
            fmt = ox.QueryResultsFormat.from_media_type(job.media_type)
            return Answer(_bytes(result.serialize(format=fmt)), job.media_type, 1, False, "ASK")
        if isinstance(result, ox.QueryTriples):
            return _triples(result, job)
        written = results.write(
            result, job.media_type, job.max_rows, job.max_bytes, job.truncated_link
        )
        return Answer(written.body, job.media_type, written.rows, written.truncated, "SELECT")
    except RemoteStoreError as error:
        return Failure(str(error), 502)
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        # RuntimeError: pyoxigraph refuses what it cannot evaluate (an unknown function);
        # ValueError: a term the results formats cannot carry (results.UnsupportedTermError)
        return Failure(str(error))


def _triples(result: ox.QueryTriples, job: Job) -> Answer:
    triples = list(islice(result, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    body, kept = _fit(
        triples[: job.max_rows], lambda part: _bytes(ox.serialize(part, format=fmt)), job.max_bytes
    )
    return Answer(body, job.media_type, kept, truncated or kept < len(triples), "CONSTRUCT")


def _fit(
    rows: Sequence[Row], write: Callable[[Sequence[Row]], bytes], max_bytes: int | None
) -> tuple[bytes, int]:
    """The body of the first rows that fits in ``max_bytes``, and how many rows it holds.

    Each retry keeps the share of rows that would fit if rows were of equal size, and at
    least one row fewer, so a few serialisations reach a body that fits.
    """
    kept = len(rows)
    body = write(rows)
    while max_bytes is not None and len(body) > max_bytes and kept > 0:
        kept = min(kept - 1, kept * max_bytes // len(body))
        body = write(rows[:kept])
    return body, kept


def _bytes(data: bytes | None) -> bytes:
    return data if data is not None else b""
