"""The pages in a real headless browser: Debian's chromium driven by Playwright.

The browser may reach only 127.0.0.1: every other request is refused and recorded, and each
test asserts none was attempted, which also shows the query editor works offline. Set
BOMAY_SCREENSHOTS=1 to write the README's screenshots into docs/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Route,
    expect,
    sync_playwright,
)

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no browser: the browser tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run installs it)",
    ),
    # one pytest worker runs them all, with one browser (tasks.py passes --dist loadgroup)
    pytest.mark.xdist_group("browser"),
]
# No updates, sync, QUIC or background fetches: the browser must not talk to anything.
# Playwright's launch() gives each run a fresh temporary user-data-dir of its own.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AGENCY = "/id/agency/hai-phong/an-lao/van-phong-huyen"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
#: axe-core, vendored (scripts/vendor-axe.sh): the accessibility check runs offline
AXE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
#: the pages people use most, each checked by axe-core at phone and desktop sizes
MAIN_PAGES = ["/", AGENCY, "/search?q=kien+an", "/timeline", "/query", "/?lang=en",
              "/browse/agencies", "/browse/units?level=huyen", "/id/place/hai-phong/an-lao",
              "/id/place/hai-phong?lang=en", "/void", "/lookup", "/dumps"]  # fmt: skip
PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser for this module. Module, not session, scope: Playwright's sync API keeps
    an event loop running until it stops, and later tests in the worker use asyncio.run."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Guard:
    """Refuses every request that leaves 127.0.0.1 and every dialog, and remembers them."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.dialogs: list[str] = []

    def route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@contextmanager
def guarded(browser: Browser, **options: Any) -> Iterator[BrowserContext]:
    """A fresh context that fails the test if a page left 127.0.0.1 or opened a dialog."""
    guard = Guard()
    context = browser.new_context(**options)
    context.route("**/*", guard.route)
    context.on("page", lambda page: page.on("dialog", guard.dialog))
    yield context
    context.close()
    assert guard.outside == [], f"the browser tried to leave 127.0.0.1: {guard.outside}"
    assert guard.dialogs == [], f"a dialog fired: {guard.dialogs}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with guarded(browser) as context:
        yield context.new_page()


@pytest.fixture
def plain_page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript turned off: everything but the query editor must work."""
    with guarded(browser, java_script_enabled=False) as context:
        yield context.new_page()


#: read when the module is collected: the suite clears BOMAY_* variables before tests run
SHOOT = os.environ.get("BOMAY_SCREENSHOTS") == "1"


def arrive(page: Page, path: str) -> None:
    """Wait until a click's navigation has reached `path` and the new page has loaded.

    Playwright's click returns once the navigation commits, when the new document may not
    be parsed yet (its documentElement can still be null)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def snapshot(page: Page, name: str) -> None:
    if SHOOT:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_click_from_home_to_an_agency_its_predecessor_and_the_source(
    server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(server + "/")
    snapshot(page, "home")
    home_search = page.get_by_role("search", name="Tìm trong dữ liệu")
    home_search.get_by_role("searchbox").fill("Văn phòng huyện An Lão")
    home_search.get_by_role("button").click()
    page.get_by_role("main").get_by_role("link", name="Văn phòng huyện An Lão", exact=True).click()
    expect(page.locator("h1")).to_have_text("Văn phòng huyện An Lão")
    arrive(page, AGENCY)
    snapshot(page, "agency")
    page.locator("#lineage + ol").get_by_role("link", name="Văn phòng Huyện ủy An Lão").click()
    expect(page.locator("h1")).to_have_text("Văn phòng Huyện ủy An Lão")
    source = page.locator(".sources a[href^='/id/article/']").first
    article = source.get_attribute("href") or ""
    assert article.startswith("/id/article/")
    source.click()
    arrive(page, article)
    expect(page.locator("main")).to_contain_text("Thí điểm hợp nhất")


def test_an_example_query_runs_in_the_editor_and_links_to_pages(server: str, page: Page) -> None:
    page.set_viewport_size({"width": 1200, "height": 1100})
    page.goto(server + "/query")
    expect(page.locator("#plain-query")).to_be_hidden()  # YASGUI took over
    page.get_by_label("Câu hỏi mẫu").select_option("cq01-an-lao-office-merger")
    expect(page.locator(".CodeMirror")).to_contain_text("Văn phòng huyện An Lão")
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    expect(rows.first).to_be_visible()
    link = page.locator(".yasr table tbody a[href^='/id/agency/']").first
    expect(link).to_be_visible()
    snapshot(page, "query")
    target = link.get_attribute("href") or ""
    link.click()
    arrive(page, target)
    expect(page.locator("h1")).not_to_be_empty()


GROUPED = """PREFIX bomay: <https://w3id.org/bomay/def#>
SELECT ?place (GROUP_CONCAT(STR(?agency); separator=", ") AS ?agencies) WHERE {
  ?agency bomay:adminUnit ?place FILTER(?place = <https://w3id.org/bomay/id/place/hai-phong/an-lao>)
} GROUP BY ?place"""
#: what YASGUI writes in English, which a Vietnamese page must not show
ENGLISH = re.compile(r"\b(Table|Response|Simple view|Page size|Showing|entries|results in|"
                     r"Run query|Share query|Filter query results|Download)\b")  # fmt: skip
VISIBLE_WORDS = """() => {
  const root = document.getElementById('yasgui'), out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (e.closest('.CodeMirror-code, tbody') || !e.checkVisibility()) continue;
    out.push(n.textContent.trim());
  }
  root.querySelectorAll('[title], [aria-label], [placeholder]').forEach(e => {
    if (!e.checkVisibility()) return;
    out.push(e.title, e.getAttribute('aria-label') || '', e.placeholder || '');
  });
  return out.filter(Boolean);
}"""


def run_in_editor(page: Page, query: str) -> None:
    page.locator(".yasqe .CodeMirror").evaluate("(e, q) => e.CodeMirror.setValue(q)", query)
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr table tbody tr").first).to_be_visible()


@pytest.mark.parametrize(
    "size", [PHONE_375, {"width": 1200, "height": 900}], ids=["phone", "desktop"]
)
def test_the_query_editor_speaks_vietnamese_names_iris_and_fits(
    server: str, page: Page, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    page.goto(server + "/query?example=cq01-an-lao-office-merger")
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr table tbody tr").first).to_be_visible()
    # YASGUI's own words in Vietnamese
    expect(page.locator(".yasr_response_chip")).to_contain_text("kết quả trong")
    english = [w for w in page.evaluate(VISIBLE_WORDS) if ENGLISH.search(w)]
    assert english == [], english
    # each IRI with its name beside it
    link = page.locator(".yasr tbody a[href='/id/agency/hai-phong/an-lao/van-phong-huyen-uy']")
    expect(link.first.locator("+ .iri-name")).to_have_text("Văn phòng Huyện ủy An Lão")
    # the run button below the query, never over it; no sideways scroll of the page
    editor = page.locator(".yasqe .CodeMirror").bounding_box()
    button = page.locator(".yasqe_queryButton").bounding_box()
    assert editor and button and button["y"] >= editor["y"] + editor["height"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"the query page is {width}px wide on {size['width']}px"
    if size is PHONE_375:
        snapshot(page, "query-phone")
    # IRIs inside text (GROUP_CONCAT) become links to their pages, named too
    run_in_editor(page, GROUPED)
    inside = page.locator(".yasr tbody td a[href='/id/agency/hai-phong/an-lao/van-phong-huyen']")
    expect(inside).to_have_count(1)
    expect(inside.locator("+ .iri-name")).to_have_text("Văn phòng huyện An Lão")
    inside.click()
    expect(page.locator("h1")).to_have_text("Văn phòng huyện An Lão")


def test_the_query_editor_in_english_keeps_english_names(server: str, page: Page) -> None:
    page.goto(server + "/query?lang=en&example=cq01-an-lao-office-merger")
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr_response_chip")).to_contain_text("results in")
    link = page.locator(".yasr tbody a[href='/id/agency/hai-phong/an-lao/van-phong-huyen-uy']")
    expect(link.first.locator("+ .iri-name")).to_have_text(
        "Office of the An Lao District Party Committee"
    )


SIZES = [PHONE_375, {"width": 1200, "height": 900}]


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_search_filters_by_kind_and_finds_the_district(
    server: str, page: Page, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    page.goto(server + "/search?q=duong+kinh")
    results = page.get_by_role("main").locator("ol li a")
    expect(results.filter(has_text=re.compile("^Dương Kinh$"))).to_have_count(1)
    page.get_by_role("main").get_by_label("Loại").select_option("units")
    page.get_by_role("main").get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile("kind=units"))
    expect(results.first).to_be_visible()
    if size is not PHONE_375:
        snapshot(page, "search")
    page.get_by_role("main").get_by_role("link", name="Dương Kinh", exact=True).click()
    arrive(page, "/id/place/hai-phong/duong-kinh")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_list_filters_pages_and_downloads_the_same_view(
    server: str, page: Page, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    page.goto(server + "/browse/agencies")
    filters = page.locator("form.filters")
    filters.locator("select[name=province]").select_option("id/place/hai-phong")
    filters.get_by_role("button").click()
    page.wait_for_url(re.compile("province=id(%2F|/)place(%2F|/)hai-phong"))
    rows = page.get_by_role("main").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() <= 22
    if size is not PHONE_375:
        snapshot(page, "list")
    csv_link = page.get_by_role("link", name="CSV")
    assert "province=" in (csv_link.get_attribute("href") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_district_s_lineage_leads_to_the_communes_that_replaced_it(
    server: str, page: Page, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    page.goto(server + "/id/place/hai-phong/an-lao")
    crumbs = page.get_by_role("navigation", name="Vị trí")
    expect(crumbs).to_contain_text("Hải Phòng")
    replaced = page.locator("#replaced + ul")
    expect(replaced).to_contain_text("Xã An Tiến")
    if size is not PHONE_375:
        page.evaluate("document.getElementById('unit-heading').scrollIntoView()")
        snapshot(page, "lineage")
    replaced.get_by_role("link", name="Xã An Lão (từ năm 2025)").click()
    arrive(page, "/id/place/2025/hai-phong/xa-an-lao")
    came_from = page.locator("#unit")
    expect(came_from.locator("ul").get_by_role("link", name="Xã An Tiến")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def test_search_without_javascript_finds_the_exact_agency_first(
    server: str, plain_page: Page
) -> None:
    plain_page.goto(server + "/")
    box = plain_page.get_by_role("searchbox", name="Tìm kiếm")
    box.fill("ban to chuc noi vu kien an")
    box.press("Enter")
    first = plain_page.locator("main ol li a").first
    expect(first).to_have_text("Ban Tổ chức - Nội vụ quận Kiến An")
    first.click()
    arrive(plain_page, "/id/agency/hai-phong/kien-an/ban-to-chuc-noi-vu")


@pytest.mark.parametrize(
    "path",
    ["/search?q=<script>alert(1)</script>", "/id/agency/<script>alert(2)</script>",
     "/query?example=<script>alert(3)</script>", "/?lang=<script>alert(4)</script>"],
)  # fmt: skip
def test_a_script_in_a_parameter_is_shown_as_text(server: str, page: Page, path: str) -> None:
    page.goto(server + path)  # the page fixture fails the test if a dialog fires
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    if "search" in path or "/id/" in path:
        expect(page.locator("main")).to_contain_text(unquote(path.split("=", 1)[-1])[:15])


def test_the_language_switch_changes_lang_and_labels_without_javascript(
    server: str, plain_page: Page
) -> None:
    plain_page.goto(server + AGENCY)
    assert plain_page.locator("html").get_attribute("lang") == "vi"
    expect(plain_page.locator("h1")).to_have_text("Văn phòng huyện An Lão")
    plain_page.get_by_role("link", name="English").click()  # expect: waits for the new page
    expect(plain_page.locator("html")).to_have_attribute("lang", "en")
    expect(plain_page.locator("h1")).to_have_text("An Lao District Office")
    expect(plain_page.locator("#key-facts")).to_have_text("Key facts")
    plain_page.get_by_role("link", name="Timeline").click()  # remembered by the cookie
    expect(plain_page).to_have_url(re.compile(r"/timeline"))
    expect(plain_page.locator("html")).to_have_attribute("lang", "en")
    plain_page.get_by_role("link", name="Tiếng Việt").click()
    expect(plain_page.locator("html")).to_have_attribute("lang", "vi")
    expect(plain_page.locator("h1")).to_have_text("Dòng thời gian")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong on the page as shown (every rule, every impact). The script
    goes in through the browser's debugging protocol, which the page's CSP does not stop."""
    page.evaluate(AXE)
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"],
         "where": [n["target"] for n in v["nodes"]][:5]}
        for v in found
    ]  # fmt: skip


@pytest.mark.parametrize("size", [PHONE, {"width": 1200, "height": 900}], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_have_no_accessibility_violation_and_fit_a_phone(
    server: str, page: Page, path: str, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    page.goto(server + path)
    if path == "/query":
        expect(page.locator(".yasqe")).to_be_visible()
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"{path} is {width}px wide on a {size['width']}px screen"
    squeezed = (
        "[...document.querySelectorAll('.scroll')].filter(e => e.scrollWidth > e.clientWidth)"
    )
    assert page.evaluate(squeezed + ".length") == 0, f"{path} has a table wider than a phone"


def test_axe_finds_a_violation_when_there_is_one(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<img src=\"/static/none.png\"><button></button>')")  # fmt: skip
    assert {"image-alt", "button-name"} <= {v["rule"] for v in axe_violations(page)}


def test_the_guard_catches_a_request_outside_and_a_dialog(server: str, browser: Browser) -> None:
    with pytest.raises(AssertionError, match=r"outside\.invalid"), guarded(browser) as context:
        page = context.new_page()
        page.goto(server + "/")
        page.evaluate("fetch('http://outside.invalid/').catch(() => null)")
    with pytest.raises(AssertionError, match="a dialog fired"), guarded(browser) as context:
        page = context.new_page()
        page.goto(server + "/")
        page.evaluate("alert('hello')")


def test_the_query_page_without_javascript_is_a_plain_form(server: str, plain_page: Page) -> None:
    plain_page.goto(server + "/query")
    plain_page.get_by_label("Câu hỏi mẫu").select_option("cq13-agency-places")
    plain_page.get_by_role("button", name="Mở").click()
    expect(plain_page.get_by_label("Truy vấn SPARQL")).to_have_value(re.compile("SELECT"))
    assert urlsplit(plain_page.url).query == "example=cq13-agency-places"
