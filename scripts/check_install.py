#!/usr/bin/env python3
"""Install bomay as a newcomer would, then build and serve from a project directory.

``python3 scripts/check_install.py`` builds the wheel, installs it (not editable) with the
pinned dependencies into a fresh venv outside the checkout, copies the project files (no
code) into a fresh project directory, and there runs ``bomay build`` and ``bomay serve`` with
no ``BOMAY_*`` variable set. It then asks the server for pages, files and IRIs that need the
package data (templates, static files, built-in queries). ``.ci/run`` runs it before the
tests. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: what a project directory holds: data and its checks, never the code
PROJECT = ("bomay.toml", "ontology", "data", "shapes", "sources", "queries")
#: what the installed server must answer with 200 (path, Accept)
CHECKS = (
    ("/", "text/html"),
    ("/timeline", "text/html"),  # a built-in query
    ("/query", "text/html"),
    ("/static/query.js", "*/*"),  # package data
    ("/static/yasgui/yasgui.min.js", "*/*"),
    ("/def", "text/turtle"),
    ("/id/dataset/bomay", "text/html"),  # the catalogue, checked by the vendored DCAT-AP shapes
    ("/graph/article-000", "text/turtle"),
    ("/changes", "text/html"),
    ("/id/agency/hai-phong/an-lao/van-phong-huyen", "text/turtle"),
    ("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "application/sparql-results+json"),
    ("/dumps/SHA256SUMS", "*/*"),
    ("/dumps/crosswalk-2025.csv", "*/*"),
    ("/id/place/quang-ninh", "text/html"),  # a unit's page (templates/unit.html)
    (
        "/lookup?q=X.%20An%20Ti%E1%BA%BFn%2C%20H.%20An%20L%C3%A3o%2C%20H%E1%BA%A3i%20Ph%C3%B2ng",
        "text/html",
    ),
)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    print("$", " ".join(command), f"(in {cwd})", flush=True)
    subprocess.run(command, cwd=cwd, env=env, check=True)  # noqa: S603 - fixed commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def serve_and_check(bomay: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """Start ``bomay serve`` in ``cwd``; the list of failed checks (empty when all pass)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = cwd / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - the installed command, fixed arguments
            [bomay, "serve", "--port", str(port)], cwd=cwd, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{base}/health", "application/json")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                return [f"bomay serve did not start:\n{log.read_text()}"]
            time.sleep(0.2)
        failures = []
        for path, accept in CHECKS:
            status, body = get(base + path, accept)
            print(f"{status} {path}", flush=True)
            if status != 200 or not body:
                failures.append(f"{path}: {status} {body[:300]!r}")
        return failures
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bomay-install-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOMAY_", "PYTHON"))}
    try:
        python = sys.executable
        run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work / "wheel"),
             str(ROOT)], work, env)  # fmt: skip
        wheel = next((work / "wheel").glob("bomay-*.whl"))
        run([python, "-m", "venv", str(work / "venv")], work, env)
        pip = [str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        run([*pip, "--disable-pip-version-check", "-c", str(ROOT / "constraints.txt"),
             str(wheel)], work, env)  # fmt: skip
        bomay = str(work / "venv" / "bin" / "bomay")
        project = work / "project"
        project.mkdir()
        for name in PROJECT:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, project / name)
            else:
                shutil.copy2(source, project / name)
        run([bomay, "-C", "project", "build"], work, env)  # -C names the project
        if not (project / "dist" / "current" / "manifest.json").is_file():
            print("the release was not written into the project directory", file=sys.stderr)
            return 1
        run([bomay, "verify"], project / "data", env)  # bomay.toml found upward
        failures = serve_and_check(bomay, project / "sources", env)
        for failure in failures:
            print(f"FAILED {failure}", file=sys.stderr)
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
