"""The query editor page: YASGUI shipped in the package, the competency questions as examples.

Without JavaScript the page is a plain form that sends the query to ``/sparql``; with it,
``static/query.js`` turns the form into YASGUI. Everything it loads comes from this server.
YASGUI speaks English only: on a Vietnamese page the script puts ``WORDS`` in place of its
words as it draws them (a ``{1}`` in a phrase stands for a number or name it fills in).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from publish.iris import Iris
from publish.rdf import PREFIXES
from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.render import render

router = APIRouter()
STATIC = Path(__file__).resolve().parent.parent / "static"
#: the page loads scripts, styles and data only from this server
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
)

#: YASGUI's own words, (Vietnamese, English as YASGUI writes them)
WORDS = {
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


@router.get("/query", response_class=HTMLResponse)
async def query_page(request: Request, state: StateDep, example: str = "") -> HTMLResponse:
    examples = state.examples
    lang = i18n.choose(request)
    chosen = next((e for e in examples if e.name == example), examples[0] if examples else None)
    config = {
        "endpoint": "/sparql",
        "base": state.settings.base_iri,
        # display only: the table shows <{base}id/agency/…> as id:agency/…
        "prefixes": {
            **PREFIXES,
            "bomay": Iris(state.settings.base_iri).vocab,
            "id": state.settings.base_iri + "id/",
        },
        "examples": {e.name: e.text for e in examples},
        "lang": lang,
        # YASGUI's English → the page's words (none to change on an English page)
        "words": {en: vi for vi, en in WORDS.values()} if lang == "vi" else {},
    }
    html = render("query.html", request, state, examples=examples, chosen=chosen, config=config)
    return HTMLResponse(html, headers={"Content-Security-Policy": POLICY})
