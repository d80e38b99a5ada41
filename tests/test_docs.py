"""Docs that cannot drift: the README's reference sections are written from the code, the
Service Description publishes what the settings say, and the commands the docs show run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import typer

from conftest import ROOT, TIMEOUT_S
from publish.cli import app
from publish.settings import Settings
from scripts import readme

SCHEMA = "https://schema.org/"
#: ``.venv/bin/python -m module [options]`` as the docs write a command that takes options
MODULE_COMMAND = re.compile(r"\.venv/bin/python -m ([a-z_.]+)")
DOCUMENTED = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
              *sorted((ROOT / "bench").glob("*.py"))]  # fmt: skip


def test_the_readme_sections_are_written_from_the_code() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.rendered(text) == text, "run .venv/bin/python scripts/readme.py"
    for name in Settings.model_fields:
        assert f"| `{Settings.variable(name)}` |" in text
    for command in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        assert f"| `bomay {command} " in text


def test_the_service_description_publishes_each_published_setting(server: str) -> None:
    answer = httpx.get(f"{server}/sparql", headers={"Accept": "application/n-triples"})
    triples = list(ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))

    def value(node: ox.BlankNode | ox.NamedNode, prop: str) -> str:
        return next(
            t.object.value
            for t in triples
            if t.subject == node and t.predicate.value == SCHEMA + prop
        )  # type: ignore[union-attr]

    nodes = [t.object for t in triples if t.predicate.value == SCHEMA + "additionalProperty"]
    published = {value(n, "propertyID"): value(n, "value") for n in nodes}  # type: ignore[arg-type]
    assert set(published) == {Settings.variable(n) for n in Settings.published()}
    assert float(published["BOMAY_QUERY_TIMEOUT_S"]) == TIMEOUT_S  # the server's own value
    assert "Settings" in (ROOT / "README.md").read_text() and len(published) >= 10


@pytest.mark.parametrize(
    "module",
    sorted({m for path in DOCUMENTED for m in MODULE_COMMAND.findall(path.read_text())}),
)
def test_each_documented_module_command_runs(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout.lower()


def test_the_readme_s_curl_examples_run_against_a_server(server: str, tmp_path: Path) -> None:
    """The endpoint examples, as written, against the test server (curl --fail: a 4xx or
    5xx fails the block)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", text, re.S) if "curl" in b]
    assert blocks
    (tmp_path / ".curlrc").write_text("fail\nsilent\nshow-error\n")
    env = {**os.environ, "CURL_HOME": str(tmp_path), "HOME": str(tmp_path)}
    for block in blocks:
        script = "set -e\n" + block.replace("http://127.0.0.1:8000", server)
        done = subprocess.run(
            [shutil.which("bash") or "/bin/bash", "-c", script], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{block}\n{done.stderr}"
        # the endpoint's examples ask about one agency; /lookup's about one old commune
        expected = "Xã An Lão" if "/lookup" in block else "Văn phòng huyện An Lão"
        assert expected in done.stdout
