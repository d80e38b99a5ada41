"""A client at its cap of queries in flight gets 429; the other clients are still served."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator

import httpx
import pytest

from launch import running_server
from publish.serve.fairness import ClientBusyError, QueriesPerClient
from publish.settings import Settings
from publish.store import Release

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
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
