"""A running server moves to a new release without a restart and without dropping requests."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx

from conftest import changed_project, copy_release, settings_for
from launch import server_process
from publish.build.release import build
from publish.inuse import is_held
from publish.store import Release

ASK = "ASK { ?s ?p ?o }"


def test_a_new_release_is_served_without_restart_or_dropped_requests(
    release: Release, project_copy: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    old = copy_release(release, dist)
    env = {
        "BOMAY_RELEASE_DIR": str(dist),
        "BOMAY_RELEASE_POLL_S": "0.5",
        "BOMAY_QUERY_TIMEOUT_S": "5",
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",
    }
    statuses: Counter[int] = Counter()
    releases_seen: set[str] = set()
    stop = threading.Event()

    def load(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                statuses[http.get("/sparql", params={"query": ASK}).status_code] += 1
                sums = http.get("/dumps/SHA256SUMS")
                statuses[sums.status_code] += 1
                releases_seen.add(http.get("/health").json()["release"])

    with server_process(env) as (url, _):
        clients = [threading.Thread(target=load, args=(url,)) for _ in range(2)]
        for client in clients:
            client.start()
        try:
            changed_project(project_copy)
            new = build(settings_for(project_copy, dist))
            assert new != old and is_held(old)  # still served: kept whatever keep_releases
            for _ in range(600):  # bounded: the server looks every 0.5 s
                if new.name in releases_seen:
                    break
                stop.wait(0.1)
        finally:
            stop.set()
            for client in clients:
                client.join()
        assert new.name in releases_seen and old.name in releases_seen
        assert set(statuses) == {200}, statuses
        served = httpx.get(f"{url}/dumps/SHA256SUMS", timeout=30).text
        assert served == (new / "SHA256SUMS").read_text()
        assert httpx.get(f"{url}/health", timeout=30).json()["release"] == new.name
        # the catalogue's versioned URLs: the old release's files while it is kept
        for release_id, folder in ((old.name, old), (new.name, new)):
            trig = httpx.get(f"{url}/releases/{release_id}/bomay.trig", timeout=30)
            assert trig.status_code == 200 and trig.content == (folder / "bomay.trig").read_bytes()
        assert httpx.get(f"{url}/releases/{old.name}/store", timeout=30).status_code == 404
        assert httpx.get(f"{url}/releases/2000-01-01-0123456789ab/bomay.trig").status_code == 404
        # what changed, in words: the ontology's version, on the ontology's resource
        changes = httpx.get(f"{url}/changes", params={"lang": "en"}, timeout=30).text
        assert f"Since release <code>{old.name}</code>" in changes
        assert "1 statements added, 1 statements removed" in changes
        assert 'href="/def"' in changes and "The bomay ontology" in changes
