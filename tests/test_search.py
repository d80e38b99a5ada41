"""Search in the page's language: each result's kind, a filter by kind, paging with a total,
exact diacritics first, then agencies, units and directives before the rest."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from publish.serve.search import PAGE_SIZE, LabelIndex

MERGED_BOARD = "/id/agency/hai-phong/kien-an/ban-to-chuc-noi-vu"


def search(server: str, **params: str) -> dict[str, Any]:
    response = httpx.get(server + "/search", params={**params, "format": "json"})
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_organisation_board_finds_kien_ans_merged_board_in_the_top_three(
    server: str, lang: str
) -> None:
    pages = [r["page"] for r in search(server, q="organisation board", lang=lang)["results"][:3]]
    assert MERGED_BOARD in pages


@pytest.mark.parametrize(("lang", "label"), [("vi", "Dương Kinh"), ("en", "Duong Kinh District")])
def test_an_unaccented_query_finds_the_district_named_in_the_page_language(
    server: str, lang: str, label: str
) -> None:
    top = search(server, q="duong kinh", lang=lang)["results"][:3]
    found = [r for r in top if r["page"] == "/id/place/hai-phong/duong-kinh"]
    assert found, top
    assert (found[0]["label"], found[0]["kind"], found[0]["lang"]) == (label, "units", lang)


def test_results_have_a_kind_a_filter_and_pages_with_a_total(server: str) -> None:
    everything = search(server, q="hai phong")
    assert everything["total"] > PAGE_SIZE and everything["pages"] > 1
    assert sum(everything["kinds"].values()) == everything["total"]
    second = search(server, q="hai phong", page="2")
    assert not {r["iri"] for r in everything["results"]} & {r["iri"] for r in second["results"]}
    agencies = search(server, q="hai phong", kind="agencies")
    assert agencies["total"] == everything["kinds"]["agencies"]
    assert {r["kind"] for r in agencies["results"]} == {"agencies"}
    page = httpx.get(server + "/search", params={"q": "hai phong", "kind": "agencies"}).text
    assert '<option value="agencies" selected>Cơ quan (' in page and 'rel="next"' not in page


def test_agencies_units_and_directives_come_before_notes(server: str) -> None:
    first = search(server, q="kien an")
    results = [r for page in range(1, first["pages"] + 1)
               for r in search(server, q="kien an", page=str(page))["results"]]  # fmt: skip
    kinds = [r["kind"] for r in results]
    assert len(kinds) == first["total"]
    first_note = min(kinds.index(k) for k in ("statements", "concepts", "other") if k in kinds)
    assert {"agencies", "units"} <= set(kinds[:first_note])


def test_exact_diacritics_rank_first() -> None:
    index = LabelIndex([
        ["b", "units", [["Kien An Tower", "en", 0]]],
        ["a", "other", [["Kiến An", "vi", 0]]],
        ["c", "agencies", [["Kiện An", "vi", 0]]],
    ])  # fmt: skip
    assert index.search("Kiến An", "vi").hits[0].iri == "a"
    # a name that is the query and nothing more first, then by kind
    assert [h.iri for h in index.search("kien an", "vi").hits] == ["c", "a", "b"]
    assert index.search("   ", "vi").total == 0
