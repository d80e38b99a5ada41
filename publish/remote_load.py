"""Load a built release into a remote SPARQL server with the Graph Store Protocol.

The release is the unit of deployment: every named graph is replaced whole (one ``PUT``
each, so blank nodes keep their identity within their graph), then a marker graph records
which release the server now holds. Servers started with ``BOMAY_STORE=remote`` check the
marker and refuse to serve another release than their own; a load that stopped half-way
leaves the old marker, so nothing mismatched is ever served.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from publish.rdf import serialize
from publish.remote_store import RELEASE_GRAPH, RELEASE_ID, RemoteStoreError
from publish.store import Release, release_graphs

if TYPE_CHECKING:  # imported where it is used: ``bomay serve`` starts without it
    import httpx


def load_release(
    release: Release,
    graph_store: str,
    auth: httpx.Auth | None,
    *,
    timeout_s: float,
    progress: Callable[[str, int], None] = lambda _g, _n: None,
) -> int:
    """PUT each named graph of ``release`` to ``graph_store``; return the triples sent."""
    import httpx  # noqa: PLC0415 - see the import above

    store = ox.Store.read_only(str(release.folder / "store"))
    sent = 0
    with httpx.Client(auth=auth, timeout=timeout_s, follow_redirects=False) as client:
        for graph in release_graphs(release.manifest):
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            ]
            _put(client, graph_store, graph, serialize(triples, ox.RdfFormat.N_TRIPLES))
            sent += len(triples)
            progress(graph, len(triples))
        marker = ox.Triple(
            ox.NamedNode(RELEASE_GRAPH), ox.NamedNode(RELEASE_ID), ox.Literal(release.folder.name)
        )
        _put(client, graph_store, RELEASE_GRAPH, serialize([marker], ox.RdfFormat.N_TRIPLES))
    return sent


DEADLOCK_RETRIES = 3


def _put(client: httpx.Client, graph_store: str, graph: str, body: bytes) -> None:
    """PUT one graph; a transaction the server reports as deadlocked (Virtuoso's SQLSTATE
    40001, which its documentation says to retry) is sent again, a bounded number of times."""
    for _attempt in range(DEADLOCK_RETRIES):
        response = client.put(
            graph_store,
            params={"graph": graph},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
        if response.status_code != 500 or "40001" not in response.text:
            break
    if response.status_code not in (200, 201, 204):
        raise RemoteStoreError(
            f"{graph_store} refused graph {graph}: {response.status_code} {response.text[:300]}"
        )
