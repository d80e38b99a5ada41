"""Outside identifiers and links of the units, each with its evidence (build/geolinks.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from publish.build.geolinks import MAX_DISTANCE_KM, geonames_links
from publish.build.reference import Structures, read_tables
from publish.settings import Settings

Select = Callable[[str], list[dict[str, str]]]
ID = "https://w3id.org/bomay/id/"


@pytest.fixture(scope="module")
def structures() -> Structures:
    return read_tables(Settings())


def test_every_old_province_has_its_iso_code(select: Select) -> None:
    rows = select(
        """SELECT ?u ?iso WHERE { ?u adms:identifier ?id . ?id skos:notation ?iso
           FILTER(DATATYPE(?iso) = bomay:iso3166-2) }"""
    )
    codes = {r["u"].removeprefix(ID): r["iso"] for r in rows}
    assert len(codes) == 63 and len(set(codes.values())) == 63
    assert codes["place/hai-phong"] == "VN-HP" and codes["place/quang-ninh"] == "VN-13"
    assert codes["place/hue"] == "VN-26"  # Thừa Thiên-Huế in ISO's list


def test_every_geonames_link_has_its_evidence_and_a_point(select: Select) -> None:
    links = select(
        """SELECT ?u ?p ?o ?km ?name ?code ?wkt WHERE {
             ?u ?p ?o FILTER(?p IN (skos:exactMatch, skos:closeMatch)
                             && STRSTARTS(STR(?o), "https://sws.geonames.org/"))
             OPTIONAL { ?u bomay:linkEvidence ?e . ?e bomay:linkTarget ?o ;
                        bomay:distanceKm ?km ; bomay:matchedName ?name ; bomay:provinceCode ?code }
             OPTIONAL { ?u geo:hasGeometry/geo:asWKT ?wkt } }"""
    )
    assert len(links) > 300
    assert all("km" in r and "name" in r and "code" in r and "wkt" in r for r in links)
    assert all(float(r["km"]) <= MAX_DISTANCE_KM for r in links)
    exact = [r for r in links if r["p"].endswith("exactMatch")]
    assert exact and all(float(r["km"]) <= 5 for r in exact)
    assert not select(
        """SELECT ?u WHERE {
             ?u owl:sameAs ?o FILTER(STRSTARTS(STR(?o), "https://sws.geonames")) }"""
    )


def test_a_place_too_far_or_of_two_units_is_not_linked(
    structures: Structures, tmp_path: Path
) -> None:
    tables = structures.tables
    hai_phong = {"countrycode": "VN", "admin1code": "31", "population": 1, "alternatenames": []}
    cities = {
        "1": {**hai_phong, "geonameid": 1, "name": "Kiến An", "latitude": 20.80528,
              "longitude": 106.62556},  # the real place: links
        "2": {**hai_phong, "geonameid": 2, "name": "Kiến An", "latitude": 21.5,
              "longitude": 106.62556},  # the same name 75 km north: too far
        "3": {**hai_phong, "geonameid": 3, "name": "Kiến An", "latitude": 20.80528,
              "longitude": 106.62556, "admin1code": "22"},  # another province
    }  # fmt: skip
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(cities), encoding="utf-8")
    links, left_out = geonames_links(
        tables, set(tables.legacy), set(tables.current), structures.database, path
    )
    assert {link.geonameid for link in links} == {1}
    assert left_out == {
        f"farther than {MAX_DISTANCE_KM:g} km": 1,
        "no unit of that name in that province": 1,
    }
    kien_an = {(link.structure, link.code): link.exact for link in links}
    assert kien_an[("legacy", "307")] is False  # quận Kiến An is not a city: closeMatch
