"""Time the HTML pages of administrative units and provinces, and /lookup, on a release.

    .venv/bin/python bench/unit_pages.py [--release-dir dist] [--units 200] [--seed 13]

Starts `bomay serve` on a free port against the release (build a national one first), asks
each page once to warm the server, then times every province of both structures and a
seeded sample of communes and districts, one request at a time, and prints a markdown table
of p50, p95 and the slowest page. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from pathlib import Path

import httpx

from tests.launch import running_server


def _paths(release: Path, units: int, seed: int) -> dict[str, list[str]]:
    with (release / "crosswalk-2025.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with (release / "crosswalk-2025-provinces.csv").open(encoding="utf-8", newline="") as f:
        provinces = list(csv.DictReader(f))

    def local(iri: str) -> str:
        return "/" + iri.split("/bomay/", 1)[1]

    sample = random.Random(seed).sample(rows, units)  # noqa: S311 - a seeded sample
    return {
        "province (old and new)": sorted(
            {local(p["old_iri"]) for p in provinces} | {local(p["new_iri"]) for p in provinces}
        ),
        "commune, old": [local(r["old_iri"]) for r in sample],
        "commune, new": sorted({local(r["new_iri"]) for r in sample}),
        "lookup": [
            f"/lookup?q={r['old_name']}, {r['old_district_name']}, {r['old_province_name']}"
            for r in sample[: units // 4]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release-dir", type=Path, default=Path("dist"))
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    release = (args.release_dir / "current").resolve()
    kinds = _paths(release, args.units, args.seed)
    env = {"BOMAY_RELEASE_DIR": str(args.release_dir), "BOMAY_RATE_LIMIT_PER_MINUTE": "0"}
    with running_server(env) as url, httpx.Client(base_url=url, timeout=60) as client:
        for paths in kinds.values():  # warm: first use of each worker, the lookup index
            for path in paths[:5]:
                client.get(path, headers={"Accept": "text/html"}).raise_for_status()
        print(f"release {release.name}\n")
        print("| page | pages | p50 ms | p95 ms | slowest ms | slowest page |")
        print("|---|---|---|---|---|---|")
        for kind, paths in kinds.items():
            times = []
            for path in paths:
                started = time.perf_counter()
                client.get(path, headers={"Accept": "text/html"}).raise_for_status()
                times.append((time.perf_counter() - started, path))
            seconds = sorted(t for t, _ in times)
            p95 = statistics.quantiles(seconds, n=20)[18] if len(seconds) > 1 else seconds[0]
            worst = max(times)
            print(f"| {kind} | {len(times)} | {statistics.median(seconds) * 1000:.0f} "
                  f"| {p95 * 1000:.0f} | {worst[0] * 1000:.0f} | `{worst[1]}` |")  # fmt: skip


if __name__ == "__main__":
    main()
