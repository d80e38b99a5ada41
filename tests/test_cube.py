"""The W3C Data Cube integrity constraints run in the build, on the stated data only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import project_env, settings_for
from publish.build.release import ValidationFailedError, build, check
from publish.cli import app

runner = CliRunner()
OBS = "https://w3id.org/bomay/id/observation/003/"


def validate(root: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate"], env=project_env(root, root / "dist"))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_two_observations_no_dimension_tells_apart_break_ic12(project_copy: Path) -> None:
    """ "còn 910" and "giảm 98": only the statistic type, a dimension, tells them apart."""
    edit(
        project_copy / "ontology" / "vocabularies.ttl",
        "[ qb:dimension bomay:statisticType ; qb:order 4 ] ,",
        "[ qb:attribute bomay:statisticType ; qb:componentRequired true ] ,",
        count=-1,  # in both data structures: IC-12 takes a dimension from any of them
    )
    edit(
        project_copy / "ontology" / "ontology.ttl",
        "bomay:statisticType a owl:ObjectProperty , qb:DimensionProperty ;",
        "bomay:statisticType a owl:ObjectProperty , qb:AttributeProperty ;",
    )
    code, output = validate(project_copy)
    assert code == 1
    assert "cube#IC-12" in output and "No duplicate observations" in output
    assert f"{OBS}don-vi-su-nghiep-cong-lap" in output and f"{OBS}phong-cap-huyen" in output


def give_a_dimension_only_by_an_inference(data: Path) -> None:
    meeting = "<meeting/hai-phong/2020-11-20-lam-viec-voi-doan-kiem-tra-bo-noi-vu>"
    edit(data / "article-003.ttl", f"    bomay:refPeriod {meeting} ;\n", "")
    edit(
        data / "inferences.trig",
        "<meeting/hai-phong/2020-11-20-lam-viec-voi-doan-kiem-tra-bo-noi-vu> schema:startDate",
        f"<observation/003/don-vi-bo-may-hanh-chinh-cap-thanh-pho> bomay:refPeriod {meeting} .\n"
        "    <meeting/hai-phong/2020-11-20-lam-viec-voi-doan-kiem-tra-bo-noi-vu> schema:startDate",
    )


def test_a_dimension_only_an_inference_gives_breaks_ic11(project_copy: Path) -> None:
    give_a_dimension_only_by_an_inference(project_copy / "data")
    code, output = validate(project_copy)
    assert code == 1
    assert "cube#IC-11" in output and f"{OBS}don-vi-bo-may-hanh-chinh-cap-thanh-pho" in output
    assert "data/article-003.ttl" in output


def test_a_build_after_a_change_checks_the_figures_when_the_change_can_break_them(
    project_copy: Path, tmp_path: Path
) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    build(settings)
    article = project_copy / "data" / "article-003.ttl"
    text = article.read_text(encoding="utf-8")
    # a change the constraints do not read: they are not asked again
    edit(article, "Hai Phong City Web Portal", "Hai Phong City web portal")
    assert check(settings).report.scope is not None  # a build after a change
    article.write_text(text, encoding="utf-8")
    give_a_dimension_only_by_an_inference(project_copy / "data")
    with pytest.raises(ValidationFailedError) as failed:
        check(settings)
    assert failed.value.report.scope is not None
    assert {v.shape.rsplit("#", 1)[-1] for v in failed.value.report.violations} == {"IC-11"}


def test_a_dimension_without_a_range_breaks_ic4(project_copy: Path) -> None:
    edit(
        project_copy / "ontology" / "ontology.ttl",
        "    rdfs:range bomay:AdministrativeUnit ;\n"
        '    rdfs:label "địa bàn"@vi , "reference area"@en',
        '    rdfs:label "địa bàn"@vi , "reference area"@en',
    )
    code, output = validate(project_copy)
    assert code == 1 and "cube#IC-4" in output and "def#refArea" in output
