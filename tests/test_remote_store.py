"""The remote store: the same endpoint and competency tests, with Virtuoso behind bomay.

A real Virtuoso open source server is started in a temporary folder, the session's release
is loaded into it with `bomay load-remote`, and a real `bomay serve` with
``BOMAY_STORE=remote`` answers the tests imported below (they run here a second time,
against this module's ``server`` and ``select`` fixtures).
"""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import virtuoso
from test_competency import (  # noqa: F401 - collected again, over the remote store
    figures,
    test_cq01_an_lao_office,
    test_cq02_hai_phong_2018_pilot,
    test_cq03_kl34_districts_and_models,
    test_cq04_suspended_models,
    test_cq05_proposed_merger,
    test_cq06_directives,
    test_cq07_implements,
    test_cq08_quang_ninh_figures,
    test_cq09_province_of_001_figures,
    test_cq10_hai_phong_figures,
    test_cq11_meetings_people_posts,
    test_cq12_provenance_quote,
    test_cq13_hai_phong_agencies_have_units,
    test_cq14_timeline_is_ordered,
    test_signer_post_at_the_time,
)
from test_endpoint import (  # noqa: F401
    CROSS,
    SELECT_VI,
    get,
    test_accept_q_values_format_parameter_and_406,
    test_construct_formats,
    test_head_cors_etag_and_304,
    test_known_graph_as_dataset,
    test_metrics_and_health,
    test_never_fetches_a_url,
    test_protocol_errors_get,
    test_row_cap_is_signalled,
    test_select_formats_agree_and_keep_vietnamese,
    test_service_description,
    test_size_and_nesting_limits,
)

from conftest import QUERIES, server_env
from launch import ServerDidNotStartError, running_server
from publish.rdf import sparql_prologue
from publish.remote_store import RELEASE_GRAPH, RELEASE_ID
from publish.settings import Settings
from publish.store import Release, release_graphs

REMOTE_TIMEOUT_S = 6

pytestmark = pytest.mark.skipif(
    not virtuoso.installed(),
    reason="Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run does)",
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    with virtuoso.running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as running:
        yield running


def remote_env(settings: Settings, engine: virtuoso.Virtuoso) -> dict[str, str]:
    return {
        **server_env(settings),
        "BOMAY_STORE": "remote",
        "BOMAY_REMOTE_ENDPOINT": engine.sparql,
        "BOMAY_REMOTE_GRAPH_STORE": engine.graph_store,
        "BOMAY_REMOTE_USER": virtuoso.DBA[0],
        "BOMAY_REMOTE_PASSWORD": virtuoso.DBA[1],
        # Virtuoso 7.2 loses property-path answers when a dataset is named (docs/DEPLOY.md)
        "BOMAY_REMOTE_DATASET": "engine",
        # Virtuoso writes a whole answer before bomay cuts it (about 10K rows/s here), so the
        # full-scan test needs more than the embedded store's limit; the engine's own limit
        # (MaxQueryExecutionTime) stays above it, so bomay's is the one that fires
        "BOMAY_QUERY_TIMEOUT_S": str(REMOTE_TIMEOUT_S),
    }


def bomay(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("bomay")), *args]
    return subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def loaded(release: Release, settings: Settings, engine: virtuoso.Virtuoso) -> dict[str, str]:
    env = remote_env(settings, engine)
    result = bomay("load-remote", env=env)
    assert result.returncode == 0, result.stderr
    assert release.folder.name in result.stdout
    return env


@pytest.fixture(scope="module")
def server(loaded: dict[str, str]) -> Iterator[str]:
    with running_server(loaded) as url:
        yield url


@pytest.fixture(scope="module")
def select(server: str):  # type: ignore[no-untyped-def]
    """The competency tests' ``select``, over HTTP, through bomay, to Virtuoso."""

    def run(query: str) -> list[dict[str, str]]:
        if query.endswith(".rq"):
            query = QUERIES[query]
        response = httpx.post(
            f"{server}/sparql", data={"query": sparql_prologue() + query}, timeout=60
        )
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        return [{name: term["value"] for name, term in row.items()} for row in rows]

    return run


def test_named_dataset_hides_the_engine_graphs(loaded: dict[str, str], release: Release) -> None:
    """With the release's graphs named, Virtuoso's own graphs (virtrdf, ldp…) stay out."""
    with running_server({**loaded, "BOMAY_REMOTE_DATASET": "named"}) as server:
        graphs = get(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        seen = {b["g"]["value"] for b in graphs.json()["results"]["bindings"]}
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        n = get(server, count).json()["results"]["bindings"][0]["n"]["value"]
        engine_graph = get(server, "SELECT * FROM <http://www.w3.org/ns/ldp#> { ?s ?p ?o }")
    assert seen == set(release_graphs(release.manifest))
    assert int(n) == sum(int(row["n"]) for row in release.manifest["stats"]["graphs"])
    assert engine_graph.status_code == 200
    assert engine_graph.json()["results"]["bindings"] == []


def test_a_named_graph_is_only_that_graph(server: str, release: Release) -> None:
    graph = "https://w3id.org/bomay/graph/ontology"
    count = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    n = get(server, count).json()["results"]["bindings"][0]["n"]["value"]
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
def test_engine_extensions_are_refused(server: str, query: str) -> None:
    response = get(server, query)
    assert response.status_code == 400, response.text


def test_runaway_query_is_stopped_while_others_are_served(server: str) -> None:
    """As in test_endpoint, but the engine may stop it first at its own limit (502)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(get, server, CROSS)
        time.sleep(0.3)
        quick = get(server, "ASK { ?s ?p ?o }")
        stopped = slow.result()
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert stopped.status_code in (502, 503), stopped.text
    assert httpx.get(f"{server}/health", timeout=30).json()["status"] in ("ok", "busy")


def test_a_server_refuses_another_release(loaded: dict[str, str], release: Release) -> None:
    """A replica only serves the release it was built for: the marker must match."""
    marker = f"<{RELEASE_GRAPH}> <{RELEASE_ID}> "

    def mark(release_id: str) -> None:
        response = httpx.put(
            loaded["BOMAY_REMOTE_GRAPH_STORE"],
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
            loaded["BOMAY_REMOTE_ENDPOINT"], data={"query": ask}, timeout=30,
            headers={"Accept": "application/sparql-results+json"},
        )  # fmt: skip
        if '"value": "1"' in answer.text or '"boolean": true' in answer.text:
            break
        time.sleep(0.5)
    try:
        with (
            pytest.raises(ServerDidNotStartError, match="does not hold release"),
            running_server(loaded, start_timeout_s=120),
        ):
            pass
    finally:
        mark(release.folder.name)
    down = {**loaded, "BOMAY_REMOTE_ENDPOINT": "http://127.0.0.1:9/sparql"}
    with (
        pytest.raises(ServerDidNotStartError, match="did not answer"),
        running_server(down, start_timeout_s=120),
    ):
        pass
