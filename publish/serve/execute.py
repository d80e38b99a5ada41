"""What a worker process does with one query: evaluate it and write the answer, capped.

Runs inside the worker processes (never in the server process), so that a runaway query
can be stopped by killing its process. Rows stop at ``max_rows + 1``: one more tells us the
answer was cut. The kept rows are written as SPARQL JSON results and handed to pyoxigraph's
own parser and writers, so every output format is pyoxigraph's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from publish.remote_store import RemoteStoreError
from publish.store import SparqlStore


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str  # of the answer: a SPARQL results format or an RDF format
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


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
            job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs
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
    kept = triples[: job.max_rows]
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    body = _bytes(ox.serialize(kept, format=fmt))
    return Answer(body, job.media_type, len(kept), truncated, "CONSTRUCT")


def _solutions(result: ox.QuerySolutions, job: Job) -> Answer:
    names = [v.value for v in result.variables]
    rows = list(islice(result, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    kept = rows[: job.max_rows]
    document = {
        "head": {"vars": names},
        "results": {
            "bindings": [
                {n: _json_term(row[n]) for n in names if row[n] is not None} for row in kept
            ]
        },
    }
    capped = ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)
    fmt = ox.QueryResultsFormat.from_media_type(job.media_type)
    return Answer(
        _bytes(capped.serialize(format=fmt)), job.media_type, len(kept), truncated, "SELECT"
    )


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
