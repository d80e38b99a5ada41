"""Benchmark the SPARQL endpoint on 127.0.0.1 and print a markdown table.

    .venv/bin/python -m bench.endpoint [--requests 2000] [--timeout-s 2]

Starts `bomay serve` on a free port against the current release (build one first), sends a
bounded number of requests from threads on this machine, measures a runaway query being
stopped, then stops the server. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.launch import running_server

SIMPLE = "ASK { <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen> ?p ?o }"
LOOKUP = """SELECT ?label WHERE { <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen>
  <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"""
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"


def load(url: str, query: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    def one(_: int) -> float:
        started = time.perf_counter()
        response = client.get(f"{url}/sparql", params={"query": query})
        response.raise_for_status()
        return time.perf_counter() - started

    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        latencies = list(pool.map(one, range(requests)))
        return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--timeout-s", type=float, default=2.0)
    args = parser.parse_args()
    env = {"BOMAY_QUERY_TIMEOUT_S": str(args.timeout_s), "BOMAY_QUERY_WORKERS": "2"}
    with running_server(env) as url:
        print("| query | concurrency | requests | req/s | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|")
        for name, query in (("ASK lookup", SIMPLE), ("SELECT label", LOOKUP)):
            for concurrency in (1, 8):
                elapsed, latencies = load(url, query, args.requests, concurrency)
                q = statistics.quantiles(latencies, n=100)
                rate = args.requests / elapsed
                print(f"| {name} | {concurrency} | {args.requests} | {rate:,.0f} "
                      f"| {q[49] * 1000:.1f} | {q[98] * 1000:.1f} |")  # fmt: skip
        started = time.perf_counter()
        stopped = httpx.get(f"{url}/sparql", params={"query": CROSS}, timeout=60)
        took = time.perf_counter() - started
        print(f"\nrunaway cross product: HTTP {stopped.status_code} after {took:.2f} s "
              f"(limit {args.timeout_s:g} s); health after: "
              f"{httpx.get(f'{url}/health', timeout=10).json()['status']}")  # fmt: skip


if __name__ == "__main__":
    main()
