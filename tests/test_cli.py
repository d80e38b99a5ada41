"""The CLI against the session's release: query output formats and stats."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from publish.cli import app

runner = CliRunner()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/bomay/def#Merger> }"


def test_query_json_csv_tsv_table(release_cli_env: dict[str, str]) -> None:
    as_json = runner.invoke(app, ["query", COUNT, "-o", "json"], env=release_cli_env)
    assert as_json.exit_code == 0, as_json.output
    count = int(json.loads(as_json.stdout)["results"]["bindings"][0]["n"]["value"])
    assert count >= 4
    as_csv = runner.invoke(app, ["query", COUNT, "-o", "csv"], env=release_cli_env)
    assert list(csv.reader(io.StringIO(as_csv.stdout)))[1] == [str(count)]
    as_tsv = runner.invoke(app, ["query", COUNT, "-o", "tsv"], env=release_cli_env)
    assert as_tsv.stdout.splitlines()[0] == "?n"
    table = runner.invoke(app, ["query", COUNT], env=release_cli_env)
    assert str(count) in table.stdout


def test_query_from_file_and_construct(release_cli_env: dict[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    q = tmp_path / "q.rq"
    q.write_text("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3")
    result = runner.invoke(app, ["query", "--file", str(q)], env=release_cli_env)
    assert result.exit_code == 0
    assert result.stdout.count(" a ") + result.stdout.count("rdf-syntax-ns#type") >= 1


def test_query_needs_exactly_one_source(release_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query"], env=release_cli_env)
    assert result.exit_code == 2


def test_stats_prints_graphs_classes_sources(release_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["stats"], env=release_cli_env)
    assert result.exit_code == 0, result.output
    for word in ("graphs", "classes", "sources", "article-000", "Merger"):
        assert word in result.stdout


def test_no_release_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["stats"], env={"BOMAY_RELEASE_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "bomay build" in result.output


def test_installed_entry_point_runs(release_cli_env: dict[str, str]) -> None:
    """The console script a user types, as a real process."""
    bomay = f"{sys.prefix}/bin/bomay"
    done = subprocess.run(
        [bomay, "query", COUNT, "-o", "csv"],
        env={**os.environ, **release_cli_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
