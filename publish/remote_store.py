"""A ``SparqlStore`` that asks a SPARQL 1.1 server over HTTP (query only).

For a release too large for one machine's embedded store, bomay's pages, negotiation and
limits run unchanged in front of a big engine (tested with Virtuoso open source). The
server only ever talks to the one configured endpoint, never follows redirects, and reads
at most ``max_bytes`` of an answer within the query time limit.

Three things keep the remote engine's own extensions out of reach of a user's query:

- the query is parsed by pyoxigraph first, so only standard SPARQL 1.1 goes out (no
  engine pragmas such as Virtuoso's ``DEFINE``), with the same syntax errors as the
  embedded store;
- IRIs in the namespaces of Virtuoso's built-in functions (``bif:``, ``sql:``, which can
  reach files and URLs) are refused, like ``SERVICE`` is;
- a graph a query or the protocol names is sent only if the release has it; a dataset of
  graphs the release lacks is empty and answered here, so no IRI a user writes is ever
  looked up as a graph by the engine.

With ``dataset="named"`` every request names the release's graphs: the default graph is
exactly their union and ``GRAPH ?g`` ranges over them only, hiding the engine's own
graphs. Virtuoso 7.2 answers property paths joined with other patterns with nothing when a
dataset is named, so with ``dataset="engine"`` the union default graph is left to the
engine (Virtuoso's own small schema graphs are then visible too).

Engines differ in how they write results; Virtuoso writes ``typed-literal``, booleans as
``1``, blank nodes as ``nodeID://…``, ASK as a row binding ``__ASK_RETVAL`` and a
``SELECT *`` with no variable as ``_star_fake``, so JSON answers are normalised before
pyoxigraph parses them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

SELECT_MEDIA_TYPE = "application/sparql-results+json"
GRAPH_MEDIA_TYPE = "application/n-triples"
#: The graph where a loader writes which release the remote holds (written last).
RELEASE_GRAPH = "urn:x-bomay:release"
RELEASE_ID = "urn:x-bomay:release-id"
STAR_FAKE = "_star_fake"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_EXTENSIONS = re.compile(r"bif\s*[:#]|sql\s*[:#]|openlinksw", re.IGNORECASE)
_BASE = re.compile(r"\bBASE\s*<", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class RemoteStoreError(OSError):
    """The remote server failed, answered too much or too late (a 502 for the client)."""


@dataclass(frozen=True)
class RemoteSpec:
    """What a query worker needs to open the remote store (it is sent to the process)."""

    endpoint: str
    graphs: tuple[str, ...]
    release_id: str
    timeout_s: float
    max_bytes: int
    dataset: Literal["named", "engine"] = "named"


class RemoteStore:
    def __init__(self, spec: RemoteSpec) -> None:
        self._spec = spec
        self._graphs = frozenset(spec.graphs)
        import httpx  # noqa: PLC0415 - only a remote store needs it: serve starts 0.1 s sooner

        self._client = httpx.Client(timeout=spec.timeout_s, follow_redirects=False)
        self._http_error = httpx.HTTPError
        self._check_release()

    def _check_release(self) -> None:
        """Refuse to serve a remote that holds another release than ours (or none)."""
        triple = f"<{RELEASE_GRAPH}> <{RELEASE_ID}> {json.dumps(self._spec.release_id)}"
        marker = f"ASK {{ GRAPH <{RELEASE_GRAPH}> {{ {triple} }} }}"
        if not _boolean(json.loads(self._post({"query": [marker]}, SELECT_MEDIA_TYPE))):
            raise RemoteStoreError(
                f"{self._spec.endpoint} does not hold release {self._spec.release_id}: "
                "load it first with `bomay load-remote`"
            )

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        if _EXTENSIONS.search(_unescape(sparql)):
            raise ValueError("engine-specific functions (bif:, sql:) are not allowed")
        try:  # a syntax check only: pyoxigraph evaluates lazily, and the store is empty
            parsed = ox.Store().query(sparql, base_iri=base_iri)
        except RuntimeError as error:  # e.g. a function pyoxigraph does not know: refuse it
            raise ValueError(str(error)) from error
        # the engine resolves relative IRIs against the same base, unless the query names
        # its own (Virtuoso refuses a second BASE)
        based = base_iri is not None and _BASE.search(sparql) is None
        params = {"query": [f"BASE <{base_iri}>\n{sparql}" if based else sparql]}
        if default_graphs is not None or named_graphs is not None:
            dataset = self._dataset(default_graphs or (), named_graphs or ())
            if dataset is None:  # no graph of the release: the empty dataset's answer
                return parsed
            params["default-graph-uri"], params["named-graph-uri"] = dataset
        elif self._spec.dataset == "named":
            params["default-graph-uri"] = params["named-graph-uri"] = sorted(self._graphs)
        if isinstance(parsed, ox.QueryTriples):
            return _triples(self._post(params, GRAPH_MEDIA_TYPE))
        document = json.loads(self._post(params, SELECT_MEDIA_TYPE))
        if isinstance(parsed, ox.QueryBoolean):
            document = {"head": {}, "boolean": _boolean(document)}
        else:
            _normalise(document)
        return ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)

    def _dataset(
        self, default: Sequence[str], named: Sequence[str]
    ) -> tuple[list[str], list[str]] | None:
        """The graphs to name, or None when none is in the release (the dataset is empty).

        A graph the release lacks cannot be sent as an empty one: an engine may drop a
        graph it does not know and fall back to the query's own FROM. So a dataset mixing
        graphs of the release with others is refused rather than guessed at.
        """
        unknown = [g for g in (*default, *named) if g not in self._graphs]
        if len(unknown) == len(default) + len(named):
            return None
        if unknown:
            raise ValueError(f"graph <{unknown[0]}> is not in this release")
        return list(default), list(named)

    def _post(self, params: dict[str, list[str]], accept: str) -> bytes:
        """One request to the endpoint, read up to the size cap."""
        chunks, size = [], 0
        try:
            with self._client.stream(
                "POST", self._spec.endpoint, data=params, headers={"Accept": accept}
            ) as response:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._spec.max_bytes:
                        raise RemoteStoreError(
                            f"the remote answer is larger than {self._spec.max_bytes} bytes"
                        )
                    chunks.append(chunk)
                status = response.status_code
                partial = response.headers.get("x-sql-state")  # Virtuoso's "anytime" answers
        except self._http_error as error:
            raise RemoteStoreError(f"the remote store did not answer: {error}") from error
        body = b"".join(chunks)
        if status == 400:  # the engine refused the query: the client may fix it
            raise ValueError(body.decode("utf-8", "replace")[:500])
        if status != 200:
            raise RemoteStoreError(f"the remote store answered {status}")
        if partial:  # cut at the engine's own time limit: incomplete, never served as whole
            raise RemoteStoreError(f"the remote store stopped the query early ({partial})")
        return body


def _unescape(text: str) -> str:
    """Decode \\u escapes first, as SPARQL does, so that no escape hides a name."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _triples(body: bytes) -> ox.QueryTriples:
    """N-Triples from the engine as pyoxigraph's CONSTRUCT result type."""
    store = ox.Store()
    store.bulk_extend(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    if not isinstance(result, ox.QueryTriples):  # pragma: no cover - a CONSTRUCT gives triples
        raise TypeError("CONSTRUCT did not give triples")
    return result


def _boolean(document: dict[str, Any]) -> bool:
    """An ASK answer; Virtuoso 7 writes it as one row binding ``__ASK_RETVAL`` to 0 or 1."""
    if "boolean" in document:
        return bool(document["boolean"])
    rows = document.get("results", {}).get("bindings", [])
    return any(row.get("__ASK_RETVAL", {}).get("value") not in (None, "0") for row in rows)


def _normalise(document: dict[str, Any]) -> None:
    """SPARQL JSON results as the standard writes them (Virtuoso's dialect is looser)."""
    head = document.get("head", {})
    if head.get("vars") == [STAR_FAKE]:
        head["vars"] = []
    for row in document.get("results", {}).get("bindings", []):
        row.pop(STAR_FAKE, None)
        for term in row.values():
            _normalise_term(term)


def _normalise_term(term: dict[str, Any]) -> None:
    if term.get("type") == "typed-literal":
        term["type"] = "literal"
    if term.get("datatype") == XSD_BOOLEAN and term["value"] in ("0", "1"):
        term["value"] = "true" if term["value"] == "1" else "false"
    if term.get("type") == "bnode":
        term["value"] = "b" + hashlib.sha256(term["value"].encode()).hexdigest()[:24]
