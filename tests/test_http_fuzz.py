"""Hypothesis drives HTTP requests at a real server: no 5xx, readable 4xx, nothing echoed.

Every generated request (method, path, parameters, headers, body) must get an answer below
500. A 4xx must say why in readable text without a traceback or a path of this machine, and
no response may repeat a value sent only in a request header. CI runs a few hundred requests;
the long run (4 runs of 2,500 requests, each on its own seed, as in docs/SECURITY.md) is:

    for seed in 1 2 3 4; do .venv/bin/pytest tests/test_http_fuzz.py -s -q -p no:cacheprovider \
        --hypothesis-profile=fuzz-long --hypothesis-seed=$seed | grep fuzzed; done
"""

from __future__ import annotations

import collections
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from launch import running_server
from publish.settings import Settings
from publish.store import Release
from strategies import SPARQL_TOKENS, accept_headers

MARKER = "zq7echo"  # sent only in headers: must never come back
CI_REQUESTS = 300
PATHS = [
    "/sparql", "/", "/dumps/", "/dumps/bomay.trig", "/dumps/manifest.json", "/dumps/store",
    "/dumps/store/CURRENT", "/dumps/%2e%2e/SHA256SUMS", "/dumps/..%2fSHA256SUMS", "/void",
    "/.well-known/void", "/def", "/def.ttl", "/def.html",
    "/id/agency/hai-phong/an-lao/van-phong-huyen",
    "/id/agency/hai-phong/an-lao/van-phong-huyen.jsonld", "/id/", "/id/A%00b", "/id/../def",
    "/search", "/timeline", "/health", "/metrics", "/openapi.json", "/nothing",
]  # fmt: skip
LEAKS = ("Traceback", 'File "', "site-packages", str(ROOT), tempfile.gettempdir(), "Errno")

ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
sparql = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(SPARQL_TOKENS), max_size=40).map(" ".join),
    st.sampled_from(
        [
            "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
            "ASK { ?s ?p ?o }",
            "DESCRIBE <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen>",
            "CONSTRUCT WHERE { ?s a ?o } LIMIT 5",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        ]
    ),
)
param_names = st.sampled_from(
    ["query", "format", "default-graph-uri", "named-graph-uri", "update", "q", "using-graph-uri"]
)
params = st.lists(st.tuples(param_names, st.one_of(sparql, ascii_text)), max_size=4)
content_types = st.sampled_from(
    [
        "application/sparql-query",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/sparql-update",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
    ]
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    sparql.map(lambda q: q.encode("utf-8", "surrogatepass")),
    sparql.map(lambda q: str(httpx.QueryParams({"query": q})).encode("ascii")),
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """The arguments of ``httpx.Client.build_request``."""
    method = draw(st.sampled_from(["GET"] * 4 + ["POST"] * 3 + ["HEAD", "OPTIONS", "PUT"]))
    path = draw(st.sampled_from(["/sparql"] * len(PATHS) + PATHS))
    path += draw(st.sampled_from(["", "", "", "", "", "", ".ttl", "/x"]))
    headers = {
        "Accept": draw(accept_headers.map(str.strip).filter(str.isascii).filter(str.isprintable)),
        "User-Agent": MARKER,
        "Referer": f"http://{MARKER}.test/",
        "X-Forwarded-Host": MARKER,
        "Cookie": f"s={MARKER}",
        "Origin": draw(st.sampled_from(["https://other.test", "null", MARKER])),
    }
    if draw(st.booleans()):
        headers["If-None-Match"] = draw(ascii_text.map(str.strip))
    body = draw(bodies) if method in ("POST", "PUT") else None
    if body is not None:
        headers["Content-Type"] = draw(content_types)
    return {
        "method": method,
        "url": path,
        "params": ([("query", draw(sparql))] if draw(st.booleans()) else []) + draw(params),
        "headers": headers,
        "content": body,
    }


OUTCOMES: collections.Counter[int] = collections.Counter()


@pytest.fixture(scope="module")
def client(release: Release, settings: Settings) -> Iterator[httpx.Client]:
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",
        "BOMAY_QUERY_TIMEOUT_S": "10",
        "BOMAY_MAX_RESULT_ROWS": "50",
    }
    with running_server(env) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http
        assert http.get("/health").json()["status"] == "ok"
    total = sum(OUTCOMES.values())
    fives = sum(n for status, n in OUTCOMES.items() if status >= 500)
    summary = ", ".join(f"{status}: {n}" for status, n in sorted(OUTCOMES.items()))
    sys.stdout.write(f"\nfuzzed {total} requests, {fives} answered 5xx ({summary})\n")


@settings(
    max_examples=max(CI_REQUESTS, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(arguments=requests())
def test_any_request_gets_an_answer_below_500(
    client: httpx.Client, arguments: dict[str, Any]
) -> None:
    request = client.build_request(**arguments)
    response = client.send(request)
    OUTCOMES[response.status_code] += 1
    assert response.status_code < 500, (request, response.text[:500])
    text = response.content.decode("utf-8", "replace")
    if 400 <= response.status_code < 500 and request.method != "HEAD":
        assert text.strip(), (request, response.status_code)
        assert not any(leak in text for leak in LEAKS), (request, text[:500])
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    assert MARKER not in text and MARKER not in headers, (request, response.status_code)
