"""The remote store: what only a bomay in front of Virtuoso must show.

A real Virtuoso open source server is started in a temporary folder, the session's release
is remote_loaded into it with `bomay load-remote`, and a real `bomay serve` with
``BOMAY_STORE=remote`` answers (the ``remote_*`` fixtures of conftest). The competency
questions and the endpoint's protocol tests run against it too, from their own modules,
through the ``stores`` parameter.
"""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

import virtuoso
from conftest import REMOTE, in_flight, wait_until
from launch import ServerDidNotStartError, running_server
from publish.remote_store import RELEASE_GRAPH, RELEASE_ID
from publish.store import Release, release_graphs

pytestmark = REMOTE
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"


def get(server: str, query: str) -> httpx.Response:
    return httpx.get(f"{server}/sparql", params={"query": query}, timeout=30)


def test_named_dataset_hides_the_engine_graphs(
    remote_loaded: dict[str, str], release: Release
) -> None:
    """With the release's graphs named, Virtuoso's own graphs (virtrdf, ldp…) stay out."""
    with running_server({**remote_loaded, "BOMAY_REMOTE_DATASET": "named"}) as server:
        seen: set[str] = set()
        graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 40 OFFSET "
        for offset in range(0, 400, 40):  # in pages: more graphs than a result may have rows
            rows = get(server, f"{graphs}{offset}").json()["results"]["bindings"]
            seen |= {b["g"]["value"] for b in rows}
            if len(rows) < 40:
                break
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        n = get(server, count).json()["results"]["bindings"][0]["n"]["value"]
        engine_graph = get(server, "SELECT * FROM <http://www.w3.org/ns/ldp#> { ?s ?p ?o }")
    assert seen == set(release_graphs(release.manifest))
    assert int(n) == sum(int(row["n"]) for row in release.manifest["stats"]["graphs"])
    assert engine_graph.status_code == 200
    assert engine_graph.json()["results"]["bindings"] == []


def test_a_named_graph_is_only_that_graph(remote_server: str, release: Release) -> None:
    graph = "https://w3id.org/bomay/graph/ontology"
    count = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    n = get(remote_server, count).json()["results"]["bindings"][0]["n"]["value"]
    expected = next(r["n"] for r in release.manifest["stats"]["graphs"] if r["g"] == graph)
    assert int(n) == expected


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX bif: <bif:> SELECT * WHERE { BIND(bif:getenv('HOME') AS ?x) }",
        "SELECT * WHERE { BIND(<http://www.openlinksw.com/schemas/bif#getenv>('HOME') AS ?x) }",
        "SELECT * WHERE { BIND(<sql\\u003Agetenv>('HOME') AS ?x) }",
        'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }',
    ],
)
def test_engine_extensions_are_refused(remote_server: str, query: str) -> None:
    response = get(remote_server, query)
    assert response.status_code == 400, response.text


def test_runaway_query_is_stopped_while_others_are_served(remote_server: str) -> None:
    """As in test_endpoint, but the engine may stop it first at its own limit (502)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(get, remote_server, CROSS)
        wait_until(lambda: in_flight(remote_server) >= 1, "the runaway query is in flight")
        quick = get(remote_server, "ASK { ?s ?p ?o }")
        stopped = slow.result()
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert stopped.status_code in (502, 503), stopped.text
    assert httpx.get(f"{remote_server}/health", timeout=30).json()["status"] in ("ok", "busy")


def test_a_server_refuses_another_release(remote_loaded: dict[str, str], release: Release) -> None:
    """A replica only serves the release it was built for: the marker must match."""
    marker = f"<{RELEASE_GRAPH}> <{RELEASE_ID}> "

    def mark(release_id: str) -> None:
        response = httpx.put(
            remote_loaded["BOMAY_REMOTE_GRAPH_STORE"],
            params={"graph": RELEASE_GRAPH},
            content=f'{marker}"{release_id}" .\n'.encode(),
            headers={"Content-Type": "application/n-triples"},
            auth=httpx.DigestAuth(*virtuoso.DBA),
            timeout=30,
        )
        assert response.status_code in (200, 201, 204), response.text

    mark("2000-01-01-another")
    ask = f'ASK {{ GRAPH <{RELEASE_GRAPH}> {{ {marker}"2000-01-01-another" }} }}'
    for _ in range(60):  # the engine may apply the PUT after answering it
        answer = httpx.post(
            remote_loaded["BOMAY_REMOTE_ENDPOINT"], data={"query": ask}, timeout=30,
            headers={"Accept": "application/sparql-results+json"},
        )  # fmt: skip
        if '"value": "1"' in answer.text or '"boolean": true' in answer.text:
            break
        time.sleep(0.5)
    try:
        with (
            pytest.raises(ServerDidNotStartError, match="does not hold release"),
            running_server(remote_loaded, start_timeout_s=120),
        ):
            pass
    finally:
        mark(release.folder.name)
    down = {**remote_loaded, "BOMAY_REMOTE_ENDPOINT": "http://127.0.0.1:9/sparql"}
    with (
        pytest.raises(ServerDidNotStartError, match="did not answer"),
        running_server(down, start_timeout_s=120),
    ):
        pass
