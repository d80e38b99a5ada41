"""The whole benchmark, side by side in one run, printed as markdown tables.

    .venv/bin/python -m bench.run [--sizes 10000 100000] [--large] [--real] [--seconds 8]
                                  [--pages-only]

For each size: generate synthetic data (bench/generate.py), build a release in its own
process (time per step, peak RSS), start `bomay serve` (start time), then measure the
competency-question mix: latency of bomay over HTTP vs pyoxigraph in-process on the same
store vs rdflib-endpoint 0.6.3 on the same dump; and throughput at 8 and 32 concurrent
connections of bomay vs rdflib-endpoint vs a bare FastAPI + pyoxigraph server
(bench/bare_server.py); and the time to serve the largest dump. ``--large`` adds 1M
triples (build, start, bomay and pyoxigraph; rdflib-endpoint would take hours to load).
``--pages-only`` builds and times only the resource pages (each page's first request, then
the median and p99 of the next ones).

Load goes only to 127.0.0.1, is bounded by a request count and a time budget, and every
server started here is stopped here. rdflib-endpoint runs in its own venv under
bench/.work/ (created on first use from PyPI), since its pins may clash with bomay's.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox

from bench.generate import generate
from publish.build.release import STEPS
from publish.rdf import sparql_prologue
from publish.serve.examples import read_examples
from tests.launch import free_port, running_server, stop

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PEER_VENV = WORK / "peer-venv"
PEER = "rdflib-endpoint==0.6.3"
PYTHON = sys.executable
LOOKUP = """SELECT ?label WHERE { <https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen>
  <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"""
JSON_RESULTS = "application/sparql-results+json"
ROWS50 = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 50"
#: the same 50 rows' cost over HTTP without the engine's scan: GRAPH ?g reads the stored
#: merge (the default graph) before the named graphs, 56 ms at 400K triples in-process
ROWS50_MERGE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"
#: an agency, a unit (district) and a province, as people open them
PAGES = {
    "agency": "/id/agency/hai-phong/an-lao/van-phong-huyen",
    "unit": "/id/place/hai-phong/an-lao",
    "province": "/id/place/hai-phong",
}


def mix() -> dict[str, str]:
    """The competency questions (queries/*.rq) plus a simple label lookup."""
    queries = {"lookup": LOOKUP}
    for example in read_examples(ROOT / "queries"):
        queries[example.name.split("-")[0]] = sparql_prologue() + example.text
    return queries


# ------------------------------------------------------------------ servers


def _wait(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code < 500:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{process.args} did not start in {timeout_s} s")


@contextmanager
def process_server(command: list[str], timeout_s: float = 600) -> Iterator[tuple[str, float]]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
        [*command, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, _wait(url, process, timeout_s)
    finally:
        stop(process)


def peer_python() -> str:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([PYTHON, "-m", "venv", str(PEER_VENV)], check=True)  # noqa: S603
        pip = [str(python), "-m", "pip", "install", "-q", PEER, "uvicorn"]
        subprocess.run(pip, check=True)  # noqa: S603
    return str(python)


# ------------------------------------------------------------------ measurements


def build_release(size: int) -> tuple[Path, dict[str, object]]:
    """Build ``size`` synthetic triples (0: a copy of this checkout's own data/), in a
    process of its own: a full build, then one after a one-article change."""
    data, dist = WORK / f"data-{size or 'real'}", WORK / f"dist-{size or 'real'}"
    if size:
        generate(size, data)
    else:
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(ROOT / "data", data)
    shutil.rmtree(dist, ignore_errors=True)  # no cache: the first build is a full one
    script = str(ROOT / "bench" / "build_once.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603
        [PYTHON, script, str(data), str(dist)], check=True, capture_output=True, env=env
    )
    return dist, json.loads(done.stdout.decode().strip().splitlines()[-1])


def latencies(ask: object, queries: dict[str, str], reps: int, budget_s: float) -> list[float]:
    """Each query of the mix ``reps`` times (fewer if the budget runs out); all samples.

    A query that fails or times out counts at the time it took (a lower bound), and is not
    asked again: one stuck query must not stop the run.
    """
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    failed: set[str] = set()
    for _ in range(reps):
        for name, query in queries.items():
            if name in failed:
                continue
            started = time.perf_counter()
            try:
                ask(query)  # type: ignore[operator]
            except httpx.HTTPError as error:
                failed.add(name)
                print(f"  {name} failed: {error!r}", file=sys.stderr, flush=True)
            samples.append(time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    return samples


def page_latencies(client: httpx.Client, url: str, reps: int, budget_s: float) -> list[float]:
    """A resource page as a browser asks for it (HTML), ``reps`` times within the budget.
    The service keeps no rendered page: the first sample is the page's first request (its
    queries cold in the store's caches), the others the same work again."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    for _ in range(reps):
        started = time.perf_counter()
        client.get(url, headers={"Accept": "text/html"}).raise_for_status()
        samples.append(time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    return samples


def http_asker(url: str, client: httpx.Client) -> object:
    """Ask over HTTP with the standard library's client on one kept-alive connection:
    httpx's own Python cost (0.4 ms a request, measured beside it) is not the server's."""
    parts = urlsplit(url)
    timeout = client.timeout.read
    connection = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=timeout)

    def ask(query: str) -> None:
        try:
            connection.request("GET", "/sparql?" + urlencode({"query": query}),
                               headers={"Accept": JSON_RESULTS})  # fmt: skip
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()  # a timeout or a closed connection: a new one next time
            raise httpx.TransportError(repr(error)) from error
        if response.status != 200:
            raise httpx.HTTPError(f"{response.status} for {query[:60]!r}")

    return ask


def oxigraph_asker(store: ox.Store) -> object:
    def ask(query: str) -> None:
        result = store.query(query)  # the default graph: the merge, stored at build
        if isinstance(result, ox.QuerySolutions):
            result.serialize(format=ox.QueryResultsFormat.JSON)
        else:
            list(result)  # type: ignore[arg-type]

    return ask


async def _throughput(
    url: str, queries: list[str], connections: int, seconds: float, max_requests: int
) -> tuple[int, int, list[float], float]:
    ok = failed = 0
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    sent = 0
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(timeout=20, limits=limits) as client:

        async def worker() -> None:
            nonlocal ok, failed, sent
            while time.perf_counter() < deadline and sent < max_requests:
                query = queries[sent % len(queries)]
                sent += 1
                started = time.perf_counter()
                try:
                    response = await client.get(f"{url}/sparql", params={"query": query},
                                                headers={"Accept": JSON_RESULTS})  # fmt: skip
                    good = response.status_code == 200
                except httpx.HTTPError:
                    good = False
                samples.append(time.perf_counter() - started)
                ok, failed = (ok + 1, failed) if good else (ok, failed + 1)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return ok, failed, samples, time.perf_counter() - started


def throughput(url: str, queries: list[str], connections: int, seconds: float) -> dict[str, float]:
    ok, failed, samples, elapsed = asyncio.run(
        _throughput(url, queries, connections, seconds, max_requests=20_000)
    )
    q = statistics.quantiles(samples, n=100) if len(samples) > 1 else [0.0] * 99
    return {"rps": ok / elapsed, "failed": failed, "p50": q[49], "p99": q[98]}


def summary(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
    return statistics.median(samples), q[98]


# ------------------------------------------------------------------ one size


def pages(client: httpx.Client, url: str, seconds: float) -> dict[str, dict[str, object]]:
    """Each page of ``PAGES``: its first request, and the median and p99 of the rest."""
    found: dict[str, dict[str, object]] = {}
    for name, path in PAGES.items():
        samples = page_latencies(client, url + path, 50, seconds)
        found[name] = {"first": samples[0], "again": summary(samples[1:] or samples)}
    return found


def bench_size(size: int, args: argparse.Namespace, peer: bool) -> dict[str, object]:
    print(f"\n## {size:,} triples requested", file=sys.stderr, flush=True)
    dist, built = build_release(size)
    release = (dist / "current").resolve()
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    row: dict[str, object] = {"size": size, "triples": manifest["triples"], "build": built}
    queries = mix()
    env = {
        "BOMAY_RELEASE_DIR": str(dist),
        "BOMAY_MAX_QUEUED_QUERIES": "64",  # clients wait rather than get 429 under this load
        # all load comes from one address: per-client limits would measure themselves
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",
        "BOMAY_MAX_QUERIES_PER_CLIENT": "0",
    }
    started = time.perf_counter()
    with running_server(env, start_timeout_s=120) as url:
        row["start_s"] = time.perf_counter() - started
        if args.pages_only:
            with httpx.Client(timeout=120) as client:
                row["pages"] = pages(client, url, args.seconds)
            return row
        with httpx.Client(timeout=120) as client:
            ask = http_asker(url, client)
            row["bomay_latency"] = summary(latencies(ask, queries, args.reps, args.seconds * 3))
            row["bomay_lookup"] = summary(latencies(ask, {"l": LOOKUP}, 200, args.seconds))
            row["bomay_rows50"] = summary(latencies(ask, {"r": ROWS50}, 200, args.seconds))
            row["bomay_rows50m"] = summary(latencies(ask, {"r": ROWS50_MERGE}, 200, args.seconds))
            row["pages"] = pages(client, url, args.seconds)
            largest = max(manifest["files"], key=lambda n: manifest["files"][n]["bytes"])
            t0 = time.perf_counter()
            size_bytes = len(client.get(f"{url}/dumps/{largest}").content)
            row["dump"] = (largest, size_bytes, time.perf_counter() - t0)
        row["bomay_tp"] = {c: throughput(url, list(queries.values()), c, args.seconds)
                           for c in (8, 32)}  # fmt: skip
    store = ox.Store.read_only(str(release / "store"))
    ask = oxigraph_asker(store)
    row["oxigraph_latency"] = summary(latencies(ask, queries, args.reps, args.seconds * 3))
    row["oxigraph_lookup"] = summary(latencies(ask, {"l": LOOKUP}, 200, args.seconds))
    row["oxigraph_rows50"] = summary(latencies(ask, {"r": ROWS50}, 200, args.seconds))
    row["oxigraph_rows50m"] = summary(latencies(ask, {"r": ROWS50_MERGE}, 200, args.seconds))
    del store
    bare = [PYTHON, str(ROOT / "bench" / "bare_server.py"), str(release / "store")]
    with process_server(bare) as (url, _):
        row["bare_tp"] = {c: throughput(url, list(queries.values()), c, args.seconds)
                          for c in (8, 32)}  # fmt: skip
    if peer:
        command = [peer_python(), str(ROOT / "bench" / "peer_rdflib.py"),
                   str(release / "bomay.nq.gz")]  # fmt: skip
        timeout = httpx.Timeout(args.peer_timeout_s)
        with process_server(command) as (url, start_s), httpx.Client(timeout=timeout) as client:
            row["peer_start_s"] = start_s
            ask = http_asker(url, client)
            row["peer_latency"] = summary(latencies(ask, queries, args.reps, args.seconds * 3))
            row["peer_lookup"] = summary(latencies(ask, {"l": LOOKUP}, 50, args.seconds))
            row["peer_tp"] = {c: throughput(url, list(queries.values()), c, args.seconds)
                              for c in (8, 32)}  # fmt: skip
    return row


# ------------------------------------------------------------------ tables


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _pair(row: dict[str, object], key: str) -> str:
    value = row.get(key)
    return f"{ms(value[0])} / {ms(value[1])}" if value else "n/a"  # type: ignore[index]


def _throughput_cell(row: dict[str, object], key: str, c: int) -> str:
    tp = row.get(key)
    if not tp:
        return "n/a"
    t = tp[c]  # type: ignore[index]
    return f"{t['rps']:,.1f} ({ms(t['p50'])} / {ms(t['p99'])}; {t['failed']})"


def _ratio(row: dict[str, object], key: str, c: int) -> str:
    tp = row.get(key)
    if not tp or not tp[c]["rps"]:  # type: ignore[index]
        return "n/a"
    return f"{row['bomay_tp'][c]['rps'] / tp[c]['rps']:.2f}x"  # type: ignore[index]


def print_tables(rows: list[dict[str, object]]) -> None:
    print_builds(rows)
    print_serving(rows)


def print_builds(rows: list[dict[str, object]]) -> None:
    steps = STEPS
    print("### Release build (seconds per step: wall clock / CPU time; peak RSS)\n")
    print("| triples | " + " | ".join(steps) + " | total | peak RSS MiB | time x per 10x data |")
    print("|---" * (len(steps) + 4) + "|")
    previous: tuple[int, float] | None = None
    for row in rows:
        build = row["build"]
        times, cpu = build["steps"], build.get("cpu", {})  # type: ignore[index, union-attr]
        total, total_cpu = sum(times.values()), sum(cpu.values())
        growth = ""
        if previous is not None:
            decades = math.log10(row["triples"] / previous[0])  # type: ignore[operator]
            growth = f"{(total_cpu / previous[1]) ** (1 / decades):.1f} (CPU)"
        previous = (row["triples"], total_cpu)  # type: ignore[assignment]
        cells = " | ".join(f"{times.get(s, 0):.1f} / {cpu.get(s, 0):.1f}" for s in steps)
        rss = build["peak_rss_mib"]  # type: ignore[index]
        print(f"| {row['triples']:,} | {cells} | {total:.1f} / {total_cpu:.1f} | {rss:,.0f} "
              f"| {growth} |")  # fmt: skip
    print("\n### Build after a one-article change (seconds: wall clock / CPU time)\n")
    print("| triples | " + " | ".join(steps) + " | total |")
    print("|---" * (len(steps) + 2) + "|")
    for row in rows:
        again = row["build"].get("incremental")  # type: ignore[union-attr]
        if not again:
            continue
        times, cpu = again["steps"], again["cpu"]
        cells = " | ".join(f"{times.get(s, 0):.1f} / {cpu.get(s, 0):.1f}" for s in steps)
        print(f"| {row['triples']:,} | {cells} | "
              f"{sum(times.values()):.1f} / {sum(cpu.values()):.1f} |")  # fmt: skip


def print_serving(rows: list[dict[str, object]]) -> None:
    print("\n### Server start and latency of the competency-question mix (ms: median / p99)\n")
    print(
        "| triples | bomay start s | bomay HTTP | pyoxigraph in-process | rdflib-endpoint "
        "| lookup: bomay HTTP | lookup: pyoxigraph | lookup: rdflib-endpoint "
        "| 50 rows: bomay HTTP | 50 rows: pyoxigraph "
        "| 50 rows of the merge: bomay HTTP | 50 rows of the merge: pyoxigraph |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        cells = " | ".join(_pair(row, k) for k in (
            "bomay_latency", "oxigraph_latency", "peer_latency",
            "bomay_lookup", "oxigraph_lookup", "peer_lookup", "bomay_rows50", "oxigraph_rows50",
            "bomay_rows50m", "oxigraph_rows50m",
        ))  # fmt: skip
        print(f"| {row['triples']:,} | {row['start_s']:.2f} | {cells} |")
    print_pages(rows)
    print("\n### HTTP throughput on the mix (requests/s; p50 / p99 ms; failed)\n")
    print(
        "| triples | connections | bomay | bare FastAPI+pyoxigraph | rdflib-endpoint "
        "| bomay / bare | bomay / rdflib-endpoint |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        for c in (8, 32):
            cells = " | ".join(
                _throughput_cell(row, k, c) for k in ("bomay_tp", "bare_tp", "peer_tp")
            )
            ratios = f"{_ratio(row, 'bare_tp', c)} | {_ratio(row, 'peer_tp', c)}"
            print(f"| {row['triples']:,} | {c} | {cells} | {ratios} |")
    print("\n### Largest dump served by bomay\n")
    print("| triples | file | MiB | seconds |")
    print("|---|---|---|---|")
    for row in rows:
        name, size, took = row["dump"]  # type: ignore[misc]
        print(f"| {row['triples']:,} | {name} | {size / 2**20:.1f} | {took:.2f} |")


def print_pages(rows: list[dict[str, object]]) -> None:
    print("\n### Resource pages as HTML (ms; no rendered page is kept: each is made anew)\n")
    print("| triples | page | first request | again: median / p99 |")
    print("|---|---|---|---|")
    for row in rows:
        for name, page in row.get("pages", {}).items():  # type: ignore[union-attr]
            again = page["again"]
            print(f"| {row['triples']:,} | {name} | {ms(page['first'])} "
                  f"| {ms(again[0])} / {ms(again[1])} |")  # fmt: skip


def print_targets(rows: list[dict[str, object]]) -> None:
    """The targets of issue 17, each with the figure of this run."""
    print("\n### Targets (this run)\n")
    print("| triples | target | measured | met |\n|---|---|---|---|")

    def line(row: dict[str, object], target: str, measured: str, met: bool) -> None:
        print(f"| {row['triples']:,} | {target} | {measured} | {'yes' if met else 'no'} |")

    for row in rows:
        for name, over_http, local in (("lookup", "bomay_lookup", "oxigraph_lookup"),
                                       ("50 rows", "bomay_rows50", "oxigraph_rows50"),
                                       ("50 rows of the merge", "bomay_rows50m",
                                        "oxigraph_rows50m")):  # fmt: skip
            if over_http in row and local in row:
                extra = (row[over_http][0] - row[local][0]) * 1000  # type: ignore[index]
                line(row, f"{name}: HTTP median ≤ in-process + 1.5 ms", f"{extra:+.2f} ms",
                     extra <= 1.5)  # fmt: skip
        for c in (8, 32):
            for key, goal in (("bare_tp", 0.9), ("peer_tp", 20.0)):
                tp = row.get(key)
                if tp and tp[c]["rps"]:  # type: ignore[index]
                    ratio = row["bomay_tp"][c]["rps"] / tp[c]["rps"]  # type: ignore[index]
                    peer = "bare FastAPI+pyoxigraph" if key == "bare_tp" else "rdflib-endpoint"
                    line(row, f"mix at {c} connections ≥ {goal:g}x {peer}", f"{ratio:.2f}x",
                         ratio >= goal)  # fmt: skip
        start = float(row["start_s"])  # type: ignore[arg-type]
        line(row, "start to first answer ≤ 1 s (at 1M)", f"{start:.2f} s", start <= 1)
        for name, page in row.get("pages", {}).items():  # type: ignore[union-attr]
            median = page["again"][0]
            line(row, f"{name} page median ≤ 50 ms (at 100K)",
                 f"{median * 1000:.1f} ms (first request {page['first'] * 1000:.1f} ms)",
                 median <= 0.05)  # fmt: skip
        build = row["build"]
        total = sum(build["steps"].values())  # type: ignore[index]
        rss = build["peak_rss_mib"]  # type: ignore[index]
        line(row, "full release ≤ 2 min, ≤ 3 GiB (at 1M)", f"{total:.0f} s, {rss:,.0f} MiB",
             total <= 120 and rss <= 3072)  # fmt: skip
        again = build.get("incremental")  # type: ignore[union-attr]
        if again:
            took = sum(again["steps"].values())
            line(row, "build after a one-article change ≤ 5 s (real data)", f"{took:.1f} s",
                 took <= 5)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--large", action="store_true", help="add 1,000,000 triples")
    parser.add_argument("--reps", type=int, default=20, help="repetitions of the mix")
    parser.add_argument("--seconds", type=float, default=8, help="time budget per load run")
    parser.add_argument("--no-peer", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument("--peer-timeout-s", type=float, default=20, help="per request")
    parser.add_argument("--real", action="store_true", help="build data/ too (build only)")
    parser.add_argument("--pages-only", action="store_true",
                        help="build, serve and time only the resource pages")  # fmt: skip
    args = parser.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.large else [])]
    rows = []
    if args.real:
        print("\n## the project's own data", file=sys.stderr, flush=True)
        dist, built = build_release(0)
        manifest = json.loads((dist / "current" / "manifest.json").read_text(encoding="utf-8"))
        real = {"size": 0, "triples": manifest["triples"], "build": built, "real": True}
    for size in sizes:
        rows.append(bench_size(size, args, peer=not args.no_peer and size <= 100_000))
        (WORK / f"row-{size}.json").write_text(json.dumps(rows[-1], default=str))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}\n")
    if args.pages_only:
        print_pages(rows)
        print_targets(rows)
        return
    print_tables(rows)
    if args.real:
        print("\n### The project's own data (data/), built the same way\n")
        print_builds([real])
    print_targets(rows)
    if args.real:
        full = sum(real["build"]["steps"].values())  # type: ignore[index]
        again = sum(real["build"]["incremental"]["steps"].values())  # type: ignore[index]
        triples = f"{real['triples']:,} (data/)"
        print(f"| {triples} | full build ≤ 30 s | {full:.1f} s | {'yes' if full <= 30 else 'no'} |")
        print(f"| {triples} | build after a one-article change ≤ 5 s | {again:.1f} s "
              f"| {'yes' if again <= 5 else 'no'} |")  # fmt: skip
    (WORK / "last-run.json").write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
