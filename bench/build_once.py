"""Build one release and print, as JSON, the time of each step and the peak RSS.

    .venv/bin/python bench/build_once.py DATA_FOLDER RELEASE_FOLDER

Run in its own process by bench/run.py, so that the peak RSS is this build's alone.
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


def main() -> None:
    settings = Settings(
        data_dir=Path(sys.argv[1]),
        sources_dir=Path(sys.argv[1]) / "sources",
        release_dir=Path(sys.argv[2]),
        release_date=dt.date(2026, 1, 1),
    )
    times: dict[str, float] = {}
    current = ["setup", time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        times[str(current[0])] = now - float(current[1])
        current[:] = [name, now]

    build(settings, step)  # calls step() as each step starts
    step("end")
    times.pop("setup", None)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"steps": times, "peak_rss_mib": peak_mib}))


if __name__ == "__main__":
    main()
