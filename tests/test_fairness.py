"""Fair limits: a client at its cap of queries in flight gets 429 while the others are
served, and when the waiting line is full the client holding the most gives way."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from conftest import in_flight, wait_until
from launch import running_server
from publish.serve.fairness import ClientBusyError, QueriesPerClient
from publish.serve.line import SHED, FairLine, PoolBusyError
from publish.settings import Settings
from publish.store import Release

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
#: runs past any time limit in little memory
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PAGE = "/id/agency/hai-phong/an-lao/van-phong-huyen.ttl"


@pytest.fixture(scope="module")
def capped_server(release: Release, settings: Settings) -> Iterator[str]:
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": "5",  # the runaway query holds its slot this long at most
        "BOMAY_QUERY_WORKERS": "2",
        "BOMAY_MAX_QUERIES_PER_CLIENT": "1",
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",
    }
    with running_server(env) as url:
        yield url


def client(address: str) -> httpx.Client:
    """A client with its own loopback address: the server tells clients apart by address."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def ask(http: httpx.Client, url: str, query: str = "ASK { ?s ?p ?o }") -> httpx.Response:
    return http.get(f"{url}/sparql", params={"query": query})


def test_a_client_at_its_cap_gets_429_while_another_is_served(capped_server: str) -> None:
    with (
        client("127.0.3.1") as greedy,
        client("127.0.3.2") as other,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        runaway = pool.submit(ask, greedy, capped_server, CROSS)
        # the greedy client's next query is refused once its runaway query is in flight
        for _ in range(100):
            refused = ask(greedy, capped_server)
            if refused.status_code == 429:
                break
            if runaway.done():  # the probe took the slot first, and the runaway got the 429
                runaway = pool.submit(ask, greedy, capped_server, CROSS)
            time.sleep(0.05)
        page = greedy.get(f"{capped_server}{PAGE}")  # pages that query count too
        answered = ask(other, capped_server)
        assert not runaway.done(), "the runaway query ended before the others were tried"
        stopped = runaway.result()
        # the slot is given back when the query ends: the greedy client is served again
        again = ask(greedy, capped_server)
    assert refused.status_code == 429, refused.text
    assert "your address already has 1 queries" in refused.text
    assert refused.headers["retry-after"] == "1"
    assert page.status_code == 429 and page.headers["retry-after"] == "1", page.text
    assert answered.status_code == 200 and answered.json()["boolean"] is True
    assert stopped.status_code == 503 and "stopped" in stopped.text
    assert again.status_code == 200, again.text


def test_slots_are_per_client_and_given_back() -> None:
    cap = QueriesPerClient(lambda *a: None, per_client=2)  # type: ignore[arg-type]
    with cap.slot("a"), cap.slot("a"):
        with pytest.raises(ClientBusyError, match="2 queries"), cap.slot("a"):
            pass
        with cap.slot("b"):
            assert cap.in_flight == {"a": 2, "b": 1}
    assert not cap.in_flight  # no entry is kept for a client without queries in flight


@pytest.fixture(scope="module")
def one_worker_server(release: Release, settings: Settings) -> Iterator[str]:
    """One worker and one place in line, no cap per client, and a time limit far longer
    than any test here waits: each query the tests hold ends when they hang up."""
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": "60",
        "BOMAY_QUERY_WORKERS": "1",
        "BOMAY_MAX_QUEUED_QUERIES": "1",
        "BOMAY_MAX_QUERIES_PER_CLIENT": "0",
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",
    }
    with running_server(env) as url:
        yield url


def send(url: str, address: str, query: str) -> socket.socket:
    """Send a query from ``address`` and leave its answer unread; closing the socket hangs
    up, and the server then stops the query and frees its worker."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    sock = socket.create_connection((host, port), source_address=(address, 0))
    target = "/sparql?" + urlencode({"query": query})
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    return sock


def settled(url: str) -> bool:
    """Nothing in flight and the worker answers (a hung-up query's worker is replaced)."""
    health = httpx.get(f"{url}/health", timeout=30).json()["status"]
    return in_flight(url) == 0 and health == "ok"


def test_the_client_holding_the_most_gives_way_in_a_full_line(one_worker_server: str) -> None:
    url = one_worker_server
    running = send(url, "127.0.4.1", SLOW)  # the heavy client holds the worker
    wait_until(lambda: in_flight(url) == 1, "the heavy client's query runs")
    waiting = send(url, "127.0.4.1", SLOW)  # and the one place in line
    wait_until(lambda: in_flight(url) == 2, "its second query waits")
    with (
        client("127.0.4.2") as light,
        client("127.0.4.3") as third,
        concurrent.futures.ThreadPoolExecutor(2) as pool,
    ):
        # a client with nothing in flight takes the heavy client's place in line
        answer = pool.submit(ask, light, url)
        shed = http.client.HTTPResponse(waiting)
        shed.begin()
        wait_until(lambda: in_flight(url) == 2, "the light client's query waits in line")
        # the line is full with a client holding one query, as this one would: its only
        # query still waits, past the end of the line
        other = pool.submit(ask, third, url)
        wait_until(lambda: in_flight(url) == 3, "the third client's query waits too")
        running.close()  # the heavy client hangs up: its worker goes to the others in turn
        answered = [answer.result(), other.result()]
    waiting.close()
    wait_until(lambda: settled(url), "the service is idle again")
    assert shed.status == 429 and shed.getheader("retry-after") == "1"
    assert shed.read().decode().strip() == SHED
    assert [a.status_code for a in answered] == [200, 200]
    assert all(a.json()["boolean"] is True for a in answered)


def test_a_full_line_refuses_a_client_its_own_further_queries(one_worker_server: str) -> None:
    """One client saturating the pool: its further queries and pages get 429 at once, and
    the service recovers when its queries end."""
    url = one_worker_server
    held = [send(url, "127.0.4.4", SLOW)]
    wait_until(lambda: in_flight(url) == 1, "the first query runs")
    held.append(send(url, "127.0.4.4", SLOW))
    wait_until(lambda: in_flight(url) == 2, "the second query waits")
    with client("127.0.4.4") as same:
        refused = [ask(same, url, SLOW) for _ in range(2)]
        page = same.get(f"{url}{PAGE}")
    for sock in held:
        sock.close()
    wait_until(lambda: settled(url), "the service is idle again")
    assert [r.status_code for r in refused] == [429, 429]
    assert all(r.headers["retry-after"] == "1" for r in refused)
    assert page.status_code == 429 and page.headers["retry-after"] == "1", page.text


def test_a_freed_worker_goes_to_the_client_with_the_fewest_running() -> None:
    async def scenario() -> tuple[str | None, str | None, bool]:
        line: FairLine[str] = FairLine(capacity=3)
        with line.held("heavy"), line.held("heavy"), line.held("light"):
            first, second = line.join("heavy"), line.join("heavy")
            other = line.join("light")  # came last, but its client has nothing running
            line.hand("w1")  # both clients run nothing: the oldest query gets it
            line.hand("w2")  # the heavy client runs one now: the light client goes first
            left = line.leave(second)  # the heavy client's second gives up its place
            return first.future.result(), other.future.result(), left is None and not line

    assert asyncio.run(scenario()) == ("w1", "w2", True)


def test_a_full_line_sheds_the_heaviest_and_refuses_only_further_queries() -> None:
    async def scenario() -> tuple[BaseException | None, int]:
        line: FairLine[str] = FairLine(capacity=1)
        with line.held("heavy"), line.held("heavy"), line.held("light"), line.held("third"):
            line.running["heavy"] += 1  # one of its queries runs
            waiting = line.join("heavy")
            line.join("light")  # holds one against two: the heavy client's place is taken
            line.join("third")  # holds one, like the light client: its only query waits
            with line.held("light"), pytest.raises(PoolBusyError):
                line.join("light")  # a further query, in a full line: refused
            return waiting.future.exception(), len(line)

    shed, waiting = asyncio.run(scenario())
    assert isinstance(shed, PoolBusyError) and str(shed) == SHED
    assert waiting == 2


def test_connections_past_the_cap_get_503_at_once(release: Release, settings: Settings) -> None:
    """Each address's only query may wait past the line's length, so what bounds the
    waiting is the server's cap on connections: past it a request is refused at once."""
    env = {"BOMAY_RELEASE_DIR": str(settings.release_dir), "BOMAY_MAX_CONNECTIONS": "3"}
    with running_server(env) as url:
        parts = urlsplit(url)
        held = [http.client.HTTPConnection(parts.hostname or "", parts.port) for _ in range(2)]
        try:
            # uvicorn counts the request's own connection: with a cap of 3 it serves two
            for connection in held:  # two kept-alive connections: the server holds both
                connection.request("GET", "/health")
                assert connection.getresponse().read()
            refused = httpx.get(f"{url}/health", timeout=10)
            assert refused.status_code == 503
            held[0].close()
            wait_until(
                lambda: httpx.get(f"{url}/health", timeout=10).status_code == 200,
                "a freed connection lets the next request in",
            )
        finally:
            for connection in held:
                connection.close()
