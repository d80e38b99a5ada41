"""The benchmark's synthetic data is valid bomay data: the real pipeline builds it."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate
from conftest import make_settings
from publish.build.release import build
from publish.store import open_release


def test_synthetic_data_passes_the_shapes_and_is_deterministic(tmp_path: Path) -> None:
    replicas = generate(10_000, tmp_path / "data", seed=3)
    first = contents(tmp_path / "data")
    assert replicas >= 2 and generate(10_000, tmp_path / "data", seed=3) == replicas
    assert first == contents(tmp_path / "data")
    settings = make_settings(
        tmp_path / "dist",
        data_dir=tmp_path / "data",
        sources_dir=tmp_path / "data" / "sources",
        reference_scope="named",
    )
    build(settings)
    release = open_release(settings)
    assert release.manifest["triples"] >= 10_000
    agencies = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/bomay/def#Agency> }"
    rows = list(release.store.query(agencies))  # type: ignore[call-overload]
    assert int(rows[0]["n"].value) > replicas


def contents(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
