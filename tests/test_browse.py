"""Lists to browse: each kind filtered by its facets, sorted, paged, with CSV and JSON of the
same view; the home page starts with what the data is and links every list."""

from __future__ import annotations

import csv
import io
import re

import httpx

from publish.store import Release

UNITS = "/browse/units"


def get(server: str, path: str, **params: str) -> httpx.Response:
    response = httpx.get(
        server + path, params=params or None, timeout=30
    )  # {} would drop the path's
    assert response.status_code == 200, response.text
    return response


def rows(html: str) -> list[str]:
    """The names in a list's table, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">(?:<span lang="\w+">)?([^<]+)', html)


def test_the_home_page_says_what_the_data_is_and_links_every_list(server: str) -> None:
    html = get(server, "/").text
    start = html.index("<main>")
    assert html.index("Dữ liệu mở liên kết", start) < html.index('href="/browse/agencies"')
    for kind in ("agencies", "units", "events", "directives", "people", "figures", "sources"):
        assert f'href="/browse/{kind}"' in html
    assert "SHA-256" not in html  # the checksums are on the downloads page, not the home page
    english = get(server, "/", lang="en").text
    assert "Where to begin" in english and ">Administrative units</strong>" in english


def test_units_filter_by_level_and_province_with_counts(server: str) -> None:
    html = get(server, UNITS).text
    level = re.search(r'<option value="(id/concept/level/huyen)"[^>]*>Cấp huyện \((\d+)\)', html)
    assert level is not None
    districts = get(server, UNITS, level=level.group(1), format="json").json()
    assert districts["total"] == int(level.group(2)) > 0
    assert all(i["page"].startswith("/id/place/") for i in districts["items"])
    hai_phong = get(server, UNITS, level=level.group(1), province="id/place/hai-phong",
                    format="json").json()  # fmt: skip
    names = {i["label"] for i in hai_phong["items"]}
    assert "An Lão" in names and "Hạ Long" not in " ".join(names)
    assert 0 < hai_phong["total"] < districts["total"]
    assert {p["label"] for i in hai_phong["items"] for p in i["province"]} == {"Hải Phòng"}


def test_paging_sorting_and_downloads_of_the_same_view(server: str) -> None:
    first = get(server, UNITS, sort="code").text
    assert 'rel="next"' in first and 'aria-current="page">1<' in first
    second = get(server, UNITS, sort="code", page="2").text
    assert 'rel="prev"' in second and not set(rows(first)) & set(rows(second))
    everything = get(server, UNITS, sort="code", format="csv")
    assert everything.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(everything.text)))
    total = int(re.search(r"trên tổng số (\d+)", first).group(1))  # type: ignore[union-attr]
    assert len(table) == total > 50
    codes = [r["code"] for r in table if r["code"]]
    assert codes == sorted(codes, key=lambda c: (len(c), c))
    assert [r["label"] for r in table[:50]] == rows(first)
    reverse = get(server, UNITS, sort="-label", format="json").json()["items"]
    assert reverse[0]["label"] >= reverse[-1]["label"]


def test_a_name_filter_ignores_accents_and_escapes_what_it_is_given(server: str) -> None:
    found = get(server, "/browse/agencies", q="van phong huyen an lao", format="json").json()
    assert [i["label"] for i in found["items"]] == ["Văn phòng huyện An Lão"]
    hostile = get(server, "/browse/agencies", q="<script>alert(1)</script>").text
    assert "<script>alert" not in hostile and "&lt;script&gt;" in hostile
    assert httpx.get(server + "/browse/nothing").status_code == 404


def test_events_by_year_and_kind(server: str) -> None:
    html = get(server, "/browse/events").text
    assert re.search(r'<option value="2018"[^>]*>2018 \(\d+\)', html)
    merger = re.search(r'<option value="(def#Merger)"[^>]*>Hợp nhất, sáp nhập \((\d+)\)', html)
    assert merger is not None
    chosen = get(server, "/browse/events", kind=merger.group(1), year="2018", format="json")
    items = chosen.json()["items"]
    assert items and all(i["date"][0].startswith("2018") for i in items)
    assert all(k["label"] == "Hợp nhất, sáp nhập" for i in items for k in i["kind"])


def test_the_index_is_part_of_the_release_and_its_checksums(release: Release) -> None:
    sums = (release.folder / "SHA256SUMS").read_text()
    assert re.search(r"^[0-9a-f]{64}  browse\.json$", sums, re.M)


def test_the_timeline_runs_from_2017_to_2025_with_directives_and_grouped_days(
    server: str,
) -> None:
    html = get(server, "/timeline").text
    dates = re.findall(r'<time datetime="(\d{4}(?:-\d\d-\d\d)?)">', html)
    assert dates == sorted(dates) and dates[0].startswith("2017") and dates[-1].startswith("2025")
    assert "Nghị quyết 18-NQ/TW" in html  # a directive, by its date
    group = re.search(
        r'<a href="(/timeline\?[^"]*kind=def%23UnitReorganisation[^"]*)">(\d+) sự kiện', html
    )
    assert group is not None and int(group.group(2)) >= 10  # the 2025 changes of units: one line
    each = get(server, group.group(1).replace("&amp;", "&")).text
    assert each.count('href="/id/event/') == min(int(group.group(2)), 100)
    english = get(server, "/timeline", lang="en").text
    assert "Merger</td>" in english and "Hợp nhất, sáp nhập</td>" not in english
    assert "Hợp nhất, sáp nhập</td>" in html and ">Merger<" not in html
