"""A build after a change validates only what the change can affect, finds what a full
build finds, and writes the same release, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import copy_release, settings_for
from publish.build.release import CHECKSUMS, ValidationFailedError, build, check
from publish.integrity import read_sums
from publish.store import Release

ARTICLE = "article-003.ttl"
LEVEL = "<concept/level/tinh>"


def quads_of(release: Path) -> list[str]:
    store = ox.Store.read_only(str(release / "store"))
    return sorted(str(q) for q in store)


def test_a_one_article_change_is_validated_alone_and_builds_the_full_release(
    project_copy: Path, tmp_path: Path
) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    article = project_copy / "data" / ARTICLE
    text = article.read_text(encoding="utf-8")

    # a change that breaks a shape: caught by the incremental validation
    article.write_text(text.replace(LEVEL, "<concept/role/chu-tich>", 1), encoding="utf-8")
    with pytest.raises(ValidationFailedError) as failed:
        check(settings)
    report = failed.value.report
    assert report.scope is not None and 0 < report.scope < 500  # the affected nodes only
    with pytest.raises(ValidationFailedError) as full_failed:
        check(settings.model_copy(update={"incremental_build": False}))
    assert full_failed.value.report.scope is None
    assert set(report.violations) == set(full_failed.value.report.violations)
    assert "https://w3id.org/bomay/id/agency/hai-phong/van-phong-ubnd" in {
        v.focus_node for v in report.violations
    }

    # a valid change: the incremental build writes what a full build of the same files does
    # (a label, not a quote: the build checks every quote against its source's text)
    article.write_text(text.replace("Hai Phong City Web Portal", "Hai Phong City web portal", 1),
                       encoding="utf-8")  # fmt: skip
    incremental = build(settings)
    assert check(settings).report.scope == 0  # nothing changed since: nothing to look at
    # no cache, so all is validated; the same release before it (a release names its previous)
    copy_release(Release(first, {}), tmp_path / "fresh")
    full = build(settings_for(project_copy, tmp_path / "fresh"))
    assert incremental.name == full.name
    assert (incremental / CHECKSUMS).read_bytes() == (full / CHECKSUMS).read_bytes()
    for _digest, name in read_sums(full):
        assert (incremental / name).read_bytes() == (full / name).read_bytes(), name
    assert quads_of(incremental) == quads_of(full)


def test_a_change_of_shapes_validates_everything(project_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    build(settings)
    shapes = project_copy / "shapes" / "bomay-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert check(settings).report.scope is None
