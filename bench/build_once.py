"""Build one release and print, as JSON, the time of each step and the peak RSS.

    .venv/bin/python bench/build_once.py DATA_FOLDER RELEASE_FOLDER

Run in its own process by bench/run.py, so that the peak RSS is this build's alone. Each
step is timed twice: wall clock, and the CPU time of this process (all its threads), which
a busy machine inflates much less than the wall clock; ``incremental`` then builds again
after a one-file change (the first file of ``DATA_FOLDER``'s articles gets one label more).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

from publish.build.release import build
from publish.settings import Settings


def timed_build(settings: Settings) -> dict[str, dict[str, float]]:
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    current = ["setup", time.perf_counter(), time.process_time()]

    def step(name: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        wall[str(current[0])] = now - float(current[1])
        cpu[str(current[0])] = now_cpu - float(current[2])
        current[:] = [name, now, now_cpu]

    build(settings, step)  # calls step() as each step starts
    step("end")
    wall.pop("setup", None)
    cpu.pop("setup", None)
    return {"steps": wall, "cpu": cpu}


def touch_one_article(data: Path) -> None:
    """A curator's change: one article gains an alternative label (a new one each time,
    so that a second run changes the data too)."""
    article = sorted(data.glob("article-*.ttl"))[0]
    text = article.read_text(encoding="utf-8")
    marker = "skos:prefLabel "
    at = text.index(marker)
    label = f'skos:altLabel "bench {text.count("bench ") + 1}"@vi ;\n    '
    article.write_text(text[:at] + label + text[at:], "utf-8")


def main() -> None:
    data, dist = Path(sys.argv[1]), Path(sys.argv[2])
    # synthetic data (bench/generate.py) carries its replicas' sources in data/sources
    sources = {"sources_dir": data / "sources"} if (data / "sources").is_dir() else {}
    settings = Settings(
        data_dir=data, release_dir=dist, release_date=dt.date(2026, 1, 1), **sources
    )  # type: ignore[arg-type]
    result: dict[str, object] = dict(timed_build(settings))
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    touch_one_article(data)
    result["incremental"] = timed_build(settings)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
