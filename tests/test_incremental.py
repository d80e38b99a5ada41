"""A build after a change validates only what the change can affect, finds what a full
build finds, and writes the same release, byte for byte."""

from __future__ import annotations

import gc
import json
import os
import zlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import copy_release, settings_for
from publish.build import dumps
from publish.build import release as release_module
from publish.build.browse import BROWSE, Earlier, build_index, read_browse_index
from publish.build.labels import names, read_labels
from publish.build.load import DataError
from publish.build.release import CHECKSUMS, ValidationFailedError, build, check
from publish.integrity import read_sums
from publish.iris import Iris
from publish.layout import DATASET_QUADS
from publish.store import Release

ARTICLE = "article-003.ttl"
LEVEL = "<concept/level/tinh>"
AN_LAO_LABELS = 'skos:prefLabel "An Lão"@vi, "An Lao District"@en ;'


def quads_of(release: Path) -> list[str]:
    store = ox.Store.read_only(str(release / "store"))
    return sorted(str(q) for q in store)


def test_a_one_article_change_is_validated_alone_and_builds_the_full_release(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dumps, "RUN", 8)  # many runs of the one-graph dumps, most read back
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
    real_switch, switched = release_module._switch, []

    def switch(link: Path, target: Path) -> None:  # the copied store is closed by then
        store = str(target / "store")
        fds = Path("/proc/self/fd").iterdir()
        assert not [fd for fd in fds if os.path.realpath(fd).startswith(store)], "store open"
        switched.append(target)
        real_switch(link, target)

    monkeypatch.setattr(release_module, "_switch", switch)
    incremental = build(settings)
    assert switched == [incremental]
    assert check(settings).report.scope == 0  # nothing changed since: nothing to look at
    # the N-Quads dump: one gzip member per unit of the build, as the cache keeps them
    state = json.loads((tmp_path / "dist" / ".cache" / "state.json").read_text(encoding="utf-8"))
    assert gzip_members((incremental / DATASET_QUADS).read_bytes()) == len(state["units"])
    # no cache, so all is validated; the same release before it (a release names its previous)
    assert_same_release(incremental, full_build(first, project_copy, tmp_path / "fresh"))


def test_a_change_to_one_subject_changes_one_run_of_the_dumps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dumps, "RUN", 16)
    lines = b"".join(f'<urn:x:s{i // 3:04}> <urn:x:p> "{i}" .\n'.encode() for i in range(3000))
    before = list(dumps.runs(lines.splitlines(keepends=True)))
    assert b"".join(before) == lines and len(before) > 20
    firsts = [run.split(b" ", 1)[0] for run in before]
    lasts = [run.splitlines()[-1].split(b" ", 1)[0] for run in before]
    assert all(a != b for a, b in zip(lasts[:-1], firsts[1:], strict=True))  # subjects stay whole
    after = list(dumps.runs(lines.replace(b'"1501"', b'"changed"').splitlines(keepends=True)))
    assert len(set(before) - set(after)) == len(set(after) - set(before)) == 1


def gzip_members(data: bytes) -> int:
    count = 0
    while data:
        reader = zlib.decompressobj(wbits=31)  # one gzip member
        reader.decompress(data)
        data, count = reader.unused_data, count + 1
    return count


def test_the_browse_index_asks_again_only_for_what_changed(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    given: list[Earlier | None] = []

    def spy(*args: Any) -> str:
        given.append(args[-1])
        return write_browse_index(*args)

    write_browse_index = release_module.write_browse_index
    monkeypatch.setattr(release_module, "write_browse_index", spy)
    article = project_copy / "data" / ARTICLE
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Hai Phong City Web Portal", "Hai Phong City web portal", 1),
                       encoding="utf-8")  # fmt: skip
    second = build(settings)
    (earlier,) = given
    assert earlier is not None and earlier.index == read_browse_index(first)
    iris = Iris(settings.base_iri)
    store = ox.Store.read_only(str(second / "store"))
    # what the build wrote from the earlier index is what asking the whole store gives
    full = json.loads(json.dumps(build_index(store, iris.base, iris.vocab)))  # tuples → lists
    assert json.loads((second / BROWSE).read_text(encoding="utf-8")) == full
    assert read_labels(second) == names(store)  # labels.json too, from the earlier one
    # and the changed names were asked again: the earlier index alone has the old one
    stale = build_index(store, iris.base, iris.vocab, Earlier(earlier.index, set()))
    assert stale != full
    assert "Hai Phong City Web Portal" in json.dumps(stale, ensure_ascii=False)
    assert "Hai Phong City Web Portal" not in json.dumps(full, ensure_ascii=False)


def full_build(previous: Path, project: Path, dist: Path) -> Path:
    """A build of ``project`` with no build cache, after a copy of ``previous``."""
    copy_release(Release(previous, {}), dist)
    return build(settings_for(project, dist))


def assert_same_release(incremental: Path, full: Path) -> None:
    assert incremental.name == full.name
    for release in (incremental, full):  # no write-ahead log left for a server start to hash
        assert not [p.name for p in (release / "store").glob("*.log") if p.stat().st_size]
    assert (incremental / CHECKSUMS).read_bytes() == (full / CHECKSUMS).read_bytes()
    for _digest, name in read_sums(full):
        assert (incremental / name).read_bytes() == (full / name).read_bytes(), name
    assert quads_of(incremental) == quads_of(full)


def test_the_reference_data_is_made_again_when_what_it_takes_from_the_data_changes(
    project_copy: Path, tmp_path: Path
) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    build(settings)
    made = tmp_path / "dist" / ".cache" / "reference"
    (kept,) = made.iterdir()
    article = project_copy / "data" / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "Hai Phong City Web Portal", "Hai Phong City web portal", 1
        ),
        encoding="utf-8",
    )
    second = build(settings)
    assert list(made.iterdir()) == [kept]  # read back: the reference's inputs are the same
    # no article labels An Lão any more: the reference graph labels it instead
    for path in (project_copy / "data").glob("article-*.ttl"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(AN_LAO_LABELS, ""), encoding="utf-8")
    third = build(settings)
    assert [p.name for p in made.iterdir()] != [kept.name]
    labels = ox.Store.read_only(str(third / "store")).query(
        "SELECT ?label WHERE { GRAPH <https://w3id.org/bomay/graph/reference/vietnamadminunits>"
        " { <https://w3id.org/bomay/id/place/hai-phong/an-lao> "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }"
    )
    assert {row["label"].value for row in labels} == {"Huyện An Lão", "An Lao District"}
    assert_same_release(third, full_build(second, project_copy, tmp_path / "fresh"))


def test_a_damaged_build_cache_is_left_and_the_build_starts_again(
    project_copy: Path, tmp_path: Path
) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    for unit in (tmp_path / "dist" / ".cache" / "units").glob("*.nq"):
        unit.write_bytes(b"<urn:x:damaged> <urn:x:p>\n")  # not N-Quads: a disk fault
    article = project_copy / "data" / ARTICLE
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Hai Phong City Web Portal", "Hai Phong City web portal", 1),
                       encoding="utf-8")  # fmt: skip
    second = build(settings)  # reads the changed article's old unit: damaged, so all again
    units = (tmp_path / "dist" / ".cache" / "units").glob("*.nq")
    assert all(b"urn:x:damaged" not in unit.read_bytes() for unit in units)
    assert_same_release(second, full_build(first, project_copy, tmp_path / "fresh"))


def test_a_unit_missing_from_the_build_cache_means_a_full_build(
    project_copy: Path, tmp_path: Path
) -> None:
    """The last build's unit of the changed article is gone from the cache, so its store
    cannot be copied and changed: the release is built whole, as from nothing."""
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    state = json.loads((tmp_path / "dist" / ".cache" / "state.json").read_text())
    (sha,) = (sha for name, sha in state["units"].items() if name.endswith(ARTICLE))
    (tmp_path / "dist" / ".cache" / "units" / f"{sha}.nq").unlink()
    article = project_copy / "data" / ARTICLE
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Hai Phong City Web Portal", "Hai Phong City web portal", 1),
                       encoding="utf-8")  # fmt: skip
    second = build(settings)
    assert_same_release(second, full_build(first, project_copy, tmp_path / "fresh"))


def test_the_logs_are_dropped_when_a_cycle_still_holds_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    collecting = gc.isenabled()
    gc.disable()  # as during a build
    try:
        held: list[object] = [ox.Store(str(path))]
        held.append(held)  # a cycle: only the collector frees the store
        del held
        release_module._drop_logs(path)
    finally:
        if collecting:
            gc.enable()
    ox.Store(str(path))  # and nothing holds it any more: this open would raise OSError


def test_a_change_of_shapes_validates_everything(project_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    build(settings)
    shapes = project_copy / "shapes" / "bomay-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert check(settings).report.scope is None


def test_a_duplicate_made_by_a_change_is_refused_by_the_build_after_it(
    project_copy: Path, tmp_path: Path
) -> None:
    """The build after a change looks for pairs with a changed IRI only, on the copied store."""
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    (project_copy / "data" / "extra.ttl").write_text(
        "<https://w3id.org/bomay/id/agency/hai-phong/an-lao/van-phong-2> "
        "a <https://w3id.org/bomay/def#Agency> ; "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "Văn phòng huyện An Lão"@vi .\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="same type and label 'Văn phòng huyện An Lão'"):
        build(settings)
    assert (tmp_path / "dist" / "current").resolve() == first
    assert not list((tmp_path / "dist" / "releases").glob(".building-*"))  # its copy is gone


def test_the_units_list_keeps_the_units_a_change_left_alone() -> None:
    iris = Iris("https://example.org/")
    vocab, skos, schema = iris.vocab, "http://www.w3.org/2004/02/skos/core#", "https://schema.org/"

    def store(*extra: tuple[str, str, str]) -> ox.Store:
        triples = [
            ("t", f"{skos}broadMatch", "level"),
            *((u, f"{skos}prefLabel", u.upper()) for u in ("p1", "p2", "d", "c", "t", "n")),
            *((u, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"{vocab}AdministrativeUnit")
              for u in ("p1", "p2", "d", "c")),
            *((u, f"{vocab}unitType", "t") for u in ("p1", "p2", "d", "c")),
            ("c", f"{schema}containedInPlace", "d"),
            *((p, f"{schema}containedInPlace", "vn") for p in ("p1", "p2")),  # the country
            *extra,
        ]  # fmt: skip

        def term(value: str) -> ox.NamedNode | ox.Literal:
            return ox.NamedNode(value if ":" in value else iris.resource(value))

        made = ox.Store()
        made.extend(ox.Quad(term(s), term(p), ox.Literal(o) if o.isupper() else term(o))
                    for s, p, o in triples)  # fmt: skip
        return made

    def index(of: ox.Store, earlier: Earlier | None = None) -> Any:
        return json.loads(json.dumps(build_index(of, iris.base, vocab, earlier)))

    before = store(("d", f"{schema}containedInPlace", "p1"))
    # the district moves to the other province (its commune with it), a unit is added
    after = store(("d", f"{schema}containedInPlace", "p2"),
                  ("n", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                   f"{vocab}AdministrativeUnit"))  # fmt: skip
    changed = {iris.resource("d"), iris.resource("n")}
    assert index(after, Earlier(index(before), changed)) == index(after)
    units = {u["iri"]: u for u in index(after)["lists"]["units"]}
    assert units[iris.resource("c")]["facets"]["province"] == [iris.resource("p2")]
