"""Bad input gets a clear error naming the place, a non-zero exit, and nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import project_env
from publish.cli import app

runner = CliRunner()


def _env(root: Path, tmp_path: Path) -> dict[str, str]:
    return project_env(root, tmp_path / "dist")


def test_malformed_turtle_names_file_and_line(project_copy: Path, tmp_path: Path) -> None:
    bad = project_copy / "data" / "article-003.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(20, '<broken> <x> "unterminated .')
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["build"], env=_env(project_copy, tmp_path))
    assert result.exit_code == 2
    assert "article-003.ttl:21" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist" / "current").exists()


def test_non_nfc_text_is_refused(project_copy: Path, tmp_path: Path) -> None:
    decomposed = "Ha\u0309i Pho\u0300ng"  # NFD: the same letters, combining marks
    path = project_copy / "data" / "extra.ttl"
    path.write_text(
        "<https://w3id.org/bomay/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "
        f'"{decomposed}"@vi .\n'
    )
    result = runner.invoke(app, ["validate"], env=_env(project_copy, tmp_path))
    assert result.exit_code == 2
    assert "extra.ttl:1" in result.output and "NFC" in result.output


def test_unexpected_file_in_data_folder_is_refused(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / "notes.json").write_text("{}")
    result = runner.invoke(app, ["validate"], env=_env(project_copy, tmp_path))
    assert result.exit_code == 2
    assert "notes.json" in result.output and "not a data file" in result.output


def test_shacl_violation_names_node_shape_message_and_file(
    project_copy: Path, tmp_path: Path
) -> None:
    path = project_copy / "data" / "article-000.ttl"
    text = path.read_text(encoding="utf-8")
    assert 'bomay:effectiveDate "2018-11-15"^^xsd:date' in text
    path.write_text(
        text.replace(
            'bomay:effectiveDate "2018-11-15"^^xsd:date', 'bomay:effectiveDate "2018-11-15"', 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["build", "--format", "json"], env=_env(project_copy, tmp_path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    on_event = [
        v
        for v in report["violations"]
        if v["focus_node"].startswith("https://w3id.org/bomay/id/event/")
    ]
    assert on_event, report
    violation = on_event[0]
    assert "ChangeEvent" in violation["shape"] or "DatesInRange" in violation["shape"]
    assert violation["message"]
    assert "data/article-000.ttl" in violation["files"]
    assert not (tmp_path / "dist" / "current").exists()


def test_text_report_groups_by_shape(project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "data" / "extra.ttl"
    path.write_text(
        "@prefix bomay: <https://w3id.org/bomay/def#> .\n"
        "<https://w3id.org/bomay/id/agency/nowhere> a bomay:Agency .\n"
    )
    result = runner.invoke(app, ["validate"], env=_env(project_copy, tmp_path))
    assert result.exit_code == 1
    assert "https://w3id.org/bomay/shapes#LabelEn" in result.output
    assert "https://w3id.org/bomay/id/agency/nowhere" in result.output
    assert "in data/extra.ttl" in result.output


def test_bad_sparql_is_reported(release_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "SELEC * WHERE {"], env=release_cli_env)
    assert result.exit_code == 2
    assert "bad query" in result.output
