"""Limits added against cheap denial of service: flat chains, answer bytes, rate, CORS."""

from __future__ import annotations

import asyncio
import json
import select
import socket
from collections.abc import Iterator

import httpx
import pytest

from launch import running_server
from publish.serve.checks import QueryRefusedError, check_query
from publish.serve.execute import Answer, Job, run
from publish.serve.ratelimit import RateLimit
from publish.serve.workers import QueryPool, WorkerLostError
from publish.settings import Settings
from publish.store import Release

JSON = "application/sparql-results+json"
PLUS_CHAIN = "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x" + " + 1" * 20_000 + " > 0) }"
OR_CHAIN = "ASK { BIND(1 AS ?x) FILTER(?x = 1" + " || ?x = 1" * 5_000 + ") }"
MINUS_CHAIN = "ASK { ?s ?p ?o" + " MINUS { ?s ?p ?o }" * 5_000 + " }"


def test_the_engine_crashes_on_a_long_flat_chain(release: Release) -> None:
    """Why the limit exists: below the checker, a flat chain kills the worker that parses it."""

    async def scenario() -> None:
        pool = QueryPool(release.folder / "store", workers=1, max_waiting=1, isolate=False)
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


@pytest.fixture(scope="module")
def strict_server(release: Release, settings: Settings) -> Iterator[str]:
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_RATE_LIMIT_PER_MINUTE": "6",
        "BOMAY_RATE_LIMIT_BURST": "3",
        "BOMAY_MAX_RESULT_BYTES": "2000",
        "BOMAY_MAX_QUERY_TOKENS": "500",
        "BOMAY_REQUEST_BODY_TIMEOUT_S": "1",
    }
    with running_server(env) as url:
        yield url


def test_limits_over_http(strict_server: str) -> None:
    """Chains get 400 with the reason, a big answer is cut by bytes, a busy client gets 429."""
    url = f"{strict_server}/sparql"
    short_chain = "ASK { FILTER(1" + " + 1" * 300 + " > 0) }"
    # from its own address: a refused query costs more than one request of the rate limit
    other_address = httpx.HTTPTransport(local_address="127.0.0.5")
    with httpx.Client(transport=other_address, timeout=30) as other:
        chain = other.post(url, data={"query": short_chain})
    assert chain.status_code == 400 and "more than 500 terms" in chain.text
    big = httpx.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert big.status_code == 200 and len(big.content) <= 2000
    assert "max-bytes=2000" in big.headers["bomay-results-truncated"]
    answers = [httpx.get(url, params={"query": "ASK {}"}, timeout=30) for _ in range(6)]
    statuses = [a.status_code for a in answers]
    assert set(statuses) == {200, 429} and statuses[-1] == 429, statuses
    limited = answers[-1]
    assert "too many requests" in limited.text
    assert 1 <= int(limited.headers["retry-after"]) <= 10
    assert httpx.get(f"{strict_server}/health", timeout=30).status_code == 200  # exempt


def test_rate_limit_refills_at_the_configured_rate() -> None:
    limit = RateLimit(lambda *a: None, per_minute=60, burst=2)  # type: ignore[arg-type]
    assert limit.take("a", now=0) == limit.take("a", now=0) == 0
    assert limit.take("a", now=0) == pytest.approx(1.0)
    assert limit.take("b", now=0) == 0  # another client has its own bucket
    assert limit.take("a", now=1.0) == 0  # one token a second
    assert limit.take("a", now=1.5) == pytest.approx(0.5)


def test_refused_requests_cost_more_and_typos_do_not(strict_server: str) -> None:
    """Burst 3: one query the checker refuses spends it all (and puts the client in debt),
    while a client making typos keeps its three requests (each on its own address)."""

    def from_address(address: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=address)
        return httpx.Client(base_url=strict_server, transport=transport, timeout=30)

    chain = "ASK { FILTER(1" + " + 1" * 600 + " > 0) }"
    with from_address("127.0.0.3") as abusive, from_address("127.0.0.4") as clumsy:
        refused = abusive.post("/sparql", data={"query": chain})
        after_refusal = abusive.get("/sparql", params={"query": "ASK {}"})
        typos = [clumsy.get("/sparql", params={"query": "ASK {"}) for _ in range(2)]
        after_typos = clumsy.get("/sparql", params={"query": "ASK {}"})
    assert refused.status_code == 400
    assert after_refusal.status_code == 429
    # in debt down to minus a burst: (1 + 3) tokens at 6 a minute
    assert int(after_refusal.headers["retry-after"]) == 40
    assert [t.status_code for t in typos] == [400, 400] and after_typos.status_code == 200


def test_spending_stops_at_minus_a_burst() -> None:
    limit = RateLimit(lambda *a: None, per_minute=60, burst=2)  # type: ignore[arg-type]
    limit.spend("a", 10)  # an unknown client: nothing to charge yet
    assert limit.take("a", now=0) == 0
    limit.spend("a", 100)
    assert limit.take("a", now=0) == pytest.approx(3.0)  # from -2 back to 1 token


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
