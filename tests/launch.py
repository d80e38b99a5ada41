"""Start a real ``bomay serve`` process on 127.0.0.1 and wait until it is healthy.

For the test suite, the benchmarks and fault scripts: they exercise the service exactly as
a user starts it, as a separate process on the loopback interface.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


class ServerDidNotStartError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(env: dict[str, str], *, start_timeout_s: float = 60) -> Iterator[str]:
    """Yield the base URL of a server started with ``env`` (added to the environment)."""
    with server_process(env, start_timeout_s=start_timeout_s) as (url, _):
        yield url


@contextmanager
def server_process(
    env: dict[str, str], *, start_timeout_s: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like ``running_server``, with the process too: for fault tests that kill it."""
    port = free_port()
    bomay = str(Path(sys.executable).with_name("bomay"))
    full_env = {**os.environ, "BOMAY_PUBLIC_URL": f"http://127.0.0.1:{port}/", **env}
    # a file, not a pipe: nobody reads the log while the server runs, and a full pipe would
    # block the server mid-request
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [bomay, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout_s
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise ServerDidNotStartError(f"bomay serve did not start:\n{log.read()}")
                time.sleep(0.02)  # the start is measured by this wait (bench/run.py)
            yield url, process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    """Ask a child process to end, and kill it if it has not within ``grace_s``."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_s)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
