"""The CLI: query output formats and stats on the session's release, the project directory."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pydantic import ValidationError
from rdflib import RDF
from typer.testing import CliRunner

from publish.cli import app
from publish.settings import Settings

RDF_TYPE = RDF.type

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


def test_query_from_file_and_construct(release_cli_env: dict[str, str], tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } ORDER BY ?s ?t LIMIT 3")
    result = runner.invoke(app, ["query", "--file", str(q)], env=release_cli_env)
    assert result.exit_code == 0, result.output
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 3
    assert {t.predicate.value for t in triples} == {str(RDF_TYPE)}


def test_query_needs_exactly_one_source(release_cli_env: dict[str, str], tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text(COUNT)
    for arguments in (["query"], ["query", COUNT, "--file", str(q)]):
        result = runner.invoke(app, arguments, env=release_cli_env)
        assert result.exit_code == 2
        assert "give a query or --file, not both" in result.output


def test_a_bad_query_names_the_parser_error(release_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "SELECT * WHERE { ?s ?p"], env=release_cli_env)
    assert result.exit_code == 2
    assert "bad query" in result.output and "Traceback" not in result.output


def test_stats_prints_graphs_classes_sources(release_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["stats"], env=release_cli_env)
    assert result.exit_code == 0, result.output
    for word in ("graphs", "classes", "sources", "article-000", "Merger"):
        assert word in result.stdout


def test_no_release_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats"], env={"BOMAY_RELEASE_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert f"no release in {tmp_path} (run `bomay build`)" in result.output


def _no_release_in(output: str) -> str:
    """The folder named by "no release in …" (rich may wrap a long path)."""
    return "".join(output.split()).split("noreleasein", 1)[1].split("(run")[0]


def test_the_project_is_the_current_directory_or_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the folder the package is installed in: where bomay runs, or -C DIR."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    monkeypatch.chdir(project)
    here = runner.invoke(app, ["stats"])
    assert here.exit_code == 2 and _no_release_in(here.output) == str(project / "dist")
    monkeypatch.chdir(tmp_path)
    other = runner.invoke(app, ["-C", "project", "stats"])  # -C changes the directory
    assert other.exit_code == 2 and _no_release_in(other.output) == str(project / "dist")
    missing = runner.invoke(app, ["-C", "nowhere", "stats"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_bomay_toml_is_found_upward_and_holds_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bomay.toml").write_text(
        'release_dir = "out"\nbase_iri = "https://example.org/b/"\n'
    )
    (tmp_path / "data" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "data" / "deep")
    settings = Settings()
    assert settings.project_dir == tmp_path
    assert settings.release_dir == tmp_path / "out"  # relative to bomay.toml
    assert settings.data_dir == tmp_path / "data"
    assert settings.base_iri == "https://example.org/b/"
    monkeypatch.setenv("BOMAY_BASE_IRI", "https://example.net/")
    assert Settings().base_iri == "https://example.net/"  # the environment overrides the file
    result = runner.invoke(app, ["stats"])
    assert _no_release_in(result.output) == str(tmp_path / "out")
    (tmp_path / "bomay.toml").write_text('release_dir = "out"\nno_such_setting = 1\n')
    with pytest.raises(ValidationError, match="no_such_setting"):
        Settings()


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
    as_api = runner.invoke(app, ["query", COUNT, "-o", "csv"], env=release_cli_env)
    assert done.stdout == as_api.stdout and done.stdout.splitlines()[0] == "n"
