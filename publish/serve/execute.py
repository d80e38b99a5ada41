"""What a worker process does with one query: evaluate it and write the answer, capped.

Runs inside the worker processes (never in the server process), so that a runaway query
can be stopped by killing its process. Rows stop at ``max_rows + 1``: one more tells us the
answer was cut. A row cap alone does not bound the body (one row may hold a huge literal), so
an answer larger than ``max_bytes`` loses rows until it fits, and is marked truncated too.
The kept rows are written as SPARQL JSON results and handed to pyoxigraph's own parser and
writers, so every output format is pyoxigraph's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import pyoxigraph as ox

from publish.remote_store import RemoteStoreError
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


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    rows: int
    truncated: bool
    form: str


@dataclass(frozen=True)
class Failure:
    """The engine refused the query (syntax, evaluation); the message goes to the client."""

    message: str
    status: int = 400


def run(store: SparqlStore, job: Job) -> Answer | Failure:
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
        return _solutions(result, job)
    except RemoteStoreError as error:
        return Failure(str(error), 502)
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        # RuntimeError: pyoxigraph refuses what it cannot evaluate (an unknown function)
        return Failure(str(error))


def _triples(result: ox.QueryTriples, job: Job) -> Answer:
    triples = list(islice(result, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    body, kept = _fit(
        triples[: job.max_rows], lambda part: _bytes(ox.serialize(part, format=fmt)), job.max_bytes
    )
    return Answer(body, job.media_type, kept, truncated or kept < len(triples), "CONSTRUCT")


def _solutions(result: ox.QuerySolutions, job: Job) -> Answer:
    names = [v.value for v in result.variables]
    rows = list(islice(result, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    bindings = [
        {n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows[: job.max_rows]
    ]
    fmt = ox.QueryResultsFormat.from_media_type(job.media_type)

    def write(part: Sequence[dict[str, dict[str, str]]]) -> bytes:
        document = {"head": {"vars": names}, "results": {"bindings": part}}
        capped = ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)
        return _bytes(capped.serialize(format=fmt))

    body, kept = _fit(bindings, write, job.max_bytes)
    return Answer(body, job.media_type, kept, truncated or kept < len(rows), "SELECT")


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


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    """One term in the SPARQL 1.1 JSON results format (the input of pyoxigraph's parser)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    raise ValueError("quoted triples are not supported in results")


def _bytes(data: bytes | None) -> bytes:
    return data if data is not None else b""
