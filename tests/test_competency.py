"""Each competency question (queries/*.rq) against the answers the sources state, over the
embedded store and again through a bomay in front of Virtuoso (``BOMAY_STORE=remote``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import STORES

Select = Callable[[str], list[dict[str, str]]]
ID = "https://w3id.org/bomay/id/"
A000, A001, A002, A003, A004 = (
    f"{ID}article/000-afca7d85baae3dc3",
    f"{ID}article/001-cd4382b165326b66",
    f"{ID}article/002-8285f82c8f7d5dff",
    f"{ID}article/003-ea0a13be01342030",
    f"{ID}article/004-93c0723c74180aa6",
)


@pytest.fixture(scope="module", params=STORES)
def select(request: pytest.FixtureRequest, select: Select) -> Select:
    """conftest's ``select`` (the embedded store), or the same over HTTP to Virtuoso."""
    return select if request.param == "embedded" else request.getfixturevalue("remote_select")  # type: ignore[no-any-return]


def values(rows: list[dict[str, str]], key: str) -> set[str]:
    return {r[key] for r in rows if key in r}


def test_cq01_an_lao_office(select: Select) -> None:
    rows = select("cq01-an-lao-office-merger.rq")
    assert values(rows, "originalLabel") == {
        "Văn phòng Huyện ủy An Lão",
        "Văn phòng HĐND và UBND huyện An Lão",
    }
    assert values(rows, "date") == {"2018-11-15"}
    assert values(rows, "approver") == {f"{ID}agency/hai-phong/ban-thuong-vu-thanh-uy"}
    assert all(r["schemeLabel"].startswith("Đề án thí điểm hợp nhất") for r in rows)
    assert values(rows, "source") == {A000}


def test_cq02_hai_phong_2018_pilot(select: Select) -> None:
    rows = select("cq02-hai-phong-2018-pilot-events.rq")
    kinds = sorted(r["kind"].rsplit("#", 1)[1] for r in rows)
    assert kinds == ["Establishment", "Merger", "Merger", "Merger"]
    assert values(rows, "date") == {"2018-11-15"}
    assert sorted(r["district"].rsplit("/", 1)[1] for r in rows) == [
        "an-lao",
        "duong-kinh",
        "kien-an",
        "kien-an",
    ]
    establishment = next(r for r in rows if r["kind"].endswith("Establishment"))
    assert establishment.get("originals", "") == ""  # D.04: no invented predecessors


def test_cq03_kl34_districts_and_models(select: Select) -> None:
    rows = select("cq03-hai-phong-kl34-districts.rq")
    assert values(rows, "districtLabel") == {
        "Hồng Bàng",
        "Dương Kinh",
        "Kiến An",
        "An Dương",
        "An Lão",
        "Kiến Thụy",
    }
    assert values(rows, "models") == {"4"}


def test_cq04_suspended_models(select: Select) -> None:
    rows = select("cq04-suspended-models.rq")
    assert len(values(rows, "model")) == 5
    assert values(rows, "signerLabel") == {"Võ Văn Thưởng"}
    affected = values(rows, "affected")
    for agency in (
        "hai-phong/an-lao/van-phong-huyen",
        "hai-phong/kien-an/ban-to-chuc-noi-vu",
        "hai-phong/kien-an/co-quan-uy-ban-kiem-tra-thanh-tra",
    ):
        assert f"{ID}agency/{agency}" in affected
    assert f"{ID}event/quang-ninh/2018-thi-diem-hai-mo-hinh-cap-huyen" in affected
    assert not any("duong-kinh" in a for a in affected)  # I.14: a Front apparatus, not model 1
    assert f"{ID}agency/quang-ninh/co-quan-to-chuc-noi-vu" not in affected  # only proposed
    under = {r["model"].rsplit("/", 1)[1] for r in rows if "affected" in r}
    assert under == {"hop-nhat-co-quan-tham-muu-voi-co-quan-chuyen-mon"}  # model 1 (I.14)


def test_signer_post_at_the_time(select: Select) -> None:
    rows = select(f"""SELECT ?label WHERE {{
        ?h org:member <{ID}person/vo-van-thuong> ; bomay:post/skos:prefLabel ?label ;
           bomay:asOf "2022-08-29"^^xsd:date FILTER(LANG(?label) = "vi") }}""")
    assert any("Thường trực Ban Bí thư" in r["label"] for r in rows)


def test_cq05_proposed_merger(select: Select) -> None:
    rows = select("cq05-proposed-mergers.rq")
    assert len(values(rows, "event")) == 1
    assert values(rows, "original") == {
        f"{ID}agency/quang-ninh/ban-to-chuc-tinh-uy",
        f"{ID}agency/quang-ninh/so-noi-vu",
    }
    assert values(rows, "resulting") == {f"{ID}agency/quang-ninh/co-quan-to-chuc-noi-vu"}
    assert values(rows, "consideredBy") == {f"{ID}agency/quang-ninh/hdnd-khoa-xiii"}
    assert values(rows, "asOf") == {"2019-12-05"}


def test_cq06_directives(select: Select) -> None:
    rows = select("cq06-directives.rq")
    by_symbol = {r["symbol"]: r for r in rows if "symbol" in r}
    assert by_symbol["26-CTr/TU"]["date"] == "2018-03-08"
    assert by_symbol["30-CTr/TU"]["date"] == "2018-05-22"
    assert by_symbol["18-NQ/TW"]["date"] == "2017-10-25"
    assert by_symbol["18-NQ/TW"]["issuer"] == f"{ID}agency/trung-uong/bch-tw-khoa-xii"
    assert by_symbol["18-NQ/TW"]["title"].startswith("Một số vấn đề về tiếp tục đổi mới")
    assert by_symbol["5730/BNV-TCBC"]["issuer"] == f"{ID}agency/trung-uong/bo-noi-vu"
    assert "issuer" not in by_symbol["34-KL/TW"] and "date" not in by_symbol["34-KL/TW"]
    # No source writes 19-NQ/TW: the graph has it only as inference I.05
    assert by_symbol["19-NQ/TW"]["symbolGraph"].endswith("/graph/inference/i-05")
    assert by_symbol["18-NQ/TW"]["symbolGraph"].endswith("/graph/article-002")
    notice = next(
        r for r in rows if r["directive"].endswith("thong-bao-ket-luan-2022-mo-hinh-thi-diem")
    )
    assert "symbol" not in notice and "date" not in notice
    assert "632/GP-STTTT" not in by_symbol  # a site licence, not a reform directive
    kinds = {r["type"].rsplit("/", 1)[1] for r in rows}
    assert {"nghi-quyet", "ket-luan", "chuong-trinh-hanh-dong", "thong-bao-ket-luan"} <= kinds
    assert {"cong-van", "quyet-dinh", "de-an"} <= kinds


def test_cq07_implements(select: Select) -> None:
    pairs = {(r["implementer"], r["directive"]) for r in select("cq07-implements.rq")}
    nq18 = f"{ID}directive/trung-uong/bch-tw-khoa-xii/nghi-quyet-18"
    nq19 = f"{ID}directive/trung-uong/bch-tw-khoa-xii/nghi-quyet-19"
    kl34 = f"{ID}directive/trung-uong/ket-luan-34-khoa-xii"
    ctr = f"{ID}directive/tinh-bai-viet-001/ban-thuong-vu-tinh-uy/chuong-trinh-hanh-dong-"
    assert (f"{ctr}26-2018", nq18) in pairs
    assert (f"{ctr}30-2018", nq19) in pairs
    assert (f"{ID}event/quang-ninh/2019-de-xuat-hop-nhat-ban-to-chuc-voi-so-noi-vu", nq18) in pairs
    assert (f"{ID}event/hai-phong/thi-diem-4-mo-hinh-kl34", kl34) in pairs
    assert (f"{ID}directive/hai-phong/quyet-dinh-thi-diem-4-mo-hinh", kl34) in pairs


@pytest.fixture(scope="module")
def figures(select: Select) -> dict[str, list[dict[str, str]]]:
    rows = select("cq08-10-figures.rq")
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row["area"].rsplit("/", 1)[1], []).append(row)
    return grouped


def _values(rows: list[dict[str, str]]) -> list[int]:
    return sorted(int(r["value"]) for r in rows)


def test_cq08_quang_ninh_figures(figures: dict[str, list[dict[str, str]]]) -> None:
    rows = figures["quang-ninh"]
    assert _values(rows) == [4, 14, 27, 28]
    focal = next(r for r in rows if r["value"] == "28")
    assert focal["baselineValue"] == "56" and focal["kind"].endswith("so-luong")
    assert {r["source"] for r in rows} == {A002}


def test_cq09_province_of_001_figures(figures: dict[str, list[dict[str, str]]]) -> None:
    rows = figures["tinh-bai-viet-001"]
    assert _values(rows) == [3, 8, 60, 60, 76, 81, 118, 171, 301, 1875]
    about = next(r for r in rows if r["value"] == "118")
    assert about["approximate"] == "true"
    projected = next(r for r in rows if r["value"] == "76")
    assert projected["status"].endswith("du-kien")
    assert {r["period"] for r in rows} == {"2019-10-09"}


def test_cq10_hai_phong_figures(figures: dict[str, list[dict[str, str]]]) -> None:
    rows = figures["hai-phong"]
    assert _values(rows) == [4, 6, 6, 6, 9, 10, 19, 21, 98, 167, 910]
    target = next(r for r in rows if r["unit"].endswith("phan-tram"))
    assert (target["value"], target["status"].rsplit("/", 1)[1], target["period"]) == (
        "10",
        "chi-tieu",
        "2021",
    )
    with_baseline = [r for r in rows if r.get("baselinePeriod") == "2015"]
    assert sorted(int(r["value"]) for r in with_baseline) == [6, 98]
    assert next(r for r in rows if r["value"] == "19")["period"] == "2020-10-30"


def test_cq11_meetings_people_posts(select: Select) -> None:
    rows = select("cq11-meetings.rq")
    people = {(r.get("personLabel"), r.get("postLabel")) for r in rows}
    assert ("Nguyễn Thị Nghĩa", "Phó Bí thư Thường trực Thành ủy Hải Phòng") in people or any(
        p == "Nguyễn Thị Nghĩa" and post and "Phó Bí thư Thường trực" in post for p, post in people
    )
    names = {p for p, _ in people if p}
    assert {
        "Ngô Thanh Danh",
        "Trương Công Hùng",
        "Nguyễn Duy Thăng",
        "Lê Anh Quân",
        "Vũ Văn Hợp",
    } <= names
    dates = values(rows, "date")
    assert {"2018-11-21", "2019-10-09", "2020-11-20"} <= dates


def test_cq12_provenance_quote(select: Select) -> None:
    rows = select("cq12-provenance.rq")
    assert values(rows, "article") == {A000}
    assert any("thành Ban Tổ chức - Nội vụ quận Kiến An" in r["quote"] for r in rows)
    assert "000.14" in values(rows, "fact")


def test_cq13_hai_phong_agencies_have_units(select: Select) -> None:
    rows = select("cq13-agency-places.rq")
    hai_phong = [r for r in rows if r["agency"].startswith(f"{ID}agency/hai-phong/")]
    assert len(hai_phong) >= 15
    assert all(r.get("unit", "").startswith(f"{ID}place/hai-phong") for r in hai_phong)


def test_cq14_timeline_is_ordered(select: Select) -> None:
    rows = select("cq14-timeline.rq")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    events = values(rows, "event")
    assert f"{ID}event/trung-uong/2022-tam-dung-thi-diem-5-mo-hinh" in events
    assert f"{ID}event/hai-phong/an-lao/2018-11-15-hop-nhat-van-phong" in events
    position = {r["event"]: i for i, r in enumerate(rows)}
    merger_2025 = f"{ID}event/trung-uong/2025-03-01-hop-nhat-bo-nong-nghiep-va-moi-truong"
    assert (
        position[f"{ID}event/hai-phong/an-lao/2018-11-15-hop-nhat-van-phong"]
        < position[f"{ID}event/trung-uong/2022-tam-dung-thi-diem-5-mo-hinh"]
        < position[merger_2025]
    )
