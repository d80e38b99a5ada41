"""No request makes the service connect anywhere: a canary listener on 127.0.0.1 hears nothing.

Every way a request can name a URL (SERVICE, FROM, FROM NAMED, LOAD, protocol graph
parameters, IRIs in patterns and DESCRIBE, search text, resource paths, headers) is sent
to the real server while a listening socket waits; it must never accept a connection.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from conftest import Canary


def test_no_request_connects_to_a_url_it_names(server: str, canary: Canary) -> None:
    url = canary.url
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"BASE <{url}/> SELECT * FROM <g> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <urn:g>",
        f"DESCRIBE <{url}>",
        f"SELECT * WHERE {{ <{url}> ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT (IRI('{url}') AS ?i) (STRLEN(STR(<{url}>)) AS ?n) WHERE {{}}",
    ]
    statuses = []
    for query in queries:
        for response in (
            httpx.get(f"{server}/sparql", params={"query": query}, timeout=30),
            httpx.post(f"{server}/sparql", data={"query": query}, timeout=30),
        ):
            assert response.status_code < 500, (query, response.text)
            statuses.append(response.status_code)
    for params in ({"default-graph-uri": url}, {"named-graph-uri": url}):
        response = httpx.get(
            f"{server}/sparql", params={"query": "ASK { ?s ?p ?o }", **params}, timeout=30
        )
        assert response.status_code == 200 and response.json()["boolean"] is False
    for path in (f"/search?q={quote(url)}", f"/id/{quote(url, safe='')}", "/void", "/"):
        headers = {"Referer": url, "Origin": url, "X-Forwarded-Host": url, "Host": url[7:]}
        assert httpx.get(f"{server}{path}", headers=headers, timeout=30).status_code < 500
    assert not canary.heard(), "the service connected to a URL named in a request"
    assert 403 in statuses and 400 in statuses and 200 in statuses
