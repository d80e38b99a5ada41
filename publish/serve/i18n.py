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

#: interface words, (Vietnamese, English): the pages' common words here, then each page's own
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


#: the lists, their filters and the timeline (lists.py, browse.py, pages.py)
LIST_WORDS: Final[dict[str, tuple[str, str]]] = {
    "browse": ("Danh sách", "Browse"),
    "agencies": ("Cơ quan", "Agencies"),
    "units": ("Đơn vị hành chính", "Administrative units"),
    "events": ("Sự kiện", "Events"),
    "directives": ("Văn bản chỉ đạo", "Directives"),
    "people": ("Nhân vật", "People"),
    "figures": ("Số liệu", "Figures"),
    "sources": ("Nguồn tin", "Sources"),
    "posts": ("Chức vụ", "Posts"),
    "concepts": ("Khái niệm", "Concepts"),
    "statements": ("Nhận định", "Statements"),
    "other": ("Khác", "Other"),
    "intro_agencies": (
        "Các cơ quan, tổ chức mà nguồn nêu, theo tỉnh, cấp và khối.",
        "The agencies the sources name, by province, level and strand.",
    ),
    "intro_units": (
        "Tỉnh, huyện, xã trước và sau đợt sắp xếp năm 2025, với mã của Tổng cục Thống kê.",
        "Provinces, districts and communes before and after the 2025 reorganisation, with"
        " their statistics office codes.",
    ),
    "intro_events": (
        "Hợp nhất, thành lập, thí điểm, tạm dừng, sắp xếp đơn vị hành chính và hội nghị, theo"
        " năm và loại.",
        "Mergers, establishments, pilots, suspensions, reorganisations of units and meetings,"
        " by year and kind.",
    ),
    "intro_directives": (
        "Nghị quyết, kết luận, đề án, quyết định… theo cơ quan ban hành và loại văn bản.",
        "Resolutions, conclusions, schemes, decisions… by issuing body and document type.",
    ),
    "intro_people": (
        "Những người mà nguồn nêu tên, với chức vụ họ giữ.",
        "The people the sources name, with the posts they held.",
    ),
    "intro_figures": (
        "Số liệu về sắp xếp bộ máy, theo chỉ tiêu, địa bàn và cấp.",
        "Figures on the reorganisation, by indicator, area and level.",
    ),
    "intro_sources": (
        "Các bài báo và trang web mà dữ liệu dựa vào.",
        "The articles and web pages the data rest on.",
    ),
    "province": ("Tỉnh, thành phố", "Province"),
    "level": ("Cấp", "Level"),
    "strand": ("Khối", "Strand"),
    "type": ("Loại", "Type"),
    "period": ("Thời kỳ", "Period"),
    "kind": ("Loại sự kiện", "Kind of event"),
    "status": ("Tình trạng", "Status"),
    "issuer": ("Cơ quan ban hành", "Issued by"),
    "year": ("Năm", "Year"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit": ("Đơn vị tính", "Unit"),
    "publisher": ("Cơ quan xuất bản", "Publisher"),
    "post": ("Chức vụ", "Post"),
    "place": ("Địa bàn", "Area"),
    "code": ("Mã", "Code"),
    "date": ("Ngày", "Date"),
    "end": ("Đến ngày", "Until"),
    "value": ("Giá trị", "Value"),
    "label": ("Tên", "Name"),
    "any": ("Tất cả", "All"),
    "contains": ("Tên có chứa", "Name contains"),
    "sort": ("Sắp xếp theo", "Sort by"),
    "sort_label": ("tên (A đến Z)", "name (A to Z)"),
    "sort_-label": ("tên (Z đến A)", "name (Z to A)"),
    "sort_date": ("ngày (cũ trước)", "date (oldest first)"),
    "sort_-date": ("ngày (mới trước)", "date (newest first)"),
    "sort_code": ("mã", "code"),
    "sort_value": ("giá trị (nhỏ trước)", "value (smallest first)"),
    "sort_-value": ("giá trị (lớn trước)", "value (largest first)"),
    "apply": ("Lọc", "Filter"),
    "clear_filters": ("Bỏ lọc", "Clear filters"),
    "shown": ("Hiện", "Showing"),
    "of": ("trên tổng số", "of"),
    "items_word": ("mục", "items"),
    "none": ("Không có mục nào khớp với bộ lọc.", "Nothing matches these filters."),
    "previous": ("Trang trước", "Previous page"),
    "next": ("Trang sau", "Next page"),
    "page": ("Trang", "Page"),
    "pages": ("Các trang", "Pages"),
    "download_view": ("Tải danh sách này (mọi trang)", "Download this list (every page)"),
    "until": ("Đến", "Until"),
    "from": ("Từ", "From"),
    "unchanged": ("Không có ngày thay đổi", "No dated change"),
}

#: an administrative unit's page (unit_page.py)
UNIT_WORDS: Final[dict[str, tuple[str, str]]] = {
    "unit": ("Đơn vị hành chính", "Administrative unit"),
    "in_force": ("Hiệu lực", "In force"),
    "until": ("đến hết", "until"),
    "from": ("từ", "from"),
    "continuing": ("trước và sau ngày 1/7/2025", "before and after 1 July 2025"),
    "codes": ("Mã", "Codes"),
    "parents": ("Thuộc", "Part of"),
    "came_from": ("Hình thành từ", "Came from"),
    "went_into": ("Chuyển thành", "Went into"),
    "together": ("Cùng với", "Together with"),
    "replaced": ("Các xã, phường, thị trấn trực thuộc chuyển thành", "Its communes went into"),
    "its_former": ("từ", "from"),
    "part": ("một phần", "part"),
    "default": ("mặc định", "default"),
    "renamed": ("Đổi tên", "Renamed"),
    "ended": ("Chấm dứt", "Ended"),
    "change": ("Sơ đồ thay đổi", "The change"),
    "map_note": (
        "Các điểm theo GeoNames (CC BY 4.0), vẽ trên lưới kinh/vĩ độ.",
        "Points from GeoNames (CC BY 4.0), drawn on a latitude/longitude grid.",
    ),
    "before": ("Xã, phường trước ngày 1/7/2025", "Communes before 1 July 2025"),
    "after": ("Xã, phường từ ngày 1/7/2025", "Communes from 1 July 2025"),
    "lookup": ("Tra cứu địa chỉ cũ", "Look up an old address"),
}

#: the old-address lookup (lookup.py)
LOOKUP_WORDS: Final[dict[str, tuple[str, str]]] = {
    "title": ("Tra cứu địa chỉ cũ", "Look up an old address"),
    "intro": (
        "Nhập một địa chỉ viết trước ngày 1/7/2025 (xã/phường, quận/huyện, tỉnh/thành phố, có"
        " thể có số nhà, tên đường; có dấu hoặc không, viết tắt P., Q., H., TX., TP. đều được)"
        " để biết đơn vị hành chính mới, mã và sự kiện sắp xếp.",
        "Type an address written before 1 July 2025 (commune or ward, district, province;"
        " a street may come first; accents and abbreviations such as P., Q., H., TX., TP. are"
        " optional) to find the unit that holds it now, its code and the change.",
    ),
    "address": ("Địa chỉ", "Address"),
    "button": ("Tra cứu", "Look up"),
    "approximate": (
        "Không khớp đúng tên: đây là cách đọc gần nhất, xin kiểm tra lại.",
        "No name matched exactly: this is the closest reading, please check it.",
    ),
    "read_as": ("Đã đọc là", "Read as"),
    "now": ("Từ ngày 1/7/2025", "From 1 July 2025"),
    "change": ("Thay đổi", "Change"),
    "unchanged": ("giữ nguyên", "unchanged"),
    "renamed": ("đổi tên", "renamed"),
    "merged": ("sáp nhập", "merged"),
    "divided": ("chia tách", "divided"),
    "replaced": ("thay bằng đơn vị mới", "replaced by a new unit"),
    "unit": ("Đơn vị", "Unit"),
    "code": ("Mã", "Code"),
    "province": ("Tỉnh/thành phố", "Province"),
    "event": ("Sự kiện", "Event"),
    "event_link": ("xem", "see"),
    "default": ("mặc định", "default"),
    "divided_note": (
        "Đơn vị cũ bị chia cho nhiều đơn vị mới; địa chỉ không cho biết thuộc phần nào, nên"
        " đơn vị mặc định (theo dữ liệu tham chiếu) được ghi trước.",
        "The old unit was divided among several new ones; the address does not tell which"
        " part, so the default one (as the reference data give it) comes first.",
    ),
    "ambiguous": (
        "Địa chỉ này có thể là nhiều đơn vị; hãy chọn một:",
        "This address fits several units; choose one:",
    ),
    "incomplete": (
        "Cần tên xã/phường để tra; các xã/phường của đơn vị này:",
        "A commune or ward is needed; the communes of this unit:",
    ),
    "not_found": (
        "Không tìm thấy đơn vị hành chính nào khớp với địa chỉ này.",
        "No administrative unit matches this address.",
    ),
}

#: YASGUI's own words in the query editor (query_ui.py), English as YASGUI writes them
EDITOR_WORDS: Final[dict[str, tuple[str, str]]] = {
    "query_tab": ("Truy vấn", "Query"),
    "settings": ("Cài đặt", "Settings"),
    "open_settings": ("Mở cài đặt", "Open settings"),
    "method": ("Phương thức gửi", "Request method"),
    "accept": ("Định dạng nhận (Accept)", "Accept Headers"),
    "arguments": ("Tham số", "Arguments"),
    "header_arguments": ("Tham số trong tiêu đề", "Header Arguments"),
    "default_graphs": ("Đồ thị mặc định", "Default Graphs"),
    "named_graphs": ("Đồ thị có tên", "Named Graphs"),
    "close_tab": ("Đóng thẻ", "Close tab"),
    "add_tab": ("Thêm thẻ", "Add tab"),
    "new_tab": ("Thêm thẻ mới", "Add a new tab"),
    "share": ("Chia sẻ truy vấn", "Share query"),
    "run": ("Chạy truy vấn", "Run query"),
    "table": ("Bảng", "Table"),
    "response": ("Kết quả gốc", "Response"),
    "show_table": ("Xem dạng bảng", "Shows Table view"),
    "show_response": ("Xem kết quả gốc", "Shows Response view"),
    "simple": ("Xem gọn", "Simple view"),
    "ellipse": ("Rút gọn giá trị", "Ellipse"),
    "page_size": ("Số dòng mỗi trang:", "Page size:"),
    "all": ("Tất cả", "All"),
    "filter": ("Lọc kết quả", "Filter query results"),
    "download": ("Tải kết quả về", "Download result"),
    "download_all": ("Tải toàn bộ kết quả về", "Download Results"),
    "empty": ("Không có kết quả", "No data available in table"),
    "results": ("{1} kết quả trong {2} giây", "{1} results in {2} seconds"),
    "result": ("{1} kết quả trong {2} giây", "{1} result in {2} seconds"),
    "showing": ("Dòng {1} đến {2} trên {3}", "Showing {1} to {2} of {3} entries"),
    "ascending": ("{1}: sắp xếp tăng dần", "{1}: activate to sort column ascending"),
    "descending": ("{1}: sắp xếp giảm dần", "{1}: activate to sort column descending"),
    "previous": ("Trang trước", "Previous"),
    "next": ("Trang sau", "Next"),
    "label_of": ("Tên", "Name"),
}

#: every table of interface words
TABLES: Final = (WORDS, LIST_WORDS, UNIT_WORDS, LOOKUP_WORDS, EDITOR_WORDS)


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
