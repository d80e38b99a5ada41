"""The national administrative units of the session release: both structures, continuity,
one event per change, codes with their validity (docs/DATA.md, "Reference data")."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from publish.build.reference import read_tables
from publish.build.units import Tables
from publish.iris import fold
from publish.settings import Settings

Select = Callable[[str], list[dict[str, str]]]
ID = "https://w3id.org/bomay/id/"
DISTRICTS_ENDED = f"{ID}event/viet-nam/2025-ket-thuc-cap-huyen"
UNCHANGED = {"01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"}


@pytest.fixture(scope="module")
def tables() -> Tables:
    return read_tables(Settings()).tables


def _count(select: Select, where: str) -> int:
    return int(select(f"SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{ {where} }}")[0]["n"])


def test_both_structures_are_whole(select: Select) -> None:
    per_type = {
        r["t"].rsplit("/", 1)[1]: int(r["n"])
        for r in select(
            """SELECT ?t (COUNT(DISTINCT ?u) AS ?n) WHERE {
                 ?u a bomay:AdministrativeUnit ; bomay:unitType ?t } GROUP BY ?t"""
        )
    }
    provinces = per_type["tinh"] + per_type["thanh-pho-truc-thuoc-trung-uong"]
    districts = sum(per_type[k] for k in ("quan", "huyen", "thi-xa", "thanh-pho-thuoc-tinh"))
    communes = sum(per_type.get(k, 0) for k in ("phuong", "xa", "thi-tran", "dac-khu"))
    # 63 old + 34 new provinces, less the 11 that continue (one resource each)
    assert provinces == 63 + 34 - 11
    assert districts == 696
    # 10,035 old + 3,321 new communes, less the 132 that continue
    assert communes == 10_035 + 3_321 - 132
    in_force_before = _count(
        select,
        """?u a bomay:AdministrativeUnit ; bomay:unitCode ?c .
           FILTER NOT EXISTS { ?u schema:foundingDate ?f }""",
    )
    assert in_force_before == 63 + 696 + 10_035
    in_force_after = _count(
        select,
        """?u a bomay:AdministrativeUnit ; bomay:unitCode ?c .
           FILTER NOT EXISTS { ?u schema:dissolutionDate ?d }""",
    )
    assert in_force_after == 34 + 3_321


def test_an_unchanged_province_is_one_resource_that_continues(select: Select) -> None:
    rows = select(
        """SELECT ?u ?end WHERE { ?u bomay:unitCode ?c FILTER(STR(?c) = "22")
           OPTIONAL { ?u schema:dissolutionDate ?end } }"""
    )
    assert rows == [{"u": f"{ID}place/quang-ninh"}]  # no copy, no end
    unchanged = select(
        """SELECT ?c WHERE { ?u bomay:unitCode ?c ; bomay:unitType ?t
           FILTER(STRLEN(STR(?c)) = 2)
           FILTER NOT EXISTS { ?u schema:dissolutionDate ?d }
           FILTER NOT EXISTS { ?u schema:foundingDate ?f } }"""
    )
    assert {r["c"] for r in unchanged} == UNCHANGED
    assert not select(
        f"SELECT ?e WHERE {{ ?e bomay:originalUnit|bomay:resultingUnit <{ID}place/quang-ninh> }}"
    )


def test_a_merged_province_ends_and_its_successor_begins(select: Select) -> None:
    rows = select(
        f"""SELECT ?old ?namesake ?end ?start WHERE {{
          ?e bomay:resultingUnit <{ID}place/2025/hai-phong> ; bomay:originalUnit ?old ;
             bomay:namesake ?namesake .
          ?old schema:dissolutionDate ?end .
          <{ID}place/2025/hai-phong> schema:foundingDate ?start }} ORDER BY ?old"""
    )
    assert [r["old"] for r in rows] == [f"{ID}place/hai-duong", f"{ID}place/hai-phong"]
    assert {(r["namesake"], r["end"], r["start"]) for r in rows} == {
        (f"{ID}place/hai-phong", "2025-06-30", "2025-07-01")
    }
    mergers = select(
        """SELECT ?e (COUNT(?old) AS ?n) WHERE {
             ?e bomay:resultingUnit ?new ; bomay:originalUnit ?old .
             ?new bomay:unitCode ?c FILTER(STRLEN(STR(?c)) = 2) } GROUP BY ?e"""
    )
    assert len(mergers) == 23  # 23 new provinces
    assert sum(int(r["n"]) for r in mergers) == 52  # from 52 old ones


def test_a_divided_commune_names_every_part_and_its_default(select: Select, tables: Tables) -> None:
    divided = {p.old for parts in tables.communes_2025.values() for p in parts if p.divided}
    assert len(divided) == 471
    rows = select(
        """SELECT ?old (COUNT(DISTINCT ?new) AS ?parts) (COUNT(DISTINCT ?default) AS ?defaults)
           WHERE { ?e bomay:dividedUnit ?old ; bomay:resultingUnit ?new .
                   OPTIONAL { ?old bomay:defaultSuccessor ?default } } GROUP BY ?old"""
    )
    assert len(rows) == 471
    assert all(int(r["parts"]) >= 2 and int(r["defaults"]) == 1 for r in rows)
    # Xã Tân Thạnh (Thới Lai, Cần Thơ) went into two communes; the package's default is one
    code = next(
        c
        for c in divided
        if tables.legacy[c].name == "Xã Tân Thạnh"
        and tables.legacy[tables.legacy[c].parent or ""].name == "Huyện Thới Lai"
    )
    default = select(
        f"""SELECT ?label WHERE {{ ?old bomay:unitCode ?c FILTER(STR(?c) = "{code}")
            ?old bomay:defaultSuccessor/skos:prefLabel ?label FILTER(LANG(?label) = "vi") }}"""
    )
    assert default == [{"label": "Xã Trường Thành (từ năm 2025)"}]


def test_a_reused_code_is_never_ambiguous(select: Select) -> None:
    """00004 was Phường Trúc Bạch until 30 June 2025 and is Phường Ba Đình from 1 July."""
    rows = select(
        """SELECT ?label ?from ?through WHERE {
             ?u adms:identifier ?id ; skos:prefLabel ?label FILTER(LANG(?label) = "vi")
             ?id skos:notation ?c FILTER(STR(?c) = "00004")
             OPTIONAL { ?id schema:validFrom ?from } OPTIONAL { ?id schema:validThrough ?through }
           } ORDER BY ?label"""
    )
    assert rows == [
        {"label": "Phường Ba Đình (từ năm 2025)", "from": "2025-07-01"},
        {"label": "Phường Trúc Bạch", "through": "2025-06-30"},
    ]
    on_a_day = select(
        """SELECT ?u WHERE {
             ?u adms:identifier ?id . ?id skos:notation ?c FILTER(STR(?c) = "00004")
             FILTER NOT EXISTS { ?id schema:validFrom ?f FILTER(?f > "2025-03-01"^^xsd:date) }
             FILTER NOT EXISTS { ?id schema:validThrough ?t FILTER(?t < "2025-03-01"^^xsd:date) }
           }"""
    )
    assert len(on_a_day) == 1


def test_the_district_level_is_abolished(select: Select) -> None:
    rows = select(
        f"""SELECT (COUNT(DISTINCT ?d) AS ?n) (MIN(?end) AS ?first) (MAX(?end) AS ?last) WHERE {{
          <{DISTRICTS_ENDED}> bomay:abolishedLevel <{ID}concept/level/huyen> ;
              bomay:originalUnit ?d . ?d schema:dissolutionDate ?end }}"""
    )
    assert rows == [{"n": "696", "first": "2025-06-30", "last": "2025-06-30"}]
    orphans = select(
        """SELECT ?u WHERE {
             ?u schema:containedInPlace/schema:dissolutionDate ?x .
             FILTER NOT EXISTS { ?u schema:dissolutionDate ?y }
             FILTER NOT EXISTS { ?u schema:containedInPlace ?p
                                 FILTER NOT EXISTS { ?p schema:dissolutionDate ?z } } }"""
    )
    assert orphans == []  # every unit in force has a parent in force


def test_an_island_district_became_a_special_zone(select: Select) -> None:
    rows = select(
        f"""SELECT ?label WHERE {{
          ?e bomay:originalUnit <{ID}place/hai-phong/bach-long-vi> ; bomay:resultingUnit ?z .
          ?z bomay:unitType <{ID}concept/unit-type/dac-khu> ; skos:prefLabel ?label
          FILTER(LANG(?label) = "vi") }}"""
    )
    assert rows == [{"label": "Đặc khu Bạch Long Vĩ (từ năm 2025)"}]


def test_a_continuing_commune_keeps_its_former_name(select: Select) -> None:
    rows = select(
        """SELECT ?u ?names WHERE {
             ?e bomay:renamedUnit ?u .
             { SELECT ?u (GROUP_CONCAT(?n; separator="|") AS ?names)
               WHERE { ?u skos:altLabel ?n } GROUP BY ?u } }"""
    )
    assert len(rows) == 11
    assert any("Thị trấn Mường Lát" in r["names"] and "Xã Mường Lát" in r["names"] for r in rows)
    founded = select(
        """SELECT ?u WHERE {
             ?e bomay:renamedUnit ?u . ?u schema:foundingDate|schema:dissolutionDate ?d }"""
    )
    assert founded == []


def test_a_numbered_unit_reads_naturally_in_english(select: Select) -> None:
    rows = select(
        """SELECT ?vi ?en WHERE {
             ?u a bomay:AdministrativeUnit ; skos:prefLabel ?vi, ?en .
             FILTER(LANG(?vi) = "vi" && LANG(?en) = "en" && REGEX(?vi, "^(Phường|Quận) [0-9]")) }"""
    )
    assert len(rows) > 200  # Hồ Chí Minh City's and other cities' numbered wards
    english = {r["vi"]: r["en"] for r in rows}
    assert english["Phường 1"] == "Ward 1" and english["Quận 1"] == "Urban District 1"
    assert all(e.startswith(("Ward ", "Urban District ")) for e in english.values()), english
    assert english["Phường 1 Bảo Lộc (từ năm 2025)"] == "Ward 1 Bao Loc (from 2025)"
    events = select(
        """SELECT ?en WHERE {
             ?e bomay:resultingUnit/skos:prefLabel "Phường 1 Bảo Lộc (từ năm 2025)"@vi ;
                skos:prefLabel ?en FILTER(LANG(?en) = "en") }"""
    )
    assert [r["en"] for r in events] == [
        "2025 reorganisation of communes: Ward 1 Bao Loc, Lam Dong"
    ]


def test_one_event_per_change(select: Select) -> None:
    rows = select(
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
          ?e a bomay:UnitReorganisation ;
             dcterms:isPartOf <{ID}event/viet-nam/2025-sap-xep-don-vi-hanh-chinh> }}"""
    )
    # 23 province mergers, 3,321 - 132 new communes, 11 renamings, the district level
    assert rows == [{"n": str(23 + 3_321 - 132 + 11 + 1)}]


def test_areas_come_with_the_new_communes(select: Select) -> None:
    assert _count(select, "?u bomay:areaKm2 ?a") == 3_319


def test_the_names_type_wins_over_a_contradicting_column(tables: Tables) -> None:
    unit = tables.legacy["15061"]
    assert (unit.name, unit.kind) == ("Thị trấn Ngọc Lặc", "thi-tran")


def test_codes_agree_with_another_snapshot(tables: Tables) -> None:
    """vietnam-provinces (GPL-3.0, a dev dependency only, never a data source) has the list of
    2025-01-04: nearly every code there names the same unit, so a shift in either shows."""
    path = Path(
        str(
            importlib.metadata.distribution("vietnam-provinces").locate_file(
                "vietnam_provinces/data/nested-divisions.json"
            )
        )
    )
    other: dict[str, str] = {}
    for p in json.loads(path.read_text(encoding="utf-8")):
        other[str(p["code"]).zfill(2)] = p["name"]
        for d in p["districts"]:
            other[str(d["code"]).zfill(3)] = d["name"]
            other.update({str(w["code"]).zfill(5): w["name"] for w in d["wards"]})

    def key(name: str) -> str:
        return "".join(ch for ch in fold(name).lower() if ch.isalnum())

    shared = set(other) & set(tables.legacy)
    same = {c for c in shared if key(other[c]) == key(tables.legacy[c].name)}
    assert len(shared) >= 10_750
    assert len(same) / len(shared) > 0.99  # 70 renamings and spellings of the half-year between
