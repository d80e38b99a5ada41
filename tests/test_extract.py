"""Each extraction rule on small texts written for it (the seed articles are bench/draft.py's)."""

from __future__ import annotations

import pytest

from publish.curate.extract import (
    agencies,
    changes,
    dates,
    directives,
    extract,
    figures,
    people,
    role_of,
)

PLACES = frozenset({"hải phòng", "an lão", "kiến an", "quảng ninh", "hà nội", "lâm đồng"})


@pytest.mark.parametrize(
    ("text", "kind", "number", "symbol"),
    [
        ("theo Nghị quyết số 18-NQ/TW của Trung ương", "nghi-quyet", "18", "18-NQ/TW"),
        ("Nghị quyết 18-NQ/TƯ", "nghi-quyet", "18", "18-NQ/TƯ"),
        ("Nghị quyết số 580/2018/UBTVQH14 về", "nghi-quyet", "580", "580/2018/UBTVQH14"),
        ("Công văn số 5898/BNV-TCBC ngày", "cong-van", "5898", "5898/BNV-TCBC"),
        ("Nghị quyết số 22/2019/NQ-HĐND ngày", "nghi-quyet", "22", "22/2019/NQ-HĐND"),
        ("Chương trình hành động số 147-CTHĐ/TU", "chuong-trinh-hanh-dong", "147", "147-CTHĐ/TU"),
        ("Thông báo số 1063-TB/BCSĐCP", "thong-bao", "1063", "1063-TB/BCSĐCP"),
        ("số 30¬-CTr/TU, ngày", "chuong-trinh-hanh-dong", "30", "30-CTr/TU"),
        ("theo Kết luận 34 KL/TW, thành phố", "ket-luan", "34", "34-KL/TW"),
        ("Nghị quyết 176/2025/QH15 của Quốc hội", "nghi-quyet", "176", "176/2025/QH15"),
        ("thực hiện Nghị quyết số 18 của Ban", "nghi-quyet", "18", None),
        ("Theo Kết luận 34, thành phố", "ket-luan", "34", None),
        ("Quyết định số 983-QĐ/TU hợp nhất", "quyet-dinh", "983", "983-QĐ/TU"),
        ("theo Đề án số 24-ĐA/TU ngày", "de-an", "24", "24-ĐA/TU"),
    ],
)
def test_directive_symbols_in_the_forms_the_press_writes(
    text: str, kind: str, number: str, symbol: str | None
) -> None:
    [found] = directives(text)
    assert (found.doc_type, found.number, found.symbol) == (kind, number, symbol)
    assert text[found.span.start : found.span.end] == found.span.text


def test_a_licence_is_not_a_directive_and_a_plain_noun_is_not_either() -> None:
    assert directives("Giấy phép số: 632/GP-STTTT do Sở cấp") == []
    assert directives("xây dựng kế hoạch 5 năm") == []


def test_directive_date_issuer_and_what_it_implements() -> None:
    text = (
        "Kế hoạch số 86-KH/TU ngày 07/5/2018 của Tỉnh ủy Quảng Trị về thực hiện Nghị quyết "
        "số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII."
    )
    plan, resolution = directives(text, gazetteer=PLACES | {"quảng trị"})
    assert plan.date is not None and plan.date.iso == "2018-05-07"
    assert plan.issuer is not None and plan.issuer.text == "Tỉnh ủy Quảng Trị"
    assert plan.implements == (1,)
    assert resolution.date is not None and resolution.date.iso == "2017-10-25"
    assert resolution.issuer is not None
    assert resolution.issuer.text == "Ban Chấp hành Trung ương Đảng khóa XII"


def test_a_directive_without_a_date_gets_none() -> None:
    [found] = directives("đánh giá thí điểm theo Kết luận số 34-KL/TW. Ngày 20/11, đoàn")
    assert found.date is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ban hành ngày 25/10/2017 về", "2017-10-25"),
        ("ngày 25 tháng 10 năm 2017", "2017-10-25"),
        ("Sáng 20/11, UBND", "--11-20"),
        ("Chiều 21/11 tại", "--11-21"),
        ("giao ban báo chí tháng 12/2019 do", "2019-12"),
        ("Ngày đăng tin: 29/08/2022", "2022-08-29"),
        ("ngày 25-10-2017", "2017-10-25"),
    ],
)
def test_dates_in_every_form_and_no_year_invented(text: str, iso: str) -> None:
    [found] = dates(text)
    assert found.iso == iso


def test_a_day_and_month_joined_to_another_and_fractions_that_are_not_dates() -> None:
    assert [d.iso for d in dates("dự kiến vào ngày 6/12 và 7/12")] == ["--12-06", "--12-07"]
    assert dates("ở tất cả 14/14 huyện, thị xã") == []
    assert dates("11/12 địa phương đã hoàn thành") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hợp nhất Ban Tổ chức Quận ủy Kiến An với", "Ban Tổ chức Quận ủy Kiến An"),
        ("và Văn phòng HĐND và UBND huyện An Lão thành", "Văn phòng HĐND và UBND huyện An Lão"),
        ("hợp nhất Bộ Kế hoạch và Đầu tư với", "Bộ Kế hoạch và Đầu tư"),
        ("Bộ Văn hóa, Thể thao và Du lịch.", "Bộ Văn hóa, Thể thao và Du lịch"),
        ("Bộ Nông nghiệp và Phát triển nông thôn đã", "Bộ Nông nghiệp và Phát triển nông thôn"),
        (
            "thành Cơ quan Ủy ban Kiểm tra - Thanh tra quận Kiến An,",
            "Cơ quan Ủy ban Kiểm tra - Thanh tra quận Kiến An",
        ),
        ("Ban Tuyên giáo và Dân vận Trung ương ra đời", "Ban Tuyên giáo và Dân vận Trung ương"),
        ("Sở Nội vụ thành phố Hà Nội công bố", "Sở Nội vụ thành phố Hà Nội"),
    ],
)
def test_agency_names_end_where_the_name_ends(text: str, name: str) -> None:
    found = agencies(text, PLACES)
    assert found[0].name == name
    assert not found[0].generic


def test_generic_agencies_and_a_person_after_an_agency() -> None:
    generic = agencies("các Ban Tổ chức và Phòng Nội vụ cấp huyện; Tỉnh ủy chỉ đạo", PLACES)
    assert [a.generic for a in generic] == [True, True, True]
    [ministry] = agencies("Thứ trưởng Bộ Nội vụ Nguyễn Duy Thăng phát biểu", PLACES)
    assert ministry.name == "Bộ Nội vụ"


@pytest.mark.parametrize(
    ("text", "name", "posts"),
    [
        ("Bộ trưởng Bộ Nội vụ Lê Vĩnh Tân cho biết", "Lê Vĩnh Tân", ["Bộ trưởng Bộ Nội vụ"]),
        (
            "Ông Ngô Thanh Danh, Phó Bí thư Thường trực Tỉnh ủy, "
            "Trưởng Đoàn đại biểu Quốc hội tỉnh;",
            "Ngô Thanh Danh",
            ["Phó Bí thư Thường trực Tỉnh ủy", "Trưởng Đoàn đại biểu Quốc hội tỉnh"],
        ),
        (
            "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư Võ Văn Thưởng ký",
            "Võ Văn Thưởng",
            ["Ủy viên Bộ Chính trị", "Thường trực Ban Bí thư"],
        ),
    ],
)
def test_people_with_their_posts(text: str, name: str, posts: list[str]) -> None:
    [person] = people(text, PLACES)
    assert person.name == name
    assert [p.text for p in person.posts] == posts


def test_a_place_is_not_a_person_and_a_name_without_a_post_is_left_out() -> None:
    assert people("UBND thành phố Hải Phòng họp; ông Lê Văn Tám đến", PLACES) == []
    assert role_of("Phó Chủ tịch Thường trực UBND thành phố") == "Phó Chủ tịch Thường trực"


def test_changes_proposed_effected_and_ordered() -> None:
    text = (
        "Tỉnh đề xuất hợp nhất Ban Tổ chức Tỉnh ủy với Sở Nội vụ thành Cơ quan Tổ chức - "
        "Nội vụ tỉnh Quảng Ninh. Hợp nhất Văn phòng Huyện ủy với Văn phòng HĐND và UBND huyện "
        "An Lão thành Văn phòng huyện An Lão, kể từ ngày 15/11/2018. Sáp nhập Sở Ngoại vụ vào "
        "Văn phòng UBND tỉnh. Bộ Chính trị yêu cầu tạm dừng thực hiện thí điểm các mô hình: "
        "Hợp nhất A với B; Chủ nhiệm X đồng thời là Y."
    )
    found = [c for c in changes(text, gazetteer=PLACES) if c.result or c.models]
    proposal, merger, absorption, suspension = found
    assert (proposal.kind, proposal.status) == ("hop-nhat", "de-xuat")
    assert [o.name for o in proposal.originals] == ["Ban Tổ chức Tỉnh ủy", "Sở Nội vụ"]
    assert merger.status == "da-thuc-hien" and merger.effective is not None
    assert merger.effective.iso == "2018-11-15"
    assert merger.result is not None and merger.result.name == "Văn phòng huyện An Lão"
    assert absorption.kind == "sap-nhap" and absorption.result is not None
    assert absorption.result.name == "Văn phòng UBND tỉnh"
    assert [o.name for o in absorption.originals] == ["Sở Ngoại vụ"]
    assert (suspension.kind, suspension.status) == ("tam-dung", "yeu-cau")
    assert [m.text for m in suspension.models] == ["Hợp nhất A với B", "Chủ nhiệm X đồng thời là Y"]


@pytest.mark.parametrize(
    ("text", "value", "unit", "statistic", "extra"),
    [
        ("giảm 98 đơn vị so với năm 2015, còn", "98", "đơn vị", "giam", {"baseline_year": 2015}),
        ("từ 56 xuống 28 đầu mối", "28", "đầu mối", "so-luong", {"baseline_value": "56"}),
        (
            "giảm từ 56 đầu mối xuống còn 28 đầu mối",
            "28",
            "đầu mối",
            "giam",
            {"baseline_value": "56"},
        ),
        ("11/12 địa phương đã xong", "11", "địa phương", "so-luong", {"total": "12"}),
        (
            "giảm khoảng 118 lãnh đạo cấp phòng",
            "118",
            "lãnh đạo cấp phòng",
            "giam",
            {"approximate": True},
        ),
        ("và 1.875 người ở thôn", "1875", "người", "so-luong", {}),
        ("sẽ giảm 10% biên chế", "10", "%", "giam", {"percent": True}),
        ("giảm hơn 31,4% đầu mối", "31.4", "%", "giam", {"at_least": True}),
    ],
)
def test_figures_with_their_qualifiers(
    text: str, value: str, unit: str, statistic: str, extra: dict[str, object]
) -> None:
    [figure] = figures(text)
    assert (figure.value, figure.unit, figure.statistic) == (value, unit, statistic)
    for name, expected in extra.items():
        assert getattr(figure, name) == expected


def test_no_figure_from_durations_ordinals_symbols_addresses_or_counters() -> None:
    text = (
        "sơ kết 2 năm thực hiện Hội nghị lần thứ 6; Nghị quyết 18; Tầng 10 Trung tâm; "
        "24 Trần Phú; Hôm nay: 797; 0236 3821253"
    )
    assert figures(text) == []


def test_a_figure_joined_to_a_decrease_is_a_decrease() -> None:
    first, second = figures("giảm 4 cấp trưởng và 27 cấp phó")
    assert (first.statistic, second.statistic) == ("giam", "giam")


def test_page_furniture_is_left_out() -> None:
    found = extract(
        "Trưởng Ban biên tập: Chánh Văn phòng Trần Huy Kiên\nĐịa chỉ: Tầng 10 Sở Nội vụ"
    )
    assert found.people == [] and found.agencies == []
