#!/usr/bin/env python3
"""Set up and run bomay with nothing but Python 3.11+: ``python3 tasks.py run|test``.

Creates ``.venv`` on first use and reinstalls when pyproject.toml or constraints.txt change
(pinned versions from constraints.txt), then runs the real command inside it. Standard
library only, because it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".bomay-installed"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("bomay needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print("creating .venv", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    if not STAMP.exists() or STAMP.read_text() != _fingerprint():
        print("installing bomay and its pinned dependencies into .venv", file=sys.stderr)
        pip = [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        subprocess.run(
            [*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"], check=True
        )
        STAMP.write_text(_fingerprint())


def run(*command: str) -> int:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, check=False).returncode


def run_service(args: list[str]) -> int:
    """Build a release when there is none (or an older bomay built it), then serve it."""
    manifest = ROOT / "dist" / "current" / "manifest.json"
    # the store layout that publish/store.py's STORE_LAYOUT names (this file runs before
    # the venv exists, so it cannot import it)
    built = manifest.exists() and json.loads(manifest.read_text()).get("store_layout") == 3
    if not built and run("bomay", "build") != 0:
        return 1
    return run("bomay", "serve", *args)


def test(args: list[str]) -> int:
    """The whole suite: lint, types, then pytest with coverage (what CI runs)."""
    for check in (("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)):
        if run(*check) != 0:
            return 1
    return run(
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadgroup",
        "--cov",
        "--cov-report=term",
        "--cov-fail-under=85",
        *args,
    )


COMMANDS = {"run": run_service, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [args…]")
    ensure_venv()
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
