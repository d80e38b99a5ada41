"""Bad input in the data folders: each a clear error naming the place, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import project_env
from publish.cli import app

runner = CliRunner()
AGENCY = "https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-huyen"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def validate(root: Path, tmp_path: Path, **extra: str) -> str:
    env = {**project_env(root, tmp_path / "dist"), **extra}
    result = runner.invoke(app, ["validate"], env=env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_an_iri_differing_only_by_case_is_one_entity_twice(
    project_copy: Path, tmp_path: Path
) -> None:
    (project_copy / "data" / "extra.ttl").write_text(
        f'<{AGENCY.replace("van-phong", "Van-Phong")}> <{SKOS}prefLabel> "Văn phòng"@vi .\n',
        encoding="utf-8",
    )
    output = validate(project_copy, tmp_path)
    assert "data/extra.ttl" in output and "differ only by case or accents" in output
    assert AGENCY in output


def test_same_type_and_label_is_one_entity_twice(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / "extra.ttl").write_text(
        "<https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-2> "
        "a <https://w3id.org/bomay/def#Agency> ; "
        f'<{SKOS}prefLabel> "Văn phòng huyện An Lão"@vi .\n',
        encoding="utf-8",
    )
    output = validate(project_copy, tmp_path)
    assert "same type and label 'Văn phòng huyện An Lão'" in output
    assert "van-phong-2" in output and "data/extra.ttl" in output


def test_a_file_not_in_utf8_names_the_byte(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / "latin.ttl").write_bytes(
        f'<{AGENCY}> <{SKOS}altLabel> "Hải Phòng"@vi .\n'.encode("utf-16")
    )
    assert "latin.ttl: not UTF-8 (byte 0)" in validate(project_copy, tmp_path)


def test_a_data_file_in_a_sub_folder_is_refused(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / "extra").mkdir()
    (project_copy / "data" / "extra" / "new.ttl").write_text("")
    output = validate(project_copy, tmp_path)
    assert "extra/new.ttl" in output and "not sub-folders" in output


def test_drafts_are_not_data_until_moved(project_copy: Path, tmp_path: Path) -> None:
    """`bomay draft` writes to data/drafts/, which the build leaves alone (bad Turtle too)."""
    (project_copy / "data" / "drafts").mkdir(exist_ok=True)
    (project_copy / "data" / "drafts" / "article-009.ttl").write_text("not Turtle <")
    (project_copy / "data" / "broken.ttl").write_text("<a> <b> .\n")
    output = validate(project_copy, tmp_path)
    assert "broken.ttl" in output and "article-009" not in output


def test_a_link_to_a_file_elsewhere_is_refused(project_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.ttl"
    outside.write_text("")
    (project_copy / "data" / "linked.ttl").symlink_to(outside)
    output = validate(project_copy, tmp_path)
    assert "linked.ttl: links to" in output and "outside" in output


def test_an_oversized_file_is_refused_before_parsing(project_copy: Path, tmp_path: Path) -> None:
    output = validate(project_copy, tmp_path, BOMAY_MAX_DATA_FILE_BYTES="1000")
    # the first file read (ontology/, by name) names itself and the limit
    assert re.search(r"ontology/\w+\.ttl: \d+ bytes, more than the 1000", output), output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("@prefix x: <http://x/> .\nx:a x:b .\n", "bad.ttl:2"),
        ("<http://x/a> <http://x/b> 'unterminated .\n", "bad.ttl:1"),
        ("\ufeff<http://x/a> <http://x/b> <http://x/c> <http://x/d> .\n", "bad.ttl:1"),
    ],
)
def test_malformed_turtle_names_the_line(
    text: str, where: str, project_copy: Path, tmp_path: Path
) -> None:
    (project_copy / "data" / "bad.ttl").write_text(text, encoding="utf-8")
    assert where in validate(project_copy, tmp_path)
