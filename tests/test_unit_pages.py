"""The pages of administrative units, over HTTP: lineage, codes, the picture, communes."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

import httpx

from publish.build.browse import read_browse_index
from publish.build.crosswalk import COMMUNES
from publish.store import Release

Select = Callable[[str], list[dict[str, str]]]


def _section(html: str) -> str:
    match = re.search(r'<section id="unit".*?</section>', html, re.S)
    assert match, "no unit section"
    return match.group(0)


def test_a_divided_commune_shows_its_parts_and_default(server: str, select: Select) -> None:
    rows = select(
        """SELECT ?old ?default WHERE { ?old bomay:defaultSuccessor ?default ;
             skos:altLabel "Xã Tân Thạnh"@vi ;
             schema:containedInPlace/skos:altLabel "Huyện Thới Lai"@vi }"""
    )  # divided between two communes of Cần Thơ
    old, default = rows[0]["old"], rows[0]["default"]
    page = httpx.get(server + old.removeprefix("https://w3id.org/bomay"), params={"lang": "en"})
    unit = _section(page.text)
    assert "Went into" in unit and "until 2025-06-30" in unit
    assert default.removeprefix("https://w3id.org/bomay") in unit
    assert "(default)" in unit and "<svg" in unit


def test_a_new_commune_shows_where_it_came_from(server: str) -> None:
    page = httpx.get(server + "/id/place/2025/hai-phong/xa-an-lao", params={"lang": "en"})
    unit = _section(page.text)
    assert "Came from" in unit and "from 2025-07-01" in unit
    assert 'href="/id/place/hai-phong/an-lao/xa-an-tien"' in unit
    assert "(part)" in unit  # Xã Thái Sơn went only in part
    svg = unit[unit.index("<svg") : unit.index("</svg>")]
    assert not re.search(r'(href|src)="https?://', svg)  # drawn here, nothing fetched


def test_a_province_lists_its_communes_before_and_after(server: str, release: Release) -> None:
    with (release.folder / COMMUNES).open(encoding="utf-8", newline="") as f:
        old = [r for r in csv.DictReader(f) if r["old_province_code"] == "22"]
    page = httpx.get(server + "/id/place/quang-ninh", params={"lang": "en"})
    unit = _section(page.text)
    assert "before and after 1 July 2025" in unit  # Quảng Ninh continues
    before = re.search(r"Communes before 1 July 2025: (\d+)", unit)
    after = re.search(r"Communes from 1 July 2025: (\d+)", unit)
    assert before and int(before.group(1)) == len(old)
    assert after and int(after.group(1)) == 54


def test_a_district_shows_the_end_of_its_level(server: str) -> None:
    unit = _section(httpx.get(server + "/id/place/hai-phong/an-lao", params={"lang": "en"}).text)
    ended = unit.split("<h3>Ended</h3>", 1)[1].split("</ul>", 1)[0]
    # the event once, named, with its date beside it
    assert ended.count('href="/id/event/viet-nam/2025-ket-thuc-cap-huyen"') == 1
    assert re.search(r"</a> — 2025-07-01</li>", ended), ended


def test_a_district_shows_the_communes_that_took_its_place(server: str, select: Select) -> None:
    rows = select(
        """SELECT DISTINCT ?new ?old WHERE {
             ?old schema:containedInPlace <https://w3id.org/bomay/id/place/hai-phong/an-lao> .
             ?event bomay:originalUnit ?old ; bomay:resultingUnit ?new }"""
    )
    page = httpx.get(server + "/id/place/hai-phong/an-lao", params={"lang": "vi"}).text
    replaced = re.search(r'<h3 id="replaced">[^<]*: (\d+)</h3>\s*<ul[^>]*>(.*?)</ul>', page, re.S)
    assert replaced, "no list of the communes that took the district's place"
    assert int(replaced.group(1)) == len({r["new"] for r in rows}) > 1
    items = re.findall(r"<li>(.*?)</li>", replaced.group(2), re.S)
    for row in rows:  # each new commune once, with each of the district's communes it took
        new, old = (row[k].removeprefix("https://w3id.org/bomay") for k in ("new", "old"))
        line = next(i for i in items if i.startswith(f'<a href="{new}">'))
        assert f'<a href="{old}">' in line
    assert "Xã An Lão (từ năm 2025)" in replaced.group(2)


def test_a_merged_province_names_the_province_it_merged_with(server: str) -> None:
    unit = _section(httpx.get(server + "/id/place/hai-phong", params={"lang": "en"}).text)
    together = unit.split("<h3>Together with</h3>", 1)[1].split("</ul>", 1)[0]
    assert '<a href="/id/place/hai-duong">' in together
    assert '<a href="/id/place/2025/hai-phong">' in unit.split("<h3>Went into</h3>", 1)[1]


def test_the_search_index_covers_every_unit(release: Release, select: Select) -> None:
    units = {r["u"] for r in select("SELECT ?u WHERE { ?u a bomay:AdministrativeUnit }")}
    indexed = {entry[0] for entry in read_browse_index(release.folder)["search"]}
    assert len(units) > 14_000 and units <= indexed


def test_search_finds_a_commune_by_its_name_without_accents(server: str) -> None:
    hits = httpx.get(server + "/search", params={"q": "xa an tien", "format": "json"})
    iris = [h["iri"] for h in hits.json()["results"]]
    assert "https://w3id.org/bomay/id/place/hai-phong/an-lao/xa-an-tien" in iris
