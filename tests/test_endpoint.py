"""The SPARQL endpoint over HTTP: a real `bomay serve` process on 127.0.0.1."""

from __future__ import annotations

import concurrent.futures
import csv
import hashlib
import io
import json
import time

import httpx
import pyoxigraph as ox
import pytest

from conftest import MAX_ROWS, STORES, Canary, in_flight, wait_until

SELECT_VI = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen>
  skos:prefLabel ?label } ORDER BY ?label"""
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
#: runs past any time limit in little memory (CROSS may hit the worker's memory limit first)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module", params=STORES)
def endpoint(request: pytest.FixtureRequest, server: str) -> str:
    """A protocol test runs against the embedded store, and again against a bomay in front
    of Virtuoso (``BOMAY_STORE=remote``): the same answers whatever the store."""
    return server if request.param == "embedded" else str(request.getfixturevalue("remote_server"))


def get(server: str, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(
        f"{server}/sparql", params={"query": query, **params}, headers=headers, timeout=30
    )


def test_select_formats_agree_and_keep_vietnamese(endpoint: str) -> None:
    answers = {}
    for media_type, fmt in (
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ):
        response = get(endpoint, SELECT_VI, media_type)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media_type)
        rows = ox.parse_query_results(response.content, format=fmt)
        answers[media_type] = [(r["label"].value, r["label"].language) for r in rows]
    as_csv = get(endpoint, SELECT_VI, "text/csv")
    csv_labels = [row["label"] for row in csv.DictReader(io.StringIO(as_csv.text))]
    first = answers["application/sparql-results+json"]
    assert ("Văn phòng huyện An Lão", "vi") in first
    assert all(answer == first for answer in answers.values())
    assert csv_labels == [label for label, _ in first]


def test_post_form_and_direct(server: str) -> None:
    form = httpx.post(f"{server}/sparql", data={"query": SELECT_VI}, timeout=30)
    direct = httpx.post(
        f"{server}/sparql", content=SELECT_VI.encode(),
        headers={"Content-Type": "application/sparql-query"}, timeout=30,
    )  # fmt: skip
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json() == get(server, SELECT_VI).json()


@pytest.mark.parametrize(
    ("media_type", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_formats(endpoint: str, media_type: str, fmt: ox.RdfFormat) -> None:
    query = "DESCRIBE <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen>"
    response = get(endpoint, query, media_type)
    assert response.status_code == 200, response.text
    triples = list(ox.parse(response.content, format=fmt))
    assert any(getattr(t.object, "value", "") == "Văn phòng huyện An Lão" for t in triples)


def test_accept_q_values_format_parameter_and_406(endpoint: str) -> None:
    chosen = get(endpoint, SELECT_VI, "text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert chosen.headers["content-type"].startswith("application/sparql-results+xml")
    assert (
        get(endpoint, SELECT_VI, "text/html", format="csv")
        .headers["content-type"]
        .startswith("text/csv")
    )
    refused = get(endpoint, SELECT_VI, "image/png")
    assert refused.status_code == 406
    assert "application/sparql-results+json" in refused.text


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"params": {"query": "SELECT * WHERE { ?s ?p"}}, 400, "error"),
        ({"params": {"query": "SELEC * WHERE {}"}}, 400, "not a sparql query"),
        ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than one"),
        ({"params": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ({"params": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"params": {"query": "LOAD <http://127.0.0.1:9/x>"}}, 403, "read-only"),
    ],
)
def test_protocol_errors_get(endpoint: str, request_kwargs: dict, status: int, words: str) -> None:  # type: ignore[type-arg]
    response = httpx.get(f"{endpoint}/sparql", timeout=30, **request_kwargs)
    assert response.status_code == status, response.text
    assert words in response.text.lower()
    assert "Traceback" not in response.text


def test_relative_iris_resolve_against_the_base(endpoint: str) -> None:
    """The W3C protocol test's query, and a relative IRI that names a resource."""
    construct = get(endpoint, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert construct.status_code == 200, construct.text
    triples = list(ox.parse(construct.content, format=ox.RdfFormat.N_TRIPLES))
    base = "https://w3id.org/bomay/"
    assert [(t.subject.value, t.predicate.value) for t in triples] == [(base + "s", base + "p")]
    query = (
        "SELECT ?l WHERE { <id/agency/hai-phong/an-lao/van-phong-huyen> ?p ?l "
        "FILTER(?l = 'Văn phòng huyện An Lão'@vi) }"
    )
    rows = get(endpoint, query).json()["results"]["bindings"]
    assert rows and rows[0]["l"]["value"] == "Văn phòng huyện An Lão"
    assert get(endpoint, "BASE <http://example.org/> ASK { <s> ?p ?o }").json()["boolean"] is False


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_dataset_without_a_query_is_refused(endpoint: str, parameter: str) -> None:
    graph = "https://w3id.org/bomay/graph/article-000"
    response = httpx.get(f"{endpoint}/sparql", params={parameter: graph}, timeout=30)
    assert response.status_code == 400 and "no query" in response.text
    described = httpx.get(f"{endpoint}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert described.status_code == 200  # without any parameter: the service description


def test_protocol_errors_post(server: str) -> None:
    missing = httpx.post(f"{server}/sparql", data={"format": "json"}, timeout=30)
    assert missing.status_code == 400 and "no query" in missing.text
    wrong_type = httpx.post(
        f"{server}/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    update = httpx.post(
        f"{server}/sparql",
        content=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert update.status_code == 403
    latin1 = httpx.post(
        f"{server}/sparql", content="ASK { ?s ?p \"Hải\" }".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query"},
    )  # fmt: skip
    assert latin1.status_code == 400 and "UTF-8" in latin1.text
    for method in ("PUT", "DELETE", "PATCH"):
        assert httpx.request(method, f"{server}/sparql", timeout=30).status_code == 405


def test_service_description(endpoint: str, release: object) -> None:
    response = httpx.get(f"{endpoint}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    objects = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    assert sd + "Service" in objects and sd + "SPARQL11Query" in objects
    assert sd + "SPARQL11Update" not in objects
    names = [t for t in triples if t.predicate.value == sd + "name"]
    assert len(names) == len(release.manifest["stats"]["graphs"])  # type: ignore[attr-defined]


def test_head_cors_etag_and_304(endpoint: str) -> None:
    full = get(endpoint, SELECT_VI)
    head = httpx.head(f"{endpoint}/sparql", params={"query": SELECT_VI}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert "Accept" in full.headers["vary"] and "max-age" in full.headers["cache-control"]
    etag = full.headers["etag"]
    again = httpx.get(
        f"{endpoint}/sparql", params={"query": SELECT_VI}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    other = get(endpoint, SELECT_VI, "text/csv")
    assert other.headers["etag"] != etag
    cors = httpx.get(
        f"{endpoint}/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert cors.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in cors.headers
    preflight = httpx.options(
        f"{endpoint}/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200


def test_never_fetches_a_url(endpoint: str, canary: Canary) -> None:
    """SERVICE, FROM and default-graph-uri naming a local listener must not connect to it."""
    url = canary.url
    service = get(endpoint, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert service.status_code == 400 and "never fetches" in service.text
    escaped = get(endpoint, f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert escaped.status_code == 400
    from_graph = get(endpoint, "SELECT * FROM <" + url + "> WHERE { ?s ?p ?o }")
    assert from_graph.status_code == 200 and from_graph.json()["results"]["bindings"] == []
    param = get(endpoint, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": url})
    assert param.status_code == 200 and param.json()["results"]["bindings"] == []
    assert not canary.heard()


def test_known_graph_as_dataset(endpoint: str) -> None:
    graph = "https://w3id.org/bomay/graph/article-004"
    rows = get(
        endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": graph}
    )
    assert [b["g"]["value"] for b in rows.json()["results"]["bindings"]] == [graph]


def test_size_and_nesting_limits(server: str) -> None:
    big = 'ASK { ?s ?p "' + "a" * (1 << 20) + '" }'
    too_big = httpx.post(f"{server}/sparql", data={"query": big}, timeout=30)
    assert too_big.status_code == 413
    nested = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    deep = httpx.post(f"{server}/sparql", data={"query": nested}, timeout=30)
    assert deep.status_code == 400 and "nest" in deep.text.lower()
    assert httpx.get(f"{server}/health", timeout=30).status_code == 200


def test_row_cap_is_signalled(endpoint: str) -> None:
    # one article's graph: hundreds of rows, whatever the size of the reference data (a
    # remote engine writes a whole answer before bomay cuts it)
    graph = "https://w3id.org/bomay/graph/article-000"
    response = get(endpoint, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]["bindings"]) == MAX_ROWS
    assert response.headers["bomay-results-truncated"].startswith("true")
    (link,) = body["head"]["link"]
    assert link == "https://w3id.org/bomay/def#resultsTruncated"
    # the term resolves (to the ontology, /def), with its labels; the ontology defines it
    term = httpx.get(f"{endpoint}/def", headers={"Accept": "application/n-triples"}, timeout=30)
    labels = {
        t.object.language
        for t in ox.parse(term.content, format=ox.RdfFormat.N_TRIPLES)
        if t.subject == ox.NamedNode(link) and isinstance(t.object, ox.Literal)
    }
    assert labels == {"vi", "en"}
    said = get(
        endpoint,
        f"SELECT ?p (LANG(?text) AS ?lang) WHERE {{ <{link}> ?p ?text FILTER(isLiteral(?text)) }}",
    )
    assert {
        (row["p"]["value"].rsplit("#", 1)[1], row["lang"]["value"])
        for row in said.json()["results"]["bindings"]
    } >= {("label", "vi"), ("label", "en"), ("definition", "vi"), ("comment", "en")}
    small = get(endpoint, SELECT_VI)
    assert "bomay-results-truncated" not in small.headers


def test_runaway_query_is_stopped_while_others_are_served(server: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(get, server, SLOW)
        wait_until(lambda: in_flight(server) >= 1, "the runaway query is in flight")
        quick = get(server, "ASK { ?s ?p ?o }")
        slow_still_running = not slow.done()
        stopped = slow.result()
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert slow_still_running  # answered beside the runaway query, not after it
    assert stopped.status_code == 503 and "stopped" in stopped.text
    assert httpx.get(f"{server}/health", timeout=30).json()["status"] == "ok"


def test_read_only_data_unchanged(server: str, release: object) -> None:
    store = release.folder / "store"  # type: ignore[attr-defined]

    def digest() -> str:
        h = hashlib.sha256()
        for path in sorted(store.rglob("*")):
            if path.is_file() and path.name != "LOCK" and not path.name.startswith("LOG"):
                h.update(path.name.encode() + path.read_bytes())
        return h.hexdigest()

    before = digest()
    # the store's digest covers everything; the count, one article's graph (a count of every
    # quad outgrows the test server's time limit at national size on a busy machine)
    graph = "https://w3id.org/bomay/graph/article-000"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    n_before = get(server, count).json()["results"]["bindings"][0]["n"]["value"]
    for attempt in (
        {"update": 'INSERT DATA { <urn:x> <urn:y> "z" }'},
        {"query": 'INSERT DATA { <urn:x> <urn:y> "z" }'},
        {"query": "DROP ALL"},
    ):
        assert httpx.post(f"{server}/sparql", data=attempt, timeout=30).status_code == 403
    assert get(server, count).json()["results"]["bindings"][0]["n"]["value"] == n_before
    assert digest() == before


def test_metrics_and_health(endpoint: str) -> None:
    get(endpoint, SELECT_VI)
    metrics = httpx.get(f"{endpoint}/metrics", timeout=30).text
    assert 'bomay_queries_total{outcome="ok"}' in metrics
    assert "bomay_refusals_total" in metrics
    health = httpx.get(f"{endpoint}/health", timeout=30).json()
    assert health["status"] == "ok" and health["release"]
    assert json.dumps(health)


def test_a_client_that_hangs_up_frees_its_worker(server: str) -> None:
    def disconnected() -> float:
        for line in httpx.get(f"{server}/metrics", timeout=30).text.splitlines():
            if line.startswith('bomay_refusals_total{reason="disconnected"}'):
                return float(line.split()[-1])
        return 0.0

    before = disconnected()
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"{server}/sparql", params={"query": CROSS}, timeout=0.5)
    for _ in range(100):  # the server notices within its poll interval, long before the limit
        if disconnected() > before:
            break
        time.sleep(0.05)
    assert disconnected() == before + 1
    assert httpx.get(f"{server}/health", timeout=30).json()["status"] in ("ok", "busy")
