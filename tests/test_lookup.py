"""``/lookup``: old addresses → the units of 2025, from the session release's crosswalk."""

from __future__ import annotations

import csv
import json
import random
from typing import Any

import httpx
import pytest
import rdflib
from rdflib.namespace import DCAT, RDF
from vietnamadminunits.converter import convert_address, converter_2025

from publish.build.crosswalk import COMMUNES, COMMUNES_JSON, PROVINCES
from publish.iris import fold, slugify
from publish.serve.lookup import Gazetteer, answer, gazetteer_for
from publish.store import Release

ID = "https://w3id.org/bomay/id/"
AN_TIEN = "Xã An Tiến, Huyện An Lão, Thành phố Hải Phòng"


@pytest.fixture(scope="module")
def rows(release: Release) -> list[dict[str, Any]]:
    document = json.loads((release.folder / COMMUNES_JSON).read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = document["rows"]
    return rows


@pytest.fixture(scope="module")
def gazetteer(release: Release) -> Gazetteer:
    return gazetteer_for(release.folder)


def _row(rows: list[dict[str, Any]], name: str, district: str) -> dict[str, Any]:
    return next(
        r for r in rows if r["old"]["name"] == name and r["old"]["district_name"] == district
    )


def test_the_crosswalk_has_a_row_per_old_commune(release: Release) -> None:
    with (release.folder / COMMUNES).open(encoding="utf-8", newline="") as f:
        communes = list(csv.DictReader(f))
    assert len(communes) == 10_035 + 5  # and the five island districts without communes
    assert len({r["old_code"] for r in communes}) == len(communes)
    changes = {c: sum(r["change"] == c for r in communes) for c in {r["change"] for r in communes}}
    assert changes["divided"] == 471 and changes["unchanged"] + changes["renamed"] == 132
    assert changes["replaced"] == 5
    assert all(r["other_new_codes"] for r in communes if r["change"] == "divided")
    with (release.folder / PROVINCES).open(encoding="utf-8", newline="") as f:
        provinces = list(csv.DictReader(f))
    assert len(provinces) == 63
    assert len({r["new_code"] for r in provinces}) == 34
    assert sum(r["change"] == "unchanged" for r in provinces) == 11
    quang_ninh = next(r for r in provinces if r["old_code"] == "22")
    assert quang_ninh["old_iri"] == quang_ninh["new_iri"] == f"{ID}place/quang-ninh"


def test_the_crosswalk_files_are_in_the_catalogue(release: Release) -> None:
    description = rdflib.Graph().parse(release.folder / "description.ttl")
    distributions = {str(d) for d in description.subjects(RDF.type, DCAT.Distribution)}
    for name in (COMMUNES, COMMUNES_JSON, PROVINCES):
        assert f"{ID}dataset/bomay/distribution/{slugify(name)}" in distributions


@pytest.mark.parametrize(
    "address",
    [
        AN_TIEN,
        "xa an tien, huyen an lao, thanh pho hai phong",  # no accents
        "X. An Tiến, H. An Lão, TP. Hải Phòng",  # abbreviations
        "x an tien, h an lao, hp",  # abbreviations without their dots, a province's short name
        "An Tiến, An Lão, Hải Phòng",  # no type words
        "Thôn Tiến Lập, xã An Tiến, huyện An Lão, Hải Phòng, Việt Nam",  # a street, the country
        "XÃ AN TIẾN HUYỆN AN LÃO HẢI PHÒNG",  # capitals, no commas
        "An Tiến, Hải Phòng",  # the district left out: the name is unique in the province
    ],
)
def test_what_people_type_is_understood(
    gazetteer: Gazetteer, rows: list[dict[str, Any]], address: str
) -> None:
    result = answer(gazetteer, address)
    assert result["status"] == "found", result
    assert not result["approximate"]
    expected = _row(rows, "Xã An Tiến", "Huyện An Lão")
    assert result["read_as"]["commune"]["iri"] == expected["old"]["iri"]
    assert result["new"] == expected["successors"]  # IRIs, codes, names, events: the release's


def test_a_street_abbreviations_and_a_short_province_name(gazetteer: Gazetteer) -> None:
    for address in ("123 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM", "p ben nghe, q 1, tp hcm"):
        result = answer(gazetteer, address)
        assert result["status"] == "found", result
        assert result["read_as"]["commune"]["name"] == "Phường Bến Nghé"
        assert result["read_as"]["province"]["name"] == "Thành phố Hồ Chí Minh"


def test_a_misspelt_name_is_answered_as_approximate(gazetteer: Gazetteer) -> None:
    result = answer(gazetteer, "Xã An Tiếnn, Huyện An Lão, Thành phố Hải Phòng")
    assert result["status"] == "found" and result["approximate"]
    assert result["read_as"]["commune"]["name"] == "Xã An Tiến"


def test_an_unknown_address_is_not_found(gazetteer: Gazetteer) -> None:
    assert answer(gazetteer, "742 Evergreen Terrace, Springfield")["status"] == "not-found"
    assert answer(gazetteer, "Phường Không Có, Quận Không Có, Tỉnh Không Có")["status"] == (
        "not-found"
    )


def test_an_ambiguous_address_gets_the_candidates(gazetteer: Gazetteer) -> None:
    result = answer(gazetteer, "Phường 1, Thành phố Hồ Chí Minh")  # one in many districts
    assert result["status"] == "ambiguous"
    labels = [c["label"] for c in result["candidates"]]
    assert len(labels) > 1 and all(label.startswith("Phường 1, ") for label in labels)


def test_diacritics_tell_apart_names_that_fold_alike(gazetteer: Gazetteer) -> None:
    sa_pa = answer(gazetteer, "Phường Sa Pa, Thị xã Sa Pa, Lào Cai")
    sa_pa_hook = answer(gazetteer, "Phường Sa Pả, Thị xã Sa Pa, Lào Cai")
    assert sa_pa["read_as"]["commune"]["code"] == "03001"
    assert sa_pa_hook["read_as"]["commune"]["code"] == "03002"
    assert answer(gazetteer, "phuong sa pa, thi xa sa pa, lao cai")["status"] == "ambiguous"


def test_a_district_alone_asks_for_the_commune(gazetteer: Gazetteer) -> None:
    result = answer(gazetteer, "Huyện An Lão, Hải Phòng")
    assert result["status"] == "incomplete"
    assert "Xã An Tiến" in [c["label"] for c in result["candidates"]]


def test_a_divided_commune_gives_every_part_default_first(
    gazetteer: Gazetteer, rows: list[dict[str, Any]]
) -> None:
    result = answer(gazetteer, "Xã Tân Thạnh, Huyện Thới Lai, Thành phố Cần Thơ")
    assert result["change"] == "divided"
    assert [n["default"] for n in result["new"]] == [True] + [False] * (len(result["new"]) - 1)
    assert result["new"][0]["name"] == "Xã Trường Thành"


def test_an_island_district_without_communes(gazetteer: Gazetteer) -> None:
    result = answer(gazetteer, "Huyện Côn Đảo, Bà Rịa - Vũng Tàu")
    assert result["status"] == "found" and result["change"] == "replaced"
    assert result["new"][0]["name"] == "Đặc khu Côn Đảo"


def _short(name: str) -> str:
    words = ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Quận", "Huyện", "Phường", "Xã")
    return next((name[len(w) + 1 :] for w in words if name.startswith(w + " ")), name)


ABBREVIATED = {"Thành phố": "TP.", "Thị xã": "TX.", "Thị trấn": "TT.", "Quận": "Q.",
               "Huyện": "H.", "Phường": "P.", "Xã": "X."}  # fmt: skip


def _abbreviated(name: str) -> str:
    for word, short in ABBREVIATED.items():
        if name.startswith(word + " "):
            return f"{short} {name[len(word) + 1 :]}"
    return name


def test_agrees_with_the_packages_own_converter(
    gazetteer: Gazetteer, rows: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 seeded random old addresses, in four ways people write them; the package's
    convert_address (no street, so no geocoding: its lookup of a point is stubbed to make
    sure nothing leaves the machine) must name the same new commune."""
    monkeypatch.setattr(converter_2025, "get_geo_location", lambda _address: None)
    levels = ("name", "district_name", "province_name")
    styles = (
        lambda o: ", ".join(o[k] for k in levels),
        lambda o: fold(", ".join(o[k] for k in levels)),
        lambda o: ", ".join(_short(o[k]) for k in levels),
        lambda o: ", ".join(_abbreviated(o[k]) for k in levels),
    )
    communes = [r for r in rows if r["old"]["district_code"]]
    sample = random.Random(13).sample(communes, 1000)  # noqa: S311 - seeded, not a secret
    agree = wrong = 0
    for i, row in enumerate(sample):
        address = styles[i % len(styles)](row["old"])
        result = answer(gazetteer, address)
        ours = result["new"][0]["code"] if result["status"] == "found" else None
        theirs = convert_address(address).ward_code
        agree += ours == theirs
        wrong += ours not in (None, row["successors"][0]["code"])
    print(f"agreement with convert_address: {agree}/1000")
    # the package misses some numbered wards written bare ("1, Kiến Tường, Long An"); the
    # lookup leaves an address with two readings unanswered rather than pick one
    assert agree >= 980
    assert wrong == 0  # an answer, when given, is the unit the address was made from


def test_lookup_over_http_in_html_and_json(server: str, rows: list[dict[str, Any]]) -> None:
    expected = _row(rows, "Xã An Tiến", "Huyện An Lão")
    as_json = httpx.get(
        f"{server}/lookup", params={"q": AN_TIEN}, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 200
    assert as_json.json()["new"] == expected["successors"]
    page = httpx.get(f"{server}/lookup", params={"q": AN_TIEN, "lang": "en"})
    assert page.headers["content-type"].startswith("text/html")
    for successor in expected["successors"]:
        assert successor["name"] in page.text and successor["code"] in page.text
        assert successor["iri"].removeprefix("https://w3id.org/bomay") in page.text
    unknown = httpx.get(f"{server}/lookup", params={"q": "<b>nowhere</b>"})
    assert "No administrative unit" in unknown.text or "Không tìm thấy" in unknown.text
    assert "<b>nowhere</b>" not in unknown.text  # escaped
