"""Rule-based extraction of reform facts from Vietnamese text, each with its offsets.

The things a curator types most and gets wrong most are regular in the press: document
symbols (``18-NQ/TW``, ``22/2019/NQ-HĐND``, ``5898/BNV-TCBC``), dates (``25/10/2017``,
``ngày 25 tháng 10 năm 2017``, ``Sáng 20/11``), agency names built from a head word
(Ban, Sở, Phòng …) and a place, posts before a name, the verbs of change (hợp nhất,
sáp nhập, tạm dừng, thí điểm) and figures with their qualifiers (giảm, còn, từ … xuống,
khoảng, x/y). Rules read them well enough to draft; a curator checks every candidate.
Nothing is filled in: a date without a year stays without one, a directive without a
date gets none. Every mention keeps ``start``/``end``, offsets into the text as given
(Python code points, as the W3C Web Annotation TextPositionSelector counts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

# ---------------------------------------------------------------- shared

_M = TypeVar("_M", bound=Any)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def _span(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return Span(start, end, text[start:end])


# ---------------------------------------------------------------- dates

DAY_CUES = r"(?:ngày|Ngày|sáng|Sáng|chiều|Chiều|tối|Tối|trưa|Trưa|đêm|Đêm|hôm|Hôm|rạng sáng)"


@dataclass(frozen=True)
class DateMention:
    span: Span
    year: int | None
    month: int | None
    day: int | None

    @property
    def iso(self) -> str:
        """``2017-10-25``, ``2019-12`` or ``--11-20`` (a day and month without a year)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        if self.day is None:
            return f"{self.year}-{self.month:02d}" if self.month else f"{self.year}"
        return f"{self.year}-{self.month:02d}-{self.day:02d}"

    @property
    def datatype(self) -> str:
        if self.year is None:
            return "gMonthDay"
        return "date" if self.day else ("gYearMonth" if self.month else "gYear")


FULL_DATE = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d\d)(?![\d/])"
)
WORD_DATE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>(?:19|20)\d\d)", re.IGNORECASE
)
MONTH_YEAR = re.compile(
    r"tháng\s+(?P<m>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<y>(?:19|20)\d\d)(?![\d/])", re.IGNORECASE
)
DAY_MONTH = re.compile(
    rf"(?:(?P<cue>{DAY_CUES})(?:\s+ngày)?\s+|(?P<join>(?:và|đến|tới|-|\u2013)\s*))"
    r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![\d/.-]|\s*\d)"
)


def dates(text: str) -> list[DateMention]:
    """Every date, in text order; a day and month without a year keeps no year."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, y: int | None, m: int | None, d: int | None) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        if (m is not None and not 1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
            return
        taken.append((start, end))
        found.append(DateMention(Span(start, end, text[start:end]), y, m, d))

    for pattern in (WORD_DATE, FULL_DATE):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), int(match["y"]), int(match["m"]), int(match["d"]))
    for match in MONTH_YEAR.finditer(text):
        add(match.start(), match.end(), int(match["y"]), int(match["m"]), None)
    for match in DAY_MONTH.finditer(text):
        if match["join"] is not None and not _follows_date(found, match.start()):
            continue
        add(match.start("d"), match.end(), None, int(match["m"]), int(match["d"]))
    return sorted(found, key=lambda d: d.span.start)


def _follows_date(found: list[DateMention], start: int) -> bool:
    """ "6/12 và 7/12": a bare day and month counts when it joins a date just before it."""
    return any(0 <= start - d.span.end <= 2 for d in found)


# ---------------------------------------------------------------- directives

#: The words the press uses for each document type → the document-type concept.
TYPE_WORDS = {
    "Thông báo kết luận": "thong-bao-ket-luan",
    "Chương trình hành động": "chuong-trinh-hanh-dong",
    "Nghị quyết": "nghi-quyet",
    "Kết luận": "ket-luan",
    "Chỉ thị": "chi-thi",
    "Quyết định": "quyet-dinh",
    "Thông báo": "thong-bao",
    "Công văn": "cong-van",
    "Kế hoạch": "ke-hoach",
    "Đề án": "de-an",
    "Hướng dẫn": "huong-dan",
    "Quy định": "quy-dinh",
    "Nghị định": "nghi-dinh",
    "Thông tư": "thong-tu",
    "Chương trình": "chuong-trinh-hanh-dong",
}
#: Type abbreviations in symbols (Party: 18-NQ/TW; State: 22/2019/NQ-HĐND) → concept.
TYPE_CODES = {
    "NQ": "nghi-quyet",
    "KL": "ket-luan",
    "CT": "chi-thi",
    "QĐ": "quyet-dinh",
    "QĐi": "quy-dinh",
    "TB": "thong-bao",
    "CV": "cong-van",
    "CTr": "chuong-trinh-hanh-dong",
    "CTHĐ": "chuong-trinh-hanh-dong",
    "KH": "ke-hoach",
    "ĐA": "de-an",
    "HD": "huong-dan",
    "NĐ": "nghi-dinh",
    "TT": "thong-tu",
}
ISSUER_HINTS = {
    "TW": "Trung ương",
    "TƯ": "Trung ương",
    "TU": "Tỉnh ủy hoặc Thành ủy",
    "BNV": "Bộ Nội vụ",
    "TTg": "Thủ tướng Chính phủ",
    "CP": "Chính phủ",
    "HĐND": "Hội đồng nhân dân",
    "UBND": "Ủy ban nhân dân",
    "BCĐ": "Ban Chỉ đạo",
}
#: Symbols of documents that are not directives (a site's licence: "632/GP-STTTT").
NOT_DIRECTIVES = frozenset({"GP", "GPXB", "GCN", "GPKD"})
_CODES = "|".join(sorted(TYPE_CODES, key=len, reverse=True))
_ISSUER = r"[A-ZĐƯ][A-Za-zĐđƯư0-9]*"
SYMBOL = re.compile(
    # Party: 18-NQ/TW, 18-NQ/TƯ, 147-CTHĐ/TU, 30¬-CTr/TU (a stray sign), 34 KL/TW (no hyphen)
    rf"(?<![\w/])(?P<pn>\d{{1,5}})¬?(?:\s*-\s*|\s)(?P<pt>{_CODES})/(?P<pi>{_ISSUER})(?![\w-])"
    # State with a year: 22/2019/NQ-HĐND, 124/2004/QĐ-TTg, 580/2018/UBTVQH14, 176/2025/QH15
    rf"|(?<![\w/])(?P<sn>\d{{1,5}})/(?P<sy>(?:19|20)\d\d)/(?:(?P<st>{_CODES})-)?(?P<si>{_ISSUER})"
    r"(?P<si2>-[A-ZĐ][A-Za-zĐđ0-9]*)?(?![\w/])"
    # State without a year: 1013/NQ-UBTVQH15; a letter: 5898/BNV-TCBC
    rf"|(?<![\w/])(?P<cn>\d{{1,5}})/(?:(?P<ct>{_CODES})-(?P<ci>{_ISSUER})"
    r"|(?P<li>[A-ZĐ][A-Za-zĐđ]+)-(?P<lu>[A-ZĐ][A-Za-zĐđ0-9]*))(?![\w/])"
)
_TYPE_WORDS = "|".join(sorted(TYPE_WORDS, key=len, reverse=True))
TYPED_NUMBER = re.compile(
    rf"(?P<word>{_TYPE_WORDS})(?:\s+số)?\s+(?P<n>\d{{1,5}})(?![\d/,.]\d|[\w/-])", re.IGNORECASE
)
TYPE_BEFORE = re.compile(rf"(?P<word>{_TYPE_WORDS})(?:\s+số:?)?\s*$", re.IGNORECASE)
IMPLEMENTS_CUE = re.compile(
    r"(?:về\s+|để\s+|nhằm\s+)?(?:triển khai\s+)?(?:thực hiện|cụ thể hóa|cụ thể hoá|theo tinh thần"
    r"|thi hành|quán triệt)(?:\s+việc thực hiện)?\s+(?:các\s+|các nội dung\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DirectiveMention:
    span: Span
    doc_type: str | None  # a document-type concept slug
    number: str | None
    symbol: str | None  # normalised: 30¬-CTr/TU → 30-CTr/TU, 34 KL/TW → 34-KL/TW
    symbol_as_written: str | None
    year: int | None  # from a State symbol
    date: DateMention | None = None
    issuer: Span | None = None  # the issuing body where the sentence names it
    issuer_hint: str | None = None  # what the symbol's issuer part stands for
    implements: tuple[int, ...] = ()  # indexes of directives this one implements

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.doc_type, self.number)


def directives(
    text: str,
    found_dates: list[DateMention] | None = None,
    gazetteer: frozenset[str] = frozenset(),
) -> list[DirectiveMention]:
    """Directives with a number: type, number, symbol, date and issuer where written."""
    found_dates = dates(text) if found_dates is None else found_dates
    mentions: list[DirectiveMention] = []
    covered: list[tuple[int, int]] = []
    for match in SYMBOL.finditer(text):
        mention = _from_symbol(text, match)
        if mention is not None:
            mentions.append(mention)
            covered.append((mention.span.start, mention.span.end))
    for match in TYPED_NUMBER.finditer(text):
        if any(s <= match.start("n") < e for s, e in covered):
            continue
        word = _canonical_word(match["word"])
        if match["word"][0].islower() and not match["word"].startswith(("nghị quyết", "kết luận")):
            continue  # "kế hoạch 5 năm": a plain noun, not a document
        mentions.append(
            DirectiveMention(
                Span(match.start(), match.end(), match.group()),
                TYPE_WORDS[word],
                match["n"],
                None,
                None,
                None,
            )
        )
    mentions.sort(key=lambda m: m.span.start)
    return _with_context(text, mentions, found_dates, agencies(text, gazetteer))


def _canonical_word(word: str) -> str:
    return next(w for w in TYPE_WORDS if w.lower() == word.lower())


def _from_symbol(text: str, match: re.Match[str]) -> DirectiveMention | None:
    if match["pn"]:
        number, code, issuer, year = match["pn"], match["pt"], match["pi"], None
        symbol = f"{number}-{code}/{issuer}"
    elif match["sn"]:
        number, code, year = match["sn"], match["st"], int(match["sy"])
        issuer = match["si"] + (match["si2"] or "")
        symbol = f"{number}/{year}/" + (f"{code}-" if code else "") + issuer
    elif match["ct"]:
        number, code, issuer, year = match["cn"], match["ct"], match["ci"], None
        symbol = f"{number}/{code}-{issuer}"
    else:
        number, code, issuer, year = match["cn"], None, match["li"], None
        symbol = f"{number}/{issuer}-{match['lu']}"
    before = TYPE_BEFORE.search(text, max(0, match.start() - 40), match.start())
    doc_type = TYPE_WORDS[_canonical_word(before["word"])] if before else None
    if code is not None:
        doc_type = TYPE_CODES[code] if doc_type is None or code != "TB" else doc_type
    elif doc_type is None and match["li"]:
        doc_type = "cong-van"  # number/ISSUER-UNIT is how ministries number their letters
    if doc_type is None and match["sn"]:
        doc_type = "nghi-quyet" if re.match(r"(UBTV)?QH\d+$", issuer) else None
    if doc_type is None or match["li"] in NOT_DIRECTIVES:
        return None  # 632/GP-STTTT: a licence, not a document that steers the reform
    start = before.start() if before else match.start()
    hint = ISSUER_HINTS.get(issuer.split("-")[0]) or _assembly_hint(issuer)
    return DirectiveMention(
        Span(start, match.end(), text[start : match.end()]),
        doc_type,
        number,
        symbol,
        match.group(),
        year,
        issuer_hint=hint,
    )


def _assembly_hint(issuer: str) -> str | None:
    term = re.fullmatch(r"(UBTV)?QH(\d+)", issuer)
    if term is None:
        return None
    body = "Ủy ban Thường vụ Quốc hội" if term[1] else "Quốc hội"
    return f"{body} khóa {_roman(int(term[2]))}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


DATE_AFTER = re.compile(r"^\s*,?\s*(?:ban hành\s+)?(?:ngày\s+)?$")
ISSUER_AFTER = re.compile(r"^\s*,?\s*(?:của|do)\s+$")


def _with_context(
    text: str,
    mentions: list[DirectiveMention],
    found_dates: list[DateMention],
    bodies: list[AgencyMention],
) -> list[DirectiveMention]:
    """Attach the date written just after a directive, its issuer and what it implements."""
    out: list[DirectiveMention] = []
    for index, m in enumerate(mentions):
        end = m.span.end
        date = next(
            (d for d in found_dates if d.span.start >= end and _only_glue(text, end, d)), None
        )
        if date is not None and date.year is None:
            date = None  # a directive's date is never a day without its year
        after = date.span.end if date is not None else end
        issuer = next(
            (
                b.span
                for b in bodies
                if b.span.start >= after and ISSUER_AFTER.match(text[after : b.span.start])
            ),
            None,
        )
        if date is None and issuer is None:
            date, issuer = _issued_before(text, m.span.start, found_dates, bodies)
        implements = tuple(
            j
            for j, other in enumerate(mentions)
            if j > index
            and other.span.start - (issuer.end if issuer else after) < 80
            and IMPLEMENTS_CUE.search(text[(issuer.end if issuer else after) : other.span.start])
            and "." not in text[after : other.span.start]
        )[:1]
        out.append(
            DirectiveMention(
                Span(m.span.start, max(after, issuer.end if issuer else after), ""),
                m.doc_type,
                m.number,
                m.symbol,
                m.symbol_as_written,
                m.year,
                date,
                issuer,
                m.issuer_hint,
                implements,
            )
        )
    return [
        DirectiveMention(_span(text, m.span.start, m.span.end), *list(m.__dict__.values())[1:])
        for m in out
    ]


ISSUED = re.compile(r"(?:đã\s+)?(?:ký\s+)?(?:ban hành|thông qua|ký)\s*$")


def _issued_before(
    text: str, start: int, found_dates: list[DateMention], bodies: list[AgencyMention]
) -> tuple[DateMention | None, Span | None]:
    """ "Ngày 12/2/2025, Ban Chấp hành Đảng bộ tỉnh … ban hành Quyết định số …": the date and
    issuer that open the sentence of a directive issued in it."""
    sentence = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    if not ISSUED.search(text[sentence:start]):
        return None, None
    opening = re.compile(r"\s*(?:Ngày|ngày)?\s*")
    date = next(
        (d for d in found_dates if sentence <= d.span.start < start and d.year
         and opening.fullmatch(text[sentence : d.span.start])),
        None,
    )  # fmt: skip
    if date is None:
        return None, None
    issuer = next(
        (b.span for b in bodies if date.span.end < b.span.start and b.span.end <= start
         and ISSUED.match(text[b.span.end : start].strip() + " ")),
        None,
    )  # fmt: skip
    return date, issuer


def _only_glue(text: str, end: int, date: DateMention) -> bool:
    between = text[end : date.span.start]
    if DATE_AFTER.match(between):
        return True
    return bool(re.match(r"^\s*,?\s*ngày\s*$", between))


# ---------------------------------------------------------------- places and agencies

LEVEL_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường", "xã")
HEAD_WORDS = (
    "Thường trực Tỉnh ủy",
    "Thường trực Thành ủy",
    "Thường trực Huyện ủy",
    "Thường trực Quận ủy",
    "Ban Chấp hành Trung ương",
    "Ban Chấp hành Đảng bộ",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Văn phòng",
    "Ban",
    "Sở",
    "Phòng",
    "Ủy ban nhân dân",
    "Uỷ ban nhân dân",
    "Ban cán sự đảng",
    "Ủy ban",
    "Uỷ ban",
    "Bộ",
    "Cơ quan",
    "Trung tâm",
    "Đảng ủy",
    "Đảng uỷ",
    "Đảng bộ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Thành ủy",
    "Thành uỷ",
    "Huyện ủy",
    "Huyện uỷ",
    "Quận ủy",
    "Quận uỷ",
    "Thị ủy",
    "Thị uỷ",
    "Thanh tra",
    "Hội đồng nhân dân",
    "Đoàn đại biểu Quốc hội",
    "Đoàn kiểm tra",
    "Chính phủ",
    "Quốc hội",
    "Mặt trận Tổ quốc",
    "Mặt trận Tổ Quốc",
    "Cục",
    "Tổng cục",
    "Chi cục",
    "Kho bạc",
    "Ngân hàng Nhà nước",
    "UBND",
    "HĐND",
    "MTTQ",
    "UBKT",
)
#: Lower-case syllables that occur inside agency names ("Ban Tổ chức", "Sở Nội vụ").
NAME_SYLLABLES = frozenset(
    [
        "chức",
        "vụ",
        "giáo",
        "vận",
        "hoạch",
        "tư",
        "chính",
        "trị",
        "sự",
        "đảng",
        "cán",
        "kiểm",
        "tra",
        "tế",
        "thông",
        "tin",
        "truyền",
        "nghiệp",
        "nông",
        "thôn",
        "triển",
        "tài",
        "nguyên",
        "môi",
        "trường",
        "lao",
        "động",
        "binh",
        "hội",
        "đại",
        "biểu",
        "quốc",
        "nhân",
        "dân",
        "dục",
        "đào",
        "tạo",
        "học",
        "công",
        "nghệ",
        "thương",
        "dựng",
        "tải",
        "phủ",
        "phòng",
        "vệ",
        "ngoại",
        "giao",
        "pháp",
        "tịch",
        "mặt",
        "trận",
        "tổ",
        "hành",
        "thường",
        "trực",
        "văn",
        "hóa",
        "hoá",
        "thao",
        "lịch",
        "tộc",
        "tôn",
        "sách",
        "lược",
        "kinh",
        "hợp",
        "quản",
        "lý",
        "khu",
        "ủy",
        "uỷ",
        "sát",
        "trung",
        "ương",
        "bí",
        "thư",
        "chấp",
        "đoàn",
        "an",
        "ninh",
        "y",
        "ban",
    ]
)
EN_DASH = "\u2013"
CONNECTORS = ("và", "-", EN_DASH, ",")
#: Bodies that need a place to be one body: "Tỉnh ủy" alone is some province's committee.
NEEDS_PLACE = frozenset({"Tỉnh ủy", "Tỉnh uỷ", "Thành ủy", "Thành uỷ", "Huyện ủy", "Huyện uỷ",
                         "Quận ủy", "Quận uỷ", "Thị ủy", "Thị uỷ", "Đảng ủy", "Đảng uỷ", "Đảng bộ",
                         "UBND", "HĐND", "MTTQ", "UBKT"})  # fmt: skip
BARE_HEADS = frozenset({"Ban", "Bộ", "Sở", "Phòng", "Cơ quan", "Trung tâm", "Cục", "Văn phòng",
                        "Ủy ban", "Uỷ ban", "Chi cục", "Tổng cục"})  # fmt: skip
ROMAN = re.compile(r"^[IVXL]+$")
TOKEN = re.compile(r"\w+|[^\w\s]")
QUALIFIED_ROLE = re.compile(r"(?:Bí thư|Chủ tịch|Trưởng ban|Trưởng Ban)\s*$")
GENERIC_BEFORE = re.compile(r"(?:các|những|mỗi|từng)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceMention:
    span: Span
    level: str | None  # the level word the text uses ("huyện"), or None for a bare name
    name: str


@dataclass(frozen=True)
class AgencyMention:
    span: Span
    head: str
    place: PlaceMention | None = None
    generic: bool = False  # "cấp huyện", "cùng cấp": a kind of agency, not one agency

    @property
    def name(self) -> str:
        return self.span.text


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


def agencies(text: str, gazetteer: frozenset[str] = frozenset()) -> list[AgencyMention]:
    """Named agencies and bodies: a head word, the words of its name, and its place.

    ``gazetteer`` holds known place names (folded to lower case); a run of capitalised words
    after an agency that is not a place but starts with a surname is a person's name
    ("Thứ trưởng Bộ Nội vụ Nguyễn Duy Thăng"), so the agency ends before it.
    """
    tokens = _tokens(text)
    heads = sorted(HEAD_WORDS, key=lambda h: -len(h.split()))
    found: list[AgencyMention] = []
    i = 0
    while i < len(tokens):
        head = _head_at(tokens, i, heads)
        if head is None:
            i += 1
            continue
        if head.startswith("Thường trực ") and QUALIFIED_ROLE.search(text[: tokens[i].start()]):
            i += 2  # "Phó Bí thư Thường trực Tỉnh ủy": the post is standing, the body the Tỉnh ủy
            continue
        end = _name_end(text, tokens, i + len(head.split()), head, gazetteer)
        start_char, end_char = tokens[i].start(), tokens[end - 1].end()
        name = text[start_char:end_char]
        generic = bool(
            GENERIC_BEFORE.search(text[max(0, start_char - 12) : start_char])
            or re.search(r"\bcấp (ủy|uỷ|tỉnh|huyện|xã|quận)\b|cùng cấp", name)
            or (head in NEEDS_PLACE and end == i + len(head.split()))
        )
        if head in BARE_HEADS and end == i + len(head.split()):
            i = end
            continue  # a bare "Ban", "Cơ quan" or "Văn phòng" names nothing
        found.append(
            AgencyMention(
                _span(text, start_char, end_char),
                head,
                _place_in(text, start_char, end_char),
                generic,
            )
        )
        i = end
    return found


def _head_at(tokens: list[re.Match[str]], i: int, heads: list[str]) -> str | None:
    for head in heads:
        words = head.split()
        chunk = [t.group() for t in tokens[i : i + len(words)]]
        if chunk == words:
            return head
    return None


OFFICE_BODIES = ("HĐND", "UBND", "Hội đồng nhân dân", "Ủy ban nhân dân", "Uỷ ban nhân dân",
                 "Đoàn đại biểu Quốc hội")  # fmt: skip
GENERIC_LEVELS = frozenset({"tỉnh", "huyện", "xã", "ủy", "uỷ", "quận", "trung"})


#: Two lower-case syllables in a row inside a name ("Phát triển nông thôn").
LOWER_PAIRS = frozenset({("nông", "thôn"), ("nhân", "dân"), ("cán", "sự"), ("sự", "đảng"),
                         ("đại", "biểu"), ("hành", "chính"), ("ban", "nhân"), ("chính", "công"),
                         ("triển", "nông")})  # fmt: skip


def _name_end(text: str, tokens: list[re.Match[str]], j: int, head: str,
              gazetteer: frozenset[str]) -> int:  # fmt: skip
    """The index after the last token of an agency name whose head ends before ``j``."""
    end, placed = j, False
    while j < len(tokens):
        word = tokens[j].group()
        nxt = tokens[j + 1].group() if j + 1 < len(tokens) else ""
        if "\n" in text[tokens[j - 1].end() : tokens[j].start()]:
            break
        level = _level_at(tokens, j)
        if level is not None:
            after = j + len(level.split())
            if after < len(tokens) and _is_cap(tokens[after].group()):
                place_end = _place_end(tokens, after, gazetteer)
                if place_end > after:
                    j = end = place_end
                    placed = True
                    continue
            if level in ("tỉnh", "thành phố", "huyện", "quận"):
                end = after  # "Đoàn đại biểu Quốc hội tỉnh": of the province
            break
        if word in ("khóa", "khoá") and ROMAN.match(nxt):
            j = end = j + 2
            continue
        if word == "cấp" and nxt in GENERIC_LEVELS:
            j = end = j + 2  # "Phòng Nội vụ cấp huyện": a kind of agency (marked generic)
            continue
        if _is_cap(word) and word.isalpha():
            known = _known_place(tokens, j, gazetteer)
            if known:
                j = end = j + known
                placed = True
                continue
            if placed or _is_person(tokens, j, gazetteer) or _role_at(text, tokens[j].start()):
                break
            j = end = j + 1
            continue
        previous = tokens[j - 1].group()
        if (
            not placed
            and word.islower()
            and word in NAME_SYLLABLES
            and (_is_cap(previous) or (previous.lower(), word) in LOWER_PAIRS)
        ):
            j = end = j + 1
            continue
        joined = _joins(text, tokens, j, head, gazetteer)
        if joined and not placed:
            j += joined
            end = j if joined > 1 else end
            continue
        break
    return end


def _known_place(tokens: list[re.Match[str]], j: int, gazetteer: frozenset[str]) -> int:
    """How many tokens at ``j`` spell a place the gazetteer knows (two words at least)."""
    for n in (4, 3, 2):
        if " ".join(t.group() for t in tokens[j : j + n]).lower() in gazetteer:
            return n
    return 0


def _joins(text: str, tokens: list[re.Match[str]], j: int, head: str,
           gazetteer: frozenset[str]) -> int:  # fmt: skip
    """How many tokens the connector at ``j`` joins to the name: 1 to go on reading
    ("Văn hóa, Thể thao"), the connector and a whole body for a joint office ("Văn phòng
    HĐND và UBND"), 0 where the name ends."""
    word = tokens[j].group()
    if j + 1 >= len(tokens) or word not in CONNECTORS:
        return 0
    nxt = tokens[j + 1]
    if not _is_cap(nxt.group()) or _is_person(tokens, j + 1, gazetteer):
        return 0
    if _role_at(text, nxt.start()):
        return 0
    if head == "Văn phòng":
        body = next((b for b in OFFICE_BODIES if text.startswith(b, nxt.start())), None)
        if body is not None:  # one office serving several bodies (D.01)
            return 1 + len(body.split())
    if _starts_head(tokens, j + 1) and word not in ("-", EN_DASH):
        return 0  # "Kiểm tra - Thanh tra": a merged name joins two heads with a dash
    return 1 if word != "," or head == "Bộ" else 0  # "Bộ Văn hóa, Thể thao và Du lịch"


def _is_person(tokens: list[re.Match[str]], j: int, gazetteer: frozenset[str]) -> bool:
    """A surname, then capitalised words, that are not a known place: a person's name."""
    words = [t.group() for t in tokens[j : j + 4]]
    if not words or words[0] not in SURNAMES or len(words) < 2 or not _is_cap(words[1]):
        return False
    return not any(" ".join(words[:n]).lower() in gazetteer for n in range(2, 5))


def _starts_head(tokens: list[re.Match[str]], i: int) -> bool:
    return _head_at(tokens, i, sorted(HEAD_WORDS, key=lambda h: -len(h.split()))) is not None


def _level_at(tokens: list[re.Match[str]], j: int) -> str | None:
    for level in LEVEL_WORDS:
        words = level.split()
        if [t.group() for t in tokens[j : j + len(words)]] == words:
            return level
    return None


def _place_end(tokens: list[re.Match[str]], j: int, gazetteer: frozenset[str]) -> int:
    """The end of the place name at ``j``: a known place, else capitalised words that are
    not a person's name."""
    for n in (4, 3, 2, 1):
        if " ".join(t.group() for t in tokens[j : j + n]).lower() in gazetteer:
            return j + n
    if _is_person(tokens, j, gazetteer):
        return j
    while j < len(tokens) and _is_cap(tokens[j].group()) and tokens[j].group().isalpha():
        j += 1
    return j


PLACE = re.compile(r"(?P<level>thành phố|thị xã|thị trấn|tỉnh|huyện|quận|phường|xã)[ \u00a0]+")


def _place_at(text: str, match: re.Match[str]) -> PlaceMention | None:
    words = list(re.finditer(r"[^\W\d_]+", text[match.end() : match.end() + 60]))
    kept: list[re.Match[str]] = []
    for word in words[:4]:
        gap = text[match.end() + (kept[-1].end() if kept else 0) : match.end() + word.start()]
        if not word.group()[0].isupper() or (kept and not re.fullmatch(r"[ \u00a0]", gap)):
            break
        if not kept and word.start() != 0:
            break
        kept.append(word)
    if not kept:
        return None
    end = match.end() + kept[-1].end()
    name = text[match.end() : end]
    return PlaceMention(Span(match.start(), end, text[match.start() : end]), match["level"], name)


def _place_in(text: str, start: int, end: int) -> PlaceMention | None:
    """The place named inside an agency's name (the last one: "Ban Tổ chức Quận ủy Kiến An")."""
    inside = text[:end]
    found = [p for m in PLACE.finditer(inside, start) if (p := _place_at(inside, m)) is not None]
    return found[-1] if found else None


def places(text: str) -> list[PlaceMention]:
    """Places written with their level word ("huyện An Lão", "tỉnh Quảng Ninh")."""
    return [p for m in PLACE.finditer(text) if (p := _place_at(text, m)) is not None]


# ---------------------------------------------------------------- people and posts

SURNAMES = frozenset(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Trương",
        "Đinh",
        "Lại",
        "Đoàn",
        "Lâm",
        "Mai",
        "Trịnh",
        "Cao",
        "Tô",
        "Hà",
        "Lương",
        "Đào",
        "Thái",
        "Tạ",
        "Chu",
        "Kiều",
        "Lưu",
        "Vương",
        "Văn",
        "Triệu",
        "Quách",
        "Tăng",
        "Từ",
        "Nông",
        "Hứa",
        "Thân",
        "La",
        "Giang",
        "Khuất",
        "Mạc",
        "Lục",
        "Châu",
    ]
)
ROLES = (
    "Ủy viên Bộ Chính trị",
    "Ủy viên Trung ương Đảng",
    "Ủy viên dự khuyết Trung ương Đảng",
    "Ủy viên Ban Thường vụ",
    "Thường trực Ban Bí thư",
    "Bí thư Trung ương Đảng",
    "Tổng Bí thư",
    "Chủ tịch nước",
    "Phó Thủ tướng",
    "Thủ tướng",
    "Bộ trưởng",
    "Thứ trưởng",
    "Phó Chủ tịch",
    "Chủ tịch",
    "Phó Bí thư",
    "Bí thư",
    "Phó trưởng ban",
    "Phó Trưởng ban",
    "Trưởng ban",
    "Trưởng Ban",
    "Trưởng Đoàn",
    "Trưởng đoàn",
    "Phó Trưởng",
    "Phó trưởng",
    "Trưởng",
    "Phó Giám đốc",
    "Giám đốc",
    "Chánh Văn phòng",
    "Phó Chánh Văn phòng",
    "Chánh",
    "Chánh Thanh tra",
    "Trưởng Phòng",
    "Trưởng phòng",
    "Chủ nhiệm",
    "Tổng Thư ký",
    "UVTVTU",
    "UVBCT",
    "UVTW",
)


@dataclass(frozen=True)
class PersonMention:
    span: Span
    name: str
    name_span: Span
    posts: tuple[Span, ...]


def people(text: str, gazetteer: frozenset[str] = frozenset()) -> list[PersonMention]:
    """People named with a post: "Bộ trưởng Bộ Nội vụ Lê Vĩnh Tân" or "Danh, Phó Bí thư …"."""
    bodies = agencies(text, gazetteer)
    found: dict[int, PersonMention] = {}
    for match in _names(text):
        name = match.text
        words = name.split()
        if words[0] not in SURNAMES or name.lower() in gazetteer:
            continue
        posts = [*_posts_before(text, match.start, bodies), *_posts_after(text, match.end, bodies)]
        if not posts or any(
            f.name_span.start <= match.start < f.name_span.end for f in found.values()
        ):
            continue
        start = min([p.start for p in posts] + [match.start])
        end = max([p.end for p in posts] + [match.end])
        found[match.start] = PersonMention(_span(text, start, end), name, match, tuple(posts))
    return sorted(found.values(), key=lambda p: p.span.start)


def _role_at(text: str, start: int) -> str | None:
    return next(
        (r for r in sorted(ROLES, key=len, reverse=True) if text.startswith(r, start)), None
    )


def role_of(post: str) -> str:
    """The role of a post phrase: "Phó Chủ tịch Thường trực UBND …" → "Phó Chủ tịch Thường trực"."""
    roles = [r for r in ROLES if post.startswith(r)]
    if not roles:
        return post
    role = (
        max(roles, key=len)
        if len(roles) == 1 or not post.startswith("Trưởng Ban")
        else "Trưởng ban"
    )
    qualifier = re.match(r"\s+(?:Thường trực|thường trực)\b", post[len(role) :])
    return role + (qualifier.group() if qualifier else "")


def _names(text: str) -> list[Span]:
    """Runs of two to four capitalised words ("Nguyễn Thị Nghĩa"), on one line."""
    runs: list[Span] = []
    words: list[re.Match[str]] = []
    for token in [*re.finditer(r"[^\W\d_]+|\S", text), None]:
        joined = (
            token is not None
            and token.group()[0].isupper()
            and token.group()[1:].islower() | (len(token.group()) == 1)
            and (not words or re.fullmatch(r"[ \u00a0]", text[words[-1].end() : token.start()]))
        )
        if joined and token is not None:
            words.append(token)
            continue
        if len(words) >= 2:
            for first in range(0, len(words) - 1):
                last = min(len(words), first + 4)
                runs.append(Span(words[first].start(), words[last - 1].end(),
                                 text[words[first].start() : words[last - 1].end()]))  # fmt: skip
        words = [token] if token is not None and token.group()[0].isupper() else []
    return runs


def _post_from(text: str, start: int, bodies: list[AgencyMention]) -> Span | None:
    """A post phrase at ``start``: a role ("Phó Bí thư Thường trực"), and the body it is
    held in where one follows ("Thành ủy", "Thường trực Tỉnh ủy")."""
    best: Span | None = None
    for role in sorted(ROLES, key=len, reverse=True):
        if not text.startswith(role, start):
            continue
        end = start + len(role)
        qualifier = re.match(r"\s+(?:Thường trực|thường trực)\b", text[end:])
        ends = [end, end + qualifier.end()] if qualifier else [end]
        for role_end in ends:
            body = next((b for b in bodies if 0 <= b.span.start - role_end <= 1), None)
            if body is not None:
                return Span(start, body.span.end, text[start : body.span.end])
        best = best or Span(start, ends[-1], text[start : ends[-1]])
    return best


def _posts_before(text: str, name_start: int, bodies: list[AgencyMention]) -> list[Span]:
    """The chain of posts written just before the name ("Ủy viên …, Thường trực … Tên")."""
    candidates = [
        post
        for index in range(max(0, name_start - 200), name_start)
        if not (index and text[index - 1].isalnum())
        and (post := _post_from(text, index, bodies)) is not None
    ]
    chain: list[Span] = []
    cursor = name_start
    while True:
        joined = [
            p
            for p in candidates
            if p.end <= cursor and re.fullmatch(r"[\s,]*(?:đồng chí\s+)?", text[p.end : cursor])
        ]
        if not joined or (chain and text[joined[0].end : cursor].strip() != ","):
            break
        post = min(joined, key=lambda p: p.start)
        chain.insert(0, post)
        cursor = post.start
    return chain


def _posts_after(text: str, name_end: int, bodies: list[AgencyMention]) -> list[Span]:
    posts = []
    cursor = name_end
    while True:
        sep = re.match(r"\s*,\s*", text[cursor:])
        if sep is None:
            break
        post = _post_from(text, cursor + sep.end(), bodies)
        if post is None:
            break
        posts.append(post)
        cursor = post.end
    return posts


# ---------------------------------------------------------------- changes

CHANGE_VERBS = {
    "hợp nhất": "hop-nhat",
    "sáp nhập": "sap-nhap",
    "sát nhập": "sap-nhap",
    "thành lập": "thanh-lap",
    "tạm dừng": "tam-dung",
    "thí điểm": "thi-diem",
    "giải thể": "giai-the",
    "kết thúc hoạt động": "ket-thuc",
}
PROPOSED = re.compile(
    r"\b(?:đề xuất|dự kiến|xem xét|sẽ|nghiên cứu|phương án|dự thảo|đề nghị|trình)\b", re.IGNORECASE
)
ORDERED = re.compile(r"\b(?:yêu cầu|chỉ đạo|giao|phải)\b", re.IGNORECASE)
EFFECTED = re.compile(
    r"\b(?:kể từ ngày|từ ngày|đã|chính thức|hoàn thành|đi vào hoạt động|quyết định|thông qua)\b",
    re.IGNORECASE,
)
CLAUSE_END = re.compile(r"[.;:!?\n]")
ORIGINALS_END = re.compile(r"\s(?:theo|của|kể từ|từ ngày|do|tại)\s")
NAMED_AS = re.compile(r"\b(?:có tên gọi(?: là)?|mang tên|có tên là|lấy tên)\s+")


@dataclass(frozen=True)
class ChangeMention:
    span: Span
    kind: str  # hop-nhat, sap-nhap, thanh-lap, tam-dung, thi-diem, …
    status: str  # da-thuc-hien (effected), de-xuat (proposed), yeu-cau (ordered)
    originals: tuple[AgencyMention, ...] = ()
    result: AgencyMention | None = None
    effective: DateMention | None = None
    models: tuple[Span, ...] = field(default_factory=tuple)


def changes(
    text: str,
    found_dates: list[DateMention] | None = None,
    gazetteer: frozenset[str] = frozenset(),
) -> list[ChangeMention]:
    """Statements of change, proposed or effected as their wording says."""
    found_dates = dates(text) if found_dates is None else found_dates
    bodies = agencies(text, gazetteer)
    out: list[ChangeMention] = []
    pattern = re.compile("|".join(sorted(CHANGE_VERBS, key=len, reverse=True)), re.IGNORECASE)
    for match in pattern.finditer(text):
        clause_start = _clause_start(text, match.start())
        clause_end = _clause_end(text, match.end())
        clause = text[clause_start:clause_end]
        kind = CHANGE_VERBS[match.group().lower()]
        if kind == "thi-diem" and (
            re.match(r"\s+(hợp nhất|sáp nhập|thành lập)", text[match.end() :])
            or re.search(r"tạm dừng(?:\s+thực hiện)?\s+$", text[: match.start()], re.IGNORECASE)
        ):
            continue  # "thí điểm hợp nhất", "tạm dừng thí điểm": the other verb carries it
        before = text[clause_start : match.start()]
        status = (
            "de-xuat"
            if PROPOSED.search(before)
            or (
                PROPOSED.search(clause[: match.end() - clause_start + 40])
                and not re.search(r"kể từ ngày", clause)
            )
            else "yeu-cau"
            if ORDERED.search(before)
            else "da-thuc-hien"
        )
        inside = [b for b in bodies if clause_start <= b.span.start and b.span.end <= clause_end]
        after_verb = [b for b in inside if b.span.start >= match.end()]
        result_at = re.search(
            r"\b(?:thành|vào)\s+(?!lập|phố|viên|công|hoạt động)" if kind == "sap-nhap"
            else r"\bthành\s+(?!lập|phố|viên|công)", text[match.end() : clause_end]
        )  # fmt: skip
        result = None
        originals = after_verb
        if result_at is not None:
            cut = match.end() + result_at.start()
            originals = [b for b in after_verb if b.span.end <= cut]
            result = next((b for b in after_verb if b.span.start >= cut), None)
        stop = ORIGINALS_END.search(text, match.end(), clause_end)
        if stop is not None:  # "hợp nhất A và B theo Đề án … của X": X is not merged
            originals = [b for b in originals if b.span.end <= stop.start()]
        named = NAMED_AS.match(text, match.end() + 1)
        if named is not None and out and out[-1].result is None:
            # "sau khi hợp nhất có tên gọi C": the name of the previous merger's result
            result = next((b for b in inside if b.span.start >= named.end()), None)
            if result is not None and out[-1].span.start >= clause_start - 400:
                previous = out.pop()
                out.append(ChangeMention(previous.span, previous.kind, previous.status,
                                         previous.originals, result,
                                         previous.effective))  # fmt: skip
            continue
        if kind == "thanh-lap":
            result, originals = (after_verb[0] if after_verb else None), []
        models: tuple[Span, ...] = ()
        if kind in ("tam-dung", "thi-diem"):
            originals, result = [], None
            models = _models_after(text, match.end())
        effective = next(
            (
                d
                for d in found_dates
                if clause_start <= d.span.start < clause_end
                and re.search(
                    r"(?:kể )?từ ngày\s*$", text[max(0, d.span.start - 14) : d.span.start]
                )
            ),
            None,
        )
        end = max([match.end()] + [b.span.end for b in (*originals, *(x for x in [result] if x))]
                  + [effective.span.end if effective else 0])  # fmt: skip
        out.append(
            ChangeMention(
                _span(text, match.start(), end),
                kind,
                status,
                tuple(originals),
                result,
                effective,
                models,
            )
        )
    return out


def _models_after(text: str, start: int) -> tuple[Span, ...]:
    """ "tạm dừng thực hiện thí điểm các mô hình: A; B; C." → the spans of A, B and C."""
    intro = re.match(r"\s+(?:thực hiện\s+)?(?:thí điểm\s+)?(?:các\s+|một số\s+)?mô hình\s*:\s*",
                     text[start:])  # fmt: skip
    if intro is None:
        return ()
    begin = start + intro.end()
    stop = re.search(r"\.(?:\s|$)", text[begin:])
    end = begin + (stop.start() if stop else len(text) - begin)
    spans = []
    for part in re.finditer(r"[^;]+", text[begin:end]):
        s, e = begin + part.start(), begin + part.end()
        while s < e and text[s].isspace():
            s += 1
        spans.append(Span(s, e, text[s:e]))
    return tuple(spans)


def _clause_start(text: str, index: int) -> int:
    ends = [m.end() for m in CLAUSE_END.finditer(text, 0, index)]
    return ends[-1] if ends else 0


def _clause_end(text: str, index: int) -> int:
    match = CLAUSE_END.search(text, index)
    return match.start() if match else len(text)


# ---------------------------------------------------------------- figures

NUMBER = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"
FIGURE = re.compile(
    rf"(?P<from>từ\s+(?P<base>{NUMBER})\s+(?P<baseunit>[\wÀ-ỹ ]{{0,30}}?)\s*xuống\s+(?:còn\s+)?)?"
    rf"(?<![\w/.,-])(?P<value>{NUMBER})(?:/(?P<total>\d+))?(?P<pct>\s*%)?(?![\w/.-]|,\d)"
)
APPROXIMATE = re.compile(r"(?:khoảng|gần|xấp xỉ|ước|chừng)\s+$", re.IGNORECASE)
AT_LEAST = re.compile(r"(?:hơn|trên|ít nhất)\s+$", re.IGNORECASE)
DECREASE = re.compile(r"(?:giảm|cắt giảm|bớt)(?:\s+được)?(?:\s+(?:thêm|khoảng|hơn|gần))?\s+$")
INCREASE = re.compile(r"tăng(?:\s+được)?(?:\s+(?:thêm|khoảng|hơn))?\s+$")
NOT_COUNTS = re.compile(
    r"^\s*(?:năm|tháng|ngày|giờ|phút|lần|tuổi|km|m2|km²|triệu đồng|tỷ đồng|đồng)\b", re.IGNORECASE
)
NOT_BEFORE = re.compile(
    r"(?:số|Số|thứ|lần thứ|khóa|khoá|năm|tháng|ngày|Tầng|tầng|lúc|:|Điều|điều|khoản|Khoản|"
    r"Nghị quyết|Kết luận|Chỉ thị|Quyết định|Thông báo|Công văn|Chương trình|Kế hoạch|Đề án|"
    r"Nghị định|Thông tư|Hướng dẫn|Quy định|hành động)\s*$"
)
BASELINE_YEAR = re.compile(r"^[^.;]{0,40}?so với (?:cùng kỳ )?năm (?P<year>(?:19|20)\d\d)")


@dataclass(frozen=True)
class FigureMention:
    span: Span
    value: str  # as a number: "1875", "31.4"
    unit: str  # the counted noun as written ("phòng, ban, chi cục")
    statistic: str  # so-luong (a level) or giam (a decrease) or tang (an increase)
    approximate: bool = False
    at_least: bool = False
    baseline_value: str | None = None
    baseline_year: int | None = None
    total: str | None = None
    percent: bool = False


def figures(text: str, found_dates: list[DateMention] | None = None) -> list[FigureMention]:
    """Counts with their qualifiers: giảm N, còn N, từ N xuống M, khoảng N, N/M, N%."""
    found_dates = dates(text) if found_dates is None else found_dates
    symbols = [(m.start(), m.end()) for m in SYMBOL.finditer(text)]
    taken = [(d.span.start, d.span.end) for d in found_dates] + symbols
    out = []
    for match in FIGURE.finditer(text):
        start, end = match.start("value"), match.end()
        if any(s <= start < e for s, e in taken):
            continue
        before = text[
            max(0, (match.start() if match["from"] else start) - 30) : match.start()
            if match["from"]
            else start
        ]
        if NOT_BEFORE.search(before) or (
            match["value"].startswith("0") and len(match["value"]) > 1
        ):
            continue
        unit, unit_end = ("%", end) if match["pct"] else _unit_after(text, end)
        if not unit or (not match["pct"] and NOT_COUNTS.match(text[end:])):
            continue
        statistic = (
            "giam" if DECREASE.search(before) else "tang" if INCREASE.search(before) else "so-luong"
        )
        baseline = BASELINE_YEAR.match(text[unit_end:])
        span_start = match.start() if match["from"] else _qualifier_start(text, start)
        span_end = unit_end + (baseline.end() if baseline else 0)
        out.append(
            FigureMention(
                _span(text, span_start, span_end),
                _number(match["value"]),
                unit,
                statistic,
                approximate=bool(APPROXIMATE.search(before)),
                at_least=bool(AT_LEAST.search(before)),
                baseline_value=_number(match["base"]) if match["base"] else None,
                baseline_year=int(baseline["year"]) if baseline else None,
                total=match["total"],
                percent=bool(match["pct"]),
            )
        )
    return _carry_over(text, out)


def _carry_over(text: str, found: list[FigureMention]) -> list[FigureMention]:
    """ "giảm 4 cấp trưởng và 27 cấp phó": a figure joined by "và" or a comma to a decrease
    is a decrease too."""
    out: list[FigureMention] = []
    for found_figure in found:
        figure = found_figure
        previous = out[-1] if out else None
        if (
            previous is not None
            and figure.statistic == "so-luong"
            and previous.statistic != "so-luong"
            and not re.match(r"(?:còn|có|hiện có|tổng)\b", figure.span.text)
            and re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", text[previous.span.end : figure.span.start])
        ):
            figure = FigureMention(**{**figure.__dict__, "statistic": previous.statistic})
        out.append(figure)
    return out


def _qualifier_start(text: str, start: int) -> int:
    """Include "giảm được khoảng" and the like in the quote of a figure."""
    before = text[max(0, start - 40) : start]
    qualifier = re.search(
        r"(?:(?:cắt\s+)?giảm(?:\s+được)?|tăng(?:\s+được)?|còn|hiện có|có|khoảng|gần|hơn|trên|xuống)"
        r"(?:\s+(?:được|khoảng|gần|hơn|còn))*\s+$",
        before,
    )
    return start - (len(before) - qualifier.start()) if qualifier else start


UNIT_STOP = frozenset(
    [
        "so",
        "với",
        "được",
        "đã",
        "và",
        "của",
        "theo",
        "để",
        "là",
        "thì",
        "do",
        "tại",
        "trong",
        "ở",
        "khi",
        "thuộc",
        "trực",
        "sau",
        "trước",
        "từ",
        "đến",
        "vào",
        "nhưng",
        "cũng",
        "đều",
        "sẽ",
        "giảm",
        "tăng",
        "còn",
        "có",
        "hiện",
        "xuống",
        "lên",
        "sáp",
    ]
)


def _unit_after(text: str, end: int) -> tuple[str, int]:
    """The counted noun after a number ("phòng, ban, chi cục và tương đương"), and its end."""
    words = list(re.finditer(r"[a-zà-ỹđ]+|,|-|\u2013", text[end : end + 80]))
    kept: list[re.Match[str]] = []
    cursor = 0
    for word in words:
        gap = text[end + cursor : end + word.start()]
        if gap.strip() or (not kept and word.start() > 1) or (kept and len(gap) > 1):
            break
        if word.group() in UNIT_STOP or len([w for w in kept if w.group().isalpha()]) >= 6:
            break
        kept.append(word)
        cursor = word.end()
    while kept and not kept[-1].group().isalpha():
        kept.pop()
    if not kept:
        return "", end
    return text[end + kept[0].start() : end + kept[-1].end()], end + kept[-1].end()


def _number(value: str) -> str:
    """Vietnamese numerals: "1.875" is 1875, "31,4" is 31.4."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", value):
        return value.replace(".", "")
    return value.replace(",", ".")


# ---------------------------------------------------------------- everything


@dataclass(frozen=True)
class Extraction:
    dates: list[DateMention]
    directives: list[DirectiveMention]
    agencies: list[AgencyMention]
    places: list[PlaceMention]
    people: list[PersonMention]
    changes: list[ChangeMention]
    figures: list[FigureMention]


#: Lines of page furniture: addresses, licences, contacts, photo credits, the editorial board.
FURNITURE = re.compile(
    r"^.*(?:Địa chỉ\s*:|Giấy phép|Điện thoại|Email|E-mail|Fax|Ảnh\s*:|Cơ quan quản lý\s*:"
    r"|Ban biên tập|Bản quyền|Hotline|HOTLINE).*$",
    re.MULTILINE,
)


def furniture(text: str) -> list[tuple[int, int]]:
    """The spans of furniture lines, which the page carries but the article does not state."""
    return [(m.start(), m.end()) for m in FURNITURE.finditer(text)]


def extract(text: str, gazetteer: frozenset[str] = frozenset()) -> Extraction:
    """Everything the rules find in ``text`` outside page furniture (addresses, licences,
    credits); ``gazetteer``: known place names, lower case."""
    skip = furniture(text)

    def keep(items: list[_M]) -> list[_M]:
        return [m for m in items if not any(s <= m.span.start < e for s, e in skip)]

    found_dates = dates(text)
    return Extraction(
        keep(found_dates),
        keep(directives(text, found_dates, gazetteer)),
        keep(agencies(text, gazetteer)),
        keep(places(text)),
        keep(people(text, gazetteer)),
        keep(changes(text, found_dates, gazetteer)),
        keep(figures(text, found_dates)),
    )
