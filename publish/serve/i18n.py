"""The pages' language: Vietnamese by default, English on request, with no JavaScript.

``?lang=en`` or ``?lang=vi`` on any page chooses the language and a cookie remembers it, so
plain links keep it. The choice sets ``<html lang>``, the interface words and which label
of a resource comes first (Vietnamese when a resource has no label in the chosen language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT: Final = "vi"
LANGUAGES: Final = ("vi", "en")
COOKIE: Final = "bomay_lang"
COOKIE_MAX_AGE_S: Final = 365 * 24 * 3600

#: interface words, (Vietnamese, English)
WORDS: Final[dict[str, tuple[str, str]]] = {
    "nav": ("Điều hướng chính", "Main navigation"),
    "home": ("Trang chủ", "Home"),
    "not_in_dataset": ("không có trong bộ dữ liệu này.", "is not in this dataset."),
    "query": ("Truy vấn", "Query"),
    "dumps": ("Dữ liệu tải về", "Downloads"),
    "ontology": ("Bản thể", "Ontology"),
    "timeline": ("Dòng thời gian", "Timeline"),
    "search": ("Tìm kiếm", "Search"),
    "search_button": ("Tìm", "Search"),
    "switch": ("English", "Tiếng Việt"),
    "release": ("Phát hành", "Release"),
    "triples": ("bộ ba", "triples"),
    "quads": ("bộ bốn", "quads"),
    "named_graphs": ("đồ thị có tên", "named graphs"),
    "issued": ("phát hành ngày", "issued on"),
    "in": ("trong", "in"),
    "title": ("Sắp xếp, tinh gọn tổ chức bộ máy", "Reorganising the state apparatus"),
    "intro": (
        "Dữ liệu mở liên kết về việc sắp xếp, tinh gọn tổ chức bộ máy của hệ thống chính trị"
        " Việt Nam: cơ quan, hợp nhất, mô hình thí điểm, văn bản chỉ đạo, chức vụ và số liệu."
        " Mỗi dữ kiện kèm bài báo nguồn và nguyên văn tiếng Việt nêu nó. Các suy luận nằm"
        " trong đồ thị có tên riêng.",
        "Linked open data on the reorganisation of Viet Nam's state and Party apparatus:"
        " agencies, mergers, pilot models, directives, posts and figures. Each fact comes with"
        " its source article and the Vietnamese words that state it. Inferences are kept in"
        " their own named graphs.",
    ),
    "file": ("Tệp", "File"),
    "media_type": ("Kiểu", "Media type"),
    "bytes": ("Byte", "Bytes"),
    "sparql_heading": ("Truy vấn SPARQL", "SPARQL queries"),
    "endpoint": ("Điểm truy vấn", "Endpoint"),
    "editor": ("trình soạn truy vấn", "query editor"),
    "examples": ("Câu hỏi mẫu", "Example questions"),
    "classes": ("Các lớp", "Classes"),
    "type": ("Loại", "Type"),
    "other_formats": ("Định dạng khác", "Other formats"),
    "lineage": ("Quá trình hình thành", "Lineage"),
    "from": ("Hình thành từ", "Formed from"),
    "into": ("Hợp nhất vào", "Merged into"),
    "event": ("Sự kiện", "Event"),
    "statements": ("Thuộc tính", "Statements"),
    "property": ("Thuộc tính", "Property"),
    "value": ("Giá trị", "Value"),
    "graph": ("Nguồn (đồ thị)", "Source (graph)"),
    "links_here": ("Liên kết đến", "Links here"),
    "results_for": ("kết quả cho", "results for"),
    "search_words": ("Từ cần tìm", "Words to find"),
    "matched": ("khớp với", "matched"),
    "search_note": (
        "không phân biệt dấu; khớp đúng dấu được xếp trước",
        "accents optional; exact diacritics rank first",
    ),
    "timeline_intro": (
        "Mọi sự kiện và văn bản có ngày, cũ nhất trước; nhiều thay đổi cùng loại trong một"
        " ngày được gộp thành một dòng. Năm của một số hội nghị là suy luận (xem trang của"
        " sự kiện).",
        "Every dated event and directive, oldest first; many changes of one kind on one day"
        " make one line. Some meeting years are inferences (see the event's page).",
    ),
    "events_of_kind": ("sự kiện", "events"),
    "date": ("Ngày", "Date"),
    "kind": ("Loại", "Kind"),
    "example": ("Ví dụ", "Example"),
    "object_properties": ("Thuộc tính quan hệ", "Object properties"),
    "datatype_properties": ("Thuộc tính dữ liệu", "Datatype properties"),
    "individuals": ("Giá trị định danh", "Named values"),
    "query_intro": (
        "Viết truy vấn SPARQL hoặc chọn một câu hỏi mẫu, rồi chạy. Kết quả hiện thành bảng;"
        " đường dẫn tới đối tượng của bộ dữ liệu mở trang của nó trên máy chủ này.",
        "Write a SPARQL query or pick an example question, then run it. Results show as a"
        " table; links to the dataset's resources open their pages on this server.",
    ),
    "query_text": ("Truy vấn SPARQL", "SPARQL query"),
    "open": ("Mở", "Open"),
    "run": ("Chạy", "Run"),
    "result_format": ("Định dạng kết quả", "Result format"),
    "changes": ("Những thay đổi", "What changed"),
    "first_release": (
        "Đây là bản phát hành đầu tiên: chưa có gì để so sánh.",
        "This is the first release: there is nothing to compare it with.",
    ),
    "since": ("So với bản phát hành", "Since release"),
    "statements_added": ("bộ ba được thêm", "statements added"),
    "statements_removed": ("bộ ba bị bỏ", "statements removed"),
    "by_graph": ("Theo đồ thị", "By graph"),
    "resources_added": ("Đối tượng mới", "New resources"),
    "resources_removed": ("Đối tượng bị bỏ", "Resources removed"),
    "resources_changed": ("Đối tượng thay đổi", "Resources changed"),
    "more_in_downloads": (
        "đối tượng khác: xem các tệp tải về.",
        "more resources: see the downloads.",
    ),
    "breadcrumbs": ("Vị trí", "You are here"),
    "place": ("Địa danh", "Place"),
    "resource": ("Đối tượng", "Resource"),
    "key_facts": ("Thông tin chính", "Key facts"),
    "stated_in": ("Nguồn nêu", "Stated in"),
    "lineage_from": ("Hình thành từ", "Formed from"),
    "lineage_into": ("Hợp nhất vào", "Merged into"),
    "lineage_authorised": ("Căn cứ văn bản", "Authorised by"),
    "lineage_model": ("Theo mô hình thí điểm", "Under the pilot model"),
    "lineage_later": ("Về sau, với mô hình", "Later, for the model"),
    "and": ("và", "and"),
    "states_facts_about": ("Bài này nêu dữ kiện về", "What it states facts about"),
    "language_vi": ("tiếng Việt", "Vietnamese"),
    "language_en": ("tiếng Anh", "English"),
    "by_inference": ("theo một suy luận", "by an inference"),
    "section_relations": ("Quan hệ", "Relations"),
    "section_details": ("Chi tiết", "Details"),
    "section_names": ("Tên gọi và mã", "Names and codes"),
    "section_notes": ("Định nghĩa và ghi chú", "Definitions and notes"),
    "graph_contents": ("Dữ kiện trong đồ thị này", "What this graph holds"),
    "quotes": ("Trích dẫn nguyên văn", "Quotes"),
    "first_links": (
        "Chỉ hiện những liên kết đầu tiên; truy vấn SPARQL cho biết đủ.",
        "Only the first links are shown; a SPARQL query lists them all.",
    ),
    "sources": ("Nguồn", "Sources"),
    "source": ("Nguồn", "Source"),
    "original_page": ("trang gốc", "original page"),
    "what_it_states": ("những gì bài nêu", "what it states"),
    "inference": ("Suy luận", "Inference"),
    "confidence": ("độ tin cậy", "confidence"),
    "justification": ("Lập luận", "Justification"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "cite_this": ("Trích dẫn trang này", "Cite this page"),
    "release_word": ("bản phát hành", "release"),
    "release_file": ("Dữ liệu của bản phát hành này", "This release's data"),
    "broader_term": ("Thuộc", "Narrower than"),
    "domain": ("Dùng cho", "Used for"),
    "range": ("Giá trị là", "Values are"),
    "datatypes": ("Kiểu dữ liệu", "Datatypes"),
    "reused_terms": ("Thuật ngữ dùng lại", "Reused terms"),
    "reused_intro": (
        "Các thuật ngữ của những bộ từ vựng khác mà bomay dùng, với tên tiếng Việt và tiếng"
        " Anh mà các trang hiển thị.",
        "Terms of other vocabularies that bomay uses, with the Vietnamese and English names"
        " the pages show.",
    ),
    "browse": ("Danh sách", "Browse"),
    "search_data": ("Tìm trong dữ liệu", "Search the data"),
    "search_example": ("ví dụ: ban tổ chức kiến an", "e.g. organisation board kien an"),
    "where_to_begin": ("Bắt đầu từ đâu", "Where to begin"),
    "timeline_blurb": (
        "Mọi sự kiện và văn bản có ngày, từ 2017 đến 2025.",
        "Every dated event and directive, from 2017 to 2025.",
    ),
    "editor_title": ("Trình soạn truy vấn SPARQL", "SPARQL query editor"),
    "editor_blurb": (
        "Hỏi dữ liệu bằng SPARQL, bắt đầu từ các câu hỏi mẫu.",
        "Ask the data in SPARQL, starting from the example questions.",
    ),
    "dumps_blurb": (
        "Toàn bộ dữ liệu dạng Turtle, N-Triples, TriG, JSON-LD, kèm mã kiểm tra.",
        "All the data as Turtle, N-Triples, TriG and JSON-LD, with checksums.",
    ),
    "ontology_blurb": (
        "Các lớp và thuộc tính dùng để mô tả dữ liệu.",
        "The classes and properties the data are described with.",
    ),
    "about_release": ("Về bản phát hành này", "About this release"),
    "noscript": (
        "Không có JavaScript: biểu mẫu này gửi truy vấn tới /sparql và trả kết quả dạng tệp.",
        "Without JavaScript, this form sends the query to /sparql and returns a file.",
    ),
}


def choose(request: Request) -> str:
    """``?lang=`` first, then the remembered choice, then Vietnamese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def table(pairs: Mapping[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """A module's (Vietnamese, English) words in ``lang``."""
    index = LANGUAGES.index(lang)
    return {key: pair[index] for key, pair in pairs.items()}


def words(lang: str) -> dict[str, str]:
    return table(WORDS, lang)


def switch_url(request: Request, lang: str) -> str:
    """This page in ``lang``: the same path and parameters, ``lang`` replaced."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{QueryParams([*params, ('lang', lang)])}"


class RememberLanguage:
    """ASGI middleware: an HTML answer to ``?lang=`` sets the cookie; HTML varies by it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query_string: bytes = scope.get("query_string", b"")
        # most requests name no language: skip parsing their (maybe long) query string
        lang = (
            QueryParams(query_string.decode("latin-1")).get("lang")
            if b"lang" in query_string
            else None
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.add_vary_header("Cookie")
                    if lang in LANGUAGES:
                        headers.append(
                            "Set-Cookie",
                            f"{COOKIE}={lang}; Path=/; Max-Age={COOKIE_MAX_AGE_S}; SameSite=Lax",
                        )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
