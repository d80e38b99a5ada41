"""Limits against cheap denial of service: flat chains, answer bytes, query time, CORS."""

from __future__ import annotations

import asyncio
import json
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from launch import running_server
from publish.serve.checks import QueryRefusedError, check_query
from publish.serve.execute import Answer, Job, run
from publish.serve.ratelimit import QueryBudget
from publish.serve.workers import QueryPool, WorkerConfig, WorkerLostError
from publish.settings import Settings
from publish.store import Release

JSON = "application/sparql-results+json"
PLUS_CHAIN = "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x" + " + 1" * 20_000 + " > 0) }"
OR_CHAIN = "ASK { BIND(1 AS ?x) FILTER(?x = 1" + " || ?x = 1" * 5_000 + ") }"
MINUS_CHAIN = "ASK { ?s ?p ?o" + " MINUS { ?s ?p ?o }" * 5_000 + " }"


def test_the_engine_crashes_on_a_long_flat_chain(release: Release) -> None:
    """Why the limit exists: below the checker, a flat chain kills the worker that parses it."""

    async def scenario() -> None:
        pool = QueryPool(WorkerConfig(release.folder / "store"), workers=1, max_waiting=1)
        await pool.start()
        try:
            with pytest.raises(WorkerLostError):
                await pool.run(Job(PLUS_CHAIN, JSON, 10), 60)
        finally:
            await pool.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("query", [PLUS_CHAIN, OR_CHAIN, MINUS_CHAIN])
def test_long_flat_chains_are_refused_before_parsing(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="more than 2000 terms") as caught:
        check_query(query, max_depth=64, max_tokens=2000)
    assert caught.value.status == 400


def test_token_limit_is_inclusive() -> None:
    query = "ASK { ?s ?p ?o } # a comment is not a token"  # ASK { ?s ?p ?o }: 6 tokens
    assert check_query(query, max_depth=8, max_tokens=6).form == "ASK"
    with pytest.raises(QueryRefusedError):
        check_query(query, max_depth=8, max_tokens=5)


def test_the_competency_queries_are_far_below_the_default_token_limit() -> None:
    settings = Settings()
    for path in sorted(settings.queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        check_query(text, max_depth=64, max_tokens=settings.max_query_tokens // 5)


def test_a_row_of_huge_literals_is_cut_by_bytes(release: Release) -> None:
    literal = "x" * 50_000
    query = (
        "SELECT ?big WHERE { VALUES ?n { 1 2 3 4 } "
        f"BIND(CONCAT(STR(?n), '{literal}') AS ?big) }}"
    )
    whole = run(release.store, Job(query, JSON, 100))
    assert isinstance(whole, Answer) and whole.rows == 4 and not whole.truncated
    capped = run(release.store, Job(query, JSON, 100, max_bytes=120_000))
    assert isinstance(capped, Answer) and capped.truncated
    assert 0 < capped.rows < 4 and len(capped.body) <= 120_000
    assert len(json.loads(capped.body)["results"]["bindings"]) == capped.rows
    one_triple = "CONSTRUCT { <urn:a> <urn:b> ?big } WHERE { BIND('" + "y" * 5000 + "' AS ?big) }"
    cut = run(release.store, Job(one_triple, "text/turtle", 100, max_bytes=100))
    assert isinstance(cut, Answer) and cut.truncated and cut.rows == 0 and len(cut.body) <= 100


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def strict_server(release: Release, settings: Settings) -> Iterator[str]:
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": "1",
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "6",  # 0.1 s of worker time a second
        "BOMAY_QUERY_TIME_BURST_S": "1.5",
        "BOMAY_MAX_RESULT_BYTES": "2000",
        "BOMAY_MAX_QUERY_TOKENS": "500",
        "BOMAY_REQUEST_BODY_TIMEOUT_S": "1",
    }
    with running_server(env) as url:
        yield url


def from_address(server: str, address: str) -> httpx.Client:
    """A client on its own loopback address: its own budget."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server, transport=transport, timeout=30)


def test_limits_over_http(strict_server: str) -> None:
    """Chains get 400 with the reason, a big answer is cut by bytes."""
    with from_address(strict_server, "127.0.0.5") as client:
        short_chain = "ASK { FILTER(1" + " + 1" * 300 + " > 0) }"
        chain = client.post("/sparql", data={"query": short_chain})
        assert chain.status_code == 400 and "more than 500 terms" in chain.text
        big = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert big.status_code == 200 and len(big.content) <= 2000
    assert "max-bytes=2000" in big.headers["bomay-results-truncated"]


def test_cross_products_spend_the_budget_and_the_client_recovers(strict_server: str) -> None:
    """Each cross product holds a worker to the 1 s limit and is charged for it: after two,
    the client is refused, with the real wait; another client is served meanwhile; after
    the wait, the first is served again."""
    with (
        from_address(strict_server, "127.0.0.6") as costly,
        from_address(strict_server, "127.0.0.7") as other,
    ):
        first, second = (costly.get("/sparql", params={"query": CROSS}) for _ in range(2))
        refused = costly.get("/sparql", params={"query": "ASK {}"})
        served = other.get("/sparql", params={"query": "ASK {}"})
        assert [first.status_code, second.status_code] == [503, 503]
        assert refused.status_code == 429 and "query time" in refused.text
        wait = int(refused.headers["retry-after"])
        assert 2 <= wait <= 6  # about 0.3 s of debt at 0.1 s a second
        assert served.status_code == 200
        assert costly.get("/sparql", params={"query": "ASK {}"}).status_code == 429
        time.sleep(wait)
        assert costly.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert httpx.get(f"{strict_server}/health", timeout=30).status_code == 200  # exempt


def test_refusals_before_evaluation_cost_little(strict_server: str) -> None:
    """A conformance suite's deliberate bad requests and typos do not use up its budget."""
    chain = "ASK { FILTER(1" + " + 1" * 600 + " > 0) }"
    with from_address(strict_server, "127.0.0.3") as suite:
        refused = [suite.post("/sparql", data={"query": chain}) for _ in range(20)]
        typos = [suite.get("/sparql", params={"query": "ASK {"}) for _ in range(20)]
        after = suite.get("/sparql", params={"query": "ASK {}"})
    assert {r.status_code for r in refused} == {400} and {t.status_code for t in typos} == {400}
    assert after.status_code == 200


def test_the_budget_refills_at_its_rate_and_debt_is_bounded() -> None:
    budget = QueryBudget(lambda *a: None, per_minute_s=60, burst_s=2, request_cost_s=0.01)  # type: ignore[arg-type]
    assert budget.admit("a", now=0) == 0
    budget.spend("a", 3, now=0)  # a costly query: 1.99 - 3 = -1.01
    assert budget.admit("a", now=0) == pytest.approx(1.01)
    assert budget.admit("b", now=0) == 0  # another client has its own budget
    assert budget.admit("a", now=1.1) == 0  # one second of worker time a second
    budget.spend("a", 100, now=1.1)
    assert budget.admit("a", now=1.1) == pytest.approx(2.0)  # debt stops at minus a burst


def test_a_script_of_2000_lookups_one_after_another_is_never_refused() -> None:
    """With the default budget, a client that never sends two at once and whose lookups take
    a millisecond of worker time (3 ms each, all told) is never refused; bench/abuse.py checks
    the same over HTTP (--sequential 2000)."""
    settings = Settings()
    budget = QueryBudget(
        lambda *a: None,  # type: ignore[arg-type]
        per_minute_s=settings.query_time_per_minute_s,
        burst_s=settings.query_time_burst_s,
        request_cost_s=settings.request_cost_s,
    )
    now = 0.0
    for _ in range(2000):
        assert budget.admit("script", now=now) == 0
        budget.spend("script", 0.001, now=now)
        now += 0.003


def test_cors_without_credentials(server: str) -> None:
    preflight = httpx.options(
        f"{server}/sparql",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers
    with_cookie = httpx.post(
        f"{server}/sparql",
        data={"query": "ASK {}"},
        headers={"Origin": "https://evil.example", "Cookie": "session=1"},
        timeout=30,
    )
    assert with_cookie.headers["access-control-allow-origin"] == "*"  # never the origin echoed
    assert "access-control-allow-credentials" not in with_cookie.headers


def test_a_slow_upload_is_cut_off(strict_server: str) -> None:
    """A body promised but sent a byte at a time gets 408 once the body time limit passes."""
    host, port = strict_server.removeprefix("http://").split(":")
    # its own loopback address: the rate-limit test may have spent 127.0.0.1's requests
    with socket.create_connection(
        (host, int(port)), timeout=30, source_address=("127.0.0.2", 0)
    ) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK"
        )
        reply = b""
        for _ in range(30):  # one byte a tenth of a second: 3 s at most, the limit is 1 s
            sock.sendall(b" ")
            if select.select([sock], [], [], 0.1)[0]:
                reply = sock.recv(200)
                break
    assert reply.startswith(b"HTTP/1.1 408"), reply


@pytest.mark.parametrize(
    "path",
    ["/dumps/%2e%2e/dumps/SHA256SUMS", "/dumps/..%2fSHA256SUMS", "/dumps/store/CURRENT",
     "/dumps/store", "/dumps/%2fetc%2fpasswd", "/dumps/.%2e/.%2e/pyproject.toml"],
)  # fmt: skip
def test_dumps_serve_only_the_listed_files(server: str, path: str) -> None:
    response = httpx.get(httpx.URL(server + path), timeout=30)
    assert response.status_code == 404, (path, response.text[:200])
