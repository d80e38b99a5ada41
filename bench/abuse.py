"""Load with abuse: ordinary clients keep querying while others attack; print a table.

    .venv/bin/python -m bench.abuse [--triples 100000] [--duration-s 30] [--clients 32]

Starts `bomay serve` on 127.0.0.1 against the current release (build one first), or with
``--triples N`` against a release of N synthetic triples (bench/generate.py; built into
bench/.work/ on first use, as bench/run.py does). For
``--duration-s`` seconds, ``--clients`` ordinary clients each run small lookups (with a
short pause, as people and scripts do), while one client of each kind sends cross
products, regex bombs, deep nesting, long flat chains, 1 MiB bodies and slow uploads.
Then every client stops, and so does the server: the run is bounded in time, and every
request goes to the loopback interface. Each client has its own loopback address
(127.0.1.x ordinary, 127.0.2.x abusive), so the per-client limits see them apart. A script
on 127.0.3.1 sends ``--sequential`` lookups one after another, and must never be refused.

An abusive request passes when it is refused (4xx) or stopped (503) or answered within the
query time limit plus ``--slack-s``; anything later, a 500, or a dropped connection fails.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.run import WORK, build_release
from tests.launch import running_server

AGENCY = "https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen"
ORDINARY = [
    f"ASK {{ <{AGENCY}> ?p ?o }}",
    f"SELECT ?label WHERE {{ <{AGENCY}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}",
    "SELECT ?s WHERE { ?s a <https://w3id.org/bomay/def#Merger> } LIMIT 20",
]
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
REGEX = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?x ?y ?z "
    'FILTER(REGEX(CONCAT(STR(?o), STR(?z)), "^(a+)+(b|c|d)*[^x]{1,50}$", "i")) }'
)
DEEP = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
CHAIN = "ASK { FILTER(1" + " + 1" * 10_000 + " > 0) }"
MIB = "ASK { ?s ?p '" + "a" * (1 << 20) + "' }"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)  # latencies of 200s
    statuses: Counter[str] = field(default_factory=Counter)
    late: int = 0

    def add(self, status: str, took: float, limit: float | None) -> None:
        self.latencies.append(took)
        if status == "200":
            self.answered.append(took)
        self.statuses[status] += 1
        if limit is not None and (took > limit or status in ("500", "error")):
            self.late += 1

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.answered += other.answered
        self.statuses.update(other.statuses)
        self.late += other.late


def _p(latencies: list[float]) -> list[float]:
    """Percentiles 1..99 in milliseconds (zeros when there are too few to tell)."""
    if len(latencies) < 2:
        return [0.0] * 99
    return [q * 1000 for q in statistics.quantiles(latencies, n=100)]


def client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=120)


def ordinary(url: str, address: str, stop: float, tally: Tally, pause_s: float) -> None:
    """One person or script: a lookup, a pause of 0.5 to 1.5 times ``pause_s``, again.

    The first query waits a random share of the pause too, so that the clients do not
    march in step (32 queries landing in the same millisecond, every round)."""
    jitter = random.Random(address)  # noqa: S311 - spreads load, not a secret
    time.sleep(jitter.uniform(0, pause_s))
    with client(address) as http:
        n = 0
        while time.monotonic() < stop:
            query = ORDINARY[n % len(ORDINARY)]
            n += 1
            started = time.perf_counter()
            try:
                status = str(http.get(f"{url}/sparql", params={"query": query}).status_code)
            except httpx.HTTPError:
                status = "error"
            tally.add(status, time.perf_counter() - started, None)
            time.sleep(jitter.uniform(0.5, 1.5) * pause_s)


def ordinary_group(url: str, addresses: list[str], stop: float, pause_s: float) -> Tally:
    """Some ordinary clients, as threads of one process (the caller runs several such
    processes: one Python process timing 32 clients would measure its own GIL)."""
    tally = Tally()
    threads = [
        threading.Thread(target=ordinary, args=(url, address, stop, tally, pause_s))
        for address in addresses
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def abusive(send: Send, url: str, address: str, stop: float, tally: Tally, limit: float) -> None:
    with client(address) as http:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status = str(send(http, url).status_code)
            except httpx.HTTPError:
                status = "error"
            tally.add(status, time.perf_counter() - started, limit)


def sequential(url: str, address: str, count: int, tally: Tally) -> None:
    """A script that sends ``count`` lookups one after another, never two at once: with a
    budget of query time (not of requests), it is never refused."""
    with client(address) as http:
        for i in range(count):
            query = ORDINARY[i % 2]
            started = time.monotonic()
            try:
                answer = http.get(f"{url}/sparql", params={"query": query})
                status = str(answer.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            tally.add(status, time.monotonic() - started, None)


def slow_upload(url: str, address: str, stop: float, tally: Tally, limit: float) -> None:
    """A POST that promises 60 kB and sends ten bytes a second: the server must give up."""
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < stop:
        started = time.perf_counter()
        with socket.create_connection(
            (host, int(port)), timeout=limit, source_address=(address, 0)
        ) as s:
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                      b"\r\nContent-Length: 60000\r\n\r\n")  # fmt: skip
            status = "error"
            try:
                s.settimeout(1)
                while time.perf_counter() - started < limit:
                    s.sendall(b"ASK {}    ")
                    try:
                        reply = s.recv(64)
                    except TimeoutError:
                        continue
                    status = reply.split(b" ")[1].decode() if reply else "closed"
                    break
            except OSError:
                status = "closed"  # the server hung up on us: stopped
        tally.add(status, time.perf_counter() - started, limit)


Send = Callable[[httpx.Client, str], httpx.Response]


def form(query: str) -> Send:
    return post(urlencode({"query": query}).encode(), FORM)


def body(query: str) -> Send:
    return post(query.encode(), SPARQL_QUERY)


def post(content: bytes, media_type: str) -> Send:
    """Encoded once: the attackers share the machine with the server, and re-encoding a
    40 kB query for every request would charge the server's figures with their CPU."""
    return lambda http, url: http.post(
        f"{url}/sparql", content=content, headers={"Content-Type": media_type}
    )


FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
#: key on the command line: (name in the table, how to send one); "slow" is slow_upload
ATTACKS: dict[str, tuple[str, Send | None]] = {
    "cross": ("cross product", form(CROSS)),
    "regex": ("regex bomb", form(REGEX)),
    "deep": ("deep nesting", form(DEEP)),
    "chain": ("flat chain", form(CHAIN)),
    "mib": ("1 MiB body", body(MIB)),
    "slow": ("slow upload", None),
}


def synthetic_release(triples: int) -> Path:
    """The release folder of ``triples`` synthetic triples, built on first use."""
    dist = WORK / f"dist-{triples}"
    if not (dist / "current").exists():
        dist, _ = build_release(triples)
    return dist


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=0, help="0: the current release")
    parser.add_argument("--duration-s", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--pause-s", type=float, default=0.25, help="between ordinary queries")
    parser.add_argument("--client-processes", type=int, default=4, help="for ordinary clients")
    parser.add_argument("--timeout-s", type=float, default=2.0, help="the query time limit")
    parser.add_argument("--body-timeout-s", type=float, default=5.0)
    parser.add_argument("--slack-s", type=float, default=2.0)
    parser.add_argument("--no-abuse", action="store_true", help="the baseline: ordinary only")
    parser.add_argument(
        "--sequential", type=int, default=2000, help="lookups of a script, one at a time"
    )
    parser.add_argument(
        "--attacks", default=",".join(ATTACKS), help=f"a comma list of {', '.join(ATTACKS)}"
    )
    args = parser.parse_args()
    env = {
        "BOMAY_QUERY_TIMEOUT_S": str(args.timeout_s),
        "BOMAY_REQUEST_BODY_TIMEOUT_S": str(args.body_timeout_s),
    }
    if args.triples:
        env["BOMAY_RELEASE_DIR"] = str(synthetic_release(args.triples))
    limit = args.timeout_s + args.slack_s
    with running_server(env) as url:
        stop = time.monotonic() + args.duration_s
        tallies: dict[str, Tally] = {}
        threads = []
        tallies["ordinary queries"] = Tally()
        addresses = [f"127.0.1.{i + 1}" for i in range(args.clients)]
        groups = ProcessPoolExecutor(args.client_processes)
        ordinary_runs = [
            groups.submit(ordinary_group, url, addresses[i :: args.client_processes], stop,
                          args.pause_s)
            for i in range(args.client_processes)
        ]  # fmt: skip
        chosen = [] if args.no_abuse else args.attacks.split(",")
        for i, key in enumerate(chosen, start=1):
            name, send = ATTACKS[key]
            tallies[name] = Tally()
            address = f"127.0.2.{i}"
            if send is None:
                body_limit = args.body_timeout_s + args.slack_s
                thread = threading.Thread(
                    target=slow_upload, args=(url, address, stop, tallies[name], body_limit)
                )
            else:
                thread = threading.Thread(
                    target=abusive, args=(send, url, address, stop, tallies[name], limit)
                )
            threads.append(thread)
        if args.sequential:
            name = f"a script: {args.sequential} lookups one at a time"
            tallies[name] = Tally()
            threads.append(threading.Thread(
                target=sequential, args=(url, "127.0.3.1", args.sequential, tallies[name])
            ))  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for run in ordinary_runs:
            tallies["ordinary queries"].merge(run.result())
        groups.shutdown()
        health = httpx.get(f"{url}/health", timeout=30).json()["status"]
        refusals = {
            sample.labels["reason"]: int(sample.value)
            for family in text_string_to_metric_families(httpx.get(f"{url}/metrics").text)
            if family.name == "bomay_refusals"
            for sample in family.samples
            if sample.name == "bomay_refusals_total"
        }
    size = f"{args.triples:,} synthetic triples" if args.triples else "the current release"
    print(f"{size}, {args.duration_s:g} s, {args.clients} ordinary clients, query limit "
          f"{args.timeout_s:g} s, body limit {args.body_timeout_s:g} s, "
          f"slack {args.slack_s:g} s\n")  # fmt: skip
    print("| clients | requests | answers | p50 ms | p99 ms | p99 ms of 200s | refused or stopped"
          " on time |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for name, tally in tallies.items():
        q, ok = _p(tally.latencies), _p(tally.answered)
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
        verdict = "yes" if not tally.late else f"NO ({tally.late} late)"
        if name == "ordinary queries":
            verdict = "n/a"
        elif name.startswith("a script"):
            verdict = "never refused" if not tally.statuses["429"] else "NO: refused"
        print(f"| {name} | {len(tally.latencies)} | {answers} | {q[49]:.0f} | {q[98]:.0f} "
              f"| {ok[98]:.0f} | {verdict} |")  # fmt: skip
    print(f"\nhealth after the run: {health}; refusals by reason: {refusals}")


if __name__ == "__main__":
    main()
