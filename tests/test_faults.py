"""Faults injected for real: killed builds and servers, killed workers, unwritable or full
release folders, damaged files. After each, the last good release is what is served."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from conftest import changed_project, copy_release, project_env, settings_for
from launch import free_port, server_process
from publish.build.release import _prune, build
from publish.cli import app
from publish.integrity import STORE_CHECKSUMS, verify
from publish.inuse import hold, is_held
from publish.serve.verified import ReleaseCheck
from publish.settings import Settings
from publish.store import Release

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
KILL_AT_STEP = """
import os, signal, sys
from publish.build.release import _prune, build
from publish.settings import Settings
def step(name):
    if name == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)
build(Settings(), step)
"""
runner = CliRunner()


def build_env(root: Path, dist: Path) -> dict[str, str]:
    return {**os.environ, **project_env(root, dist)}


@pytest.mark.parametrize("step", ["validate", "store", "switch"])
def test_a_build_killed_at_any_step_leaves_current_untouched(
    step: str, release: Release, project_copy: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    good = copy_release(release, dist)
    changed_project(project_copy)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_STEP, step], env=build_env(project_copy, dist), check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert (dist / "current").resolve() == good
    assert verify(good) == []
    if step == "store":  # a half-written folder was left behind; the next build clears it
        assert list((dist / "releases").glob(".building-*"))
        new = build(settings_for(project_copy, dist))
        assert (dist / "current").resolve() == new != good
        assert not list((dist / "releases").glob(".building-*"))


FULL_DISK = """
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
unlimited = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, unlimited[1]))
from publish.cli import app
try:
    app(["build"])
finally:  # the build is over: coverage may write its data file at exit
    resource.setrlimit(resource.RLIMIT_FSIZE, unlimited)
"""


def test_a_full_disk_is_a_clear_error(release: Release, project_copy: Path, tmp_path: Path) -> None:
    """No file may grow past 100 kB, as on a full disk: the first dump cannot be written."""
    dist = tmp_path / "dist"
    good = copy_release(release, dist)
    changed_project(project_copy)
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK], env=build_env(project_copy, dist),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "cannot write the release (File too large)" in result.stderr
    assert "is unchanged" in result.stderr and "Traceback" not in result.stderr
    assert (dist / "current").resolve() == good and verify(good) == []
    assert not list((dist / "releases").glob(".building-*"))


def test_a_read_only_release_folder_is_a_clear_error(
    release: Release, project_copy: Path, tmp_path: Path
) -> None:
    """The releases folder is made read-only: by its mode for a user, immutable for root
    (root ignores permission bits, not the immutable attribute)."""
    dist = tmp_path / "dist"
    good = copy_release(release, dist)
    changed_project(project_copy)
    releases = dist / "releases"
    if os.geteuid() != 0:
        lock, unlock, reason = ["chmod", "a-w"], ["chmod", "u+w"], "Permission denied"
    else:
        if shutil.which("chattr") is None:
            pytest.skip("root needs chattr (e2fsprogs) to make a folder read-only")
        lock, unlock, reason = ["chattr", "+i"], ["chattr", "-i"], "Operation not permitted"
    if subprocess.run([*lock, str(releases)], check=False).returncode != 0:
        pytest.skip(f"this file system refuses {' '.join(lock)}")
    try:
        result = runner.invoke(app, ["build"], env=build_env(project_copy, dist))
    finally:
        subprocess.run([*unlock, str(releases)], check=True)
    assert result.exit_code == 2, result.output
    assert f"cannot write the release ({reason})" in result.output
    assert "is unchanged" in result.output and "Traceback" not in result.output
    assert (dist / "current").resolve() == good and verify(good) == []


@pytest.mark.parametrize("victim", ["bomay.nt.gz", "store"])
def test_a_damaged_file_is_found_by_verify_and_serve_refuses(
    victim: str, release: Release, tmp_path: Path
) -> None:
    good = copy_release(release, tmp_path / "dist")
    env = {"BOMAY_RELEASE_DIR": str(tmp_path / "dist")}
    intact = runner.invoke(app, ["verify"], env=env)
    assert intact.exit_code == 0, intact.output
    older = good.parent / "older"  # built before the store had checksums: still served
    shutil.copytree(good, older)
    (older / STORE_CHECKSUMS).unlink()
    assert verify(older) == []
    shutil.rmtree(older)
    if victim == "store":
        victim = (good / STORE_CHECKSUMS).read_text().splitlines()[-1].split("  ")[1]
    path = good / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = runner.invoke(app, ["verify"], env=env)
    assert result.exit_code == 2
    assert f"{victim}: checksum does not match" in result.output
    assert "Traceback" not in result.output
    code, output, answers = _serve_damaged(env)
    assert code == 2, output
    assert f"{victim}: checksum does not match" in output and "Traceback" not in output
    # the store is checked before the server listens; the dumps just after, and until
    # then (and after) nothing is served from them
    assert set(answers) <= {503}, answers


def test_a_missing_file_is_reported_by_the_part_of_the_check_that_reads_it(
    release: Release, tmp_path: Path
) -> None:
    good = copy_release(release, tmp_path / "dist")
    (good / "bomay.nt.gz").unlink()
    store_file = (good / STORE_CHECKSUMS).read_text().splitlines()[-1].split("  ")[1]
    (good / store_file).unlink()
    check = ReleaseCheck(good)
    assert check.queried.result() == [f"{store_file}: missing (listed in {STORE_CHECKSUMS})"]
    check.check_rest()  # a server starts it after its first answer
    assert check.rest.result(timeout=60) == ["bomay.nt.gz: missing (listed in SHA256SUMS)"]


def _serve_damaged(env: dict[str, str]) -> tuple[int, str, list[int]]:
    """Serve a damaged release: the exit code, the output, and the status of each request
    for a dump while the server ran (it must stop by itself)."""
    port = free_port()
    bomay = str(Path(sys.executable).with_name("bomay"))
    process = subprocess.Popen(
        [bomay, "serve", "--port", str(port)], env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    answers = []
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            dump = httpx.get(f"http://127.0.0.1:{port}/dumps/bomay.nt.gz", timeout=30)
            answers.append(dump.status_code)
        except httpx.TransportError:
            time.sleep(0.05)  # not listening yet, or stopped: poll again
    output, _ = process.communicate(timeout=30)
    return process.returncode, output.decode(), answers


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _workers(server: int) -> list[int]:
    """The query workers: children of the fork server, which is the server's child."""
    return [worker for child in _children(server) for worker in _children(child)]


def _state(pid: int, task: str = "") -> str:
    """The state of process ``pid`` (its main thread), or of one of its threads."""
    try:
        return Path(f"/proc/{pid}{task}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _on_the_cpu(pid: int) -> bool:
    """Whether a thread of ``pid`` runs (state R): a worker answers in a thread of its own."""
    tasks = Path(f"/proc/{pid}/task")
    return any(_state(pid, f"/task/{task.name}") == "R" for task in tasks.glob("*"))


WORKERS = 2


def _idle_workers(server: int, count: int = WORKERS) -> list[int]:
    """Poll until the server's ``count`` workers have started (some start in the background)
    and each waits for a query (state S): then the one that runs is the query's."""
    for _ in range(600):  # bounded: 30 s
        workers = _workers(server)
        if len(workers) >= count and all(_state(w) == "S" for w in workers):
            return workers
        time.sleep(0.05)
    raise AssertionError(f"the server's {count} workers did not all start and wait")


def _wait_for_a_running_worker(server: int) -> None:
    """Poll until a query worker is on the CPU: the query has reached it."""
    for _ in range(600):  # bounded: 30 s
        if any(_on_the_cpu(worker) for worker in _workers(server)):
            return
        time.sleep(0.05)
    raise AssertionError("no worker started the query")


def _gone(pids: list[int]) -> bool:
    for _ in range(100):  # a bounded wait for the kernel to reap them
        if not any(Path(f"/proc/{p}").exists() for p in pids):
            return True
        time.sleep(0.1)
    return False


def test_a_killed_server_takes_its_workers_and_a_restart_serves(
    release: Release, settings: Settings
) -> None:
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": "120",
        "BOMAY_WORKER_MEMORY_MB": "0",  # only the kill may end the query
        "BOMAY_QUERY_WORKERS": str(WORKERS),
    }
    with server_process(env) as (url, process):
        workers = _idle_workers(process.pid)
        helpers = _children(process.pid)  # the fork server and multiprocessing's tracker
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(httpx.get, f"{url}/sparql", params={"query": CROSS}, timeout=60)
            _wait_for_a_running_worker(process.pid)
            process.kill()
            with pytest.raises(httpx.TransportError):
                pending.result()
        assert _gone(workers), "orphaned query workers kept running"
        assert _gone(helpers), "the fork server outlived the server"
    assert verify(release.folder) == []
    with server_process(env) as (url, _):
        assert httpx.get(f"{url}/sparql", params={"query": "ASK {?s ?p ?o}"}).json()["boolean"]


def test_workers_killed_mid_query_give_503_and_are_replaced(
    release: Release, settings: Settings
) -> None:
    """Every worker is killed while one runs a query: that request gets 503, and the service
    recovers (a dead idle worker is found on its next use and replaced too)."""
    env = {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": "120",
        "BOMAY_WORKER_MEMORY_MB": "0",  # only our kill may stop the query
        "BOMAY_QUERY_WORKERS": str(WORKERS),
    }
    with server_process(env) as (url, process):
        _idle_workers(process.pid)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(httpx.get, f"{url}/sparql", params={"query": CROSS}, timeout=60)
            _wait_for_a_running_worker(process.pid)
            for worker in _workers(process.pid):
                os.kill(worker, signal.SIGKILL)
            answer = pending.result()
        assert answer.status_code == 503 and "replaced" in answer.text
        states = []
        for _ in range(20):  # bounded: replacements start in the background
            states.append(httpx.get(f"{url}/health", timeout=60).json()["status"])
            if states[-1] == "ok":
                break
            time.sleep(0.5)
        assert states[-1] == "ok", states


def test_a_served_release_is_held_and_never_pruned(server: str, release: Release) -> None:
    assert is_held(release.folder)  # the session server holds what it serves


def test_pruning_skips_held_releases(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    for age, name in enumerate(["old-served", "old", "previous", "new"]):
        folder = releases / name
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (age, age))
    served = hold(releases / "old-served")
    try:
        _prune(releases, keep={"new", "previous"}, count=1)
        assert sorted(p.name for p in releases.iterdir()) == ["new", "old-served", "previous"]
    finally:
        served.close()
    _prune(releases, keep={"new"}, count=1)
    assert sorted(p.name for p in releases.iterdir()) == ["new"]
