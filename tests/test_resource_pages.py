"""Resource pages read as pages, not as a triple store: labels for every property and class,
blank nodes inline, the key facts first, each statement cited by its source, whole lineages."""

from __future__ import annotations

import re

import httpx
import pytest

from publish.rdf import PREFIXES
from publish.serve.render import term_link

AGENCY = "/id/agency/hai-phong/an-lao/van-phong-huyen"
ARTICLE = "/id/article/000-afca7d85baae3dc3"
HEADLINE = "Hải Phòng: Thí điểm hợp nhất cơ quan có nhiệm vụ tương đồng cấp quận, huyện"
VOCAB = "https://w3id.org/bomay/def#"


def page(server: str, path: str, lang: str = "vi") -> str:
    response = httpx.get(server + path, params={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.text


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_an_agency_page_puts_the_key_facts_first_with_labels_and_sources(server: str) -> None:
    html = page(server, AGENCY)
    key = section(html, "key-facts")
    assert html.index('id="key-facts"') < html.index('id="relations"')
    assert '<a href="/def#schema:foundingDate">ngày thành lập</a>' in key
    assert '<a href="/def#adminUnit">đơn vị hành chính</a>' in key
    assert f">{HEADLINE}</a>" in key  # where it is stated, by the article's headline
    relations = section(html, "relations")
    assert '<a href="/def#org:resultedFrom">hình thành từ sự kiện</a>' in relations
    for raw in ("resultedFrom<", "editorialNote", "prefLabel", "c14n", ">Person<"):
        assert raw not in re.sub(r'(href|id)="[^"]*"', "", html), raw


def test_every_statement_names_its_source_and_the_sources_are_listed(server: str) -> None:
    html = page(server, AGENCY)
    sources = section(html, "sources")
    notes = set(re.findall(r'href="#source-(\d+)"', html))
    listed = set(re.findall(r'<li id="source-(\d+)">', sources))
    assert notes and notes <= listed
    assert f">{HEADLINE}</a>" in sources and 'href="/graph/article-000"' in sources
    # the foundingDate is derived by rule: its note points at the derived graph's entry
    derived = next(n for n in listed if f'id="source-{n}"><a href="/graph/derived"' in sources)
    key = section(html, "key-facts")
    assert re.search(
        rf'datetime="2018-11-15">2018-11-15</time><sup class="notes"><a href="#source-{derived}"',
        key,
    )


def test_quotes_are_inline_with_their_article_never_a_blank_node_link(server: str) -> None:
    html = page(server, AGENCY)
    quotes = section(html, "quotes")
    assert (
        '<blockquote lang="vi">thành Văn phòng huyện An Lão, kể từ ngày 15/11/2018</blockquote>'
        in quotes
    )
    assert 'href="#source-1"' in quotes
    article = page(server, ARTICLE)
    assert "c14n" not in article and "/id/c14n" not in article
    stated = section(article, "stated")  # what its quotes are about, by label
    assert f'href="{AGENCY}">Văn phòng huyện An Lão</a>' in stated


def test_an_inference_page_shows_its_justification_confidence_and_statements(server: str) -> None:
    html = page(server, "/graph/inference/i-14")
    key = section(html, "key-facts")
    assert "Mô hình 1 của bài 004" in key  # the justification, in the page's language
    assert ">Trung bình</a>" in key  # its confidence, labelled
    contents = section(html, "contents")  # the statements the inference adds
    assert "khái niệm rộng hơn" in contents
    assert "Hợp nhất cơ quan tham mưu, giúp việc của cấp ủy" in contents
    english = page(server, "/graph/inference/i-14", "en")
    assert "Model 1 of article 004" in section(english, "key-facts")


def test_the_lineage_of_a_merged_agency_reaches_the_suspension_of_its_model(server: str) -> None:
    html = page(server, AGENCY)
    lineage = section(html, "lineage")
    steps = re.findall(r"<li>(.*?)</li>", lineage, re.S)
    text = [" ".join(re.sub(r"<[^>]+>", "", s).split()) for s in steps]
    formed = next(s for s in text if s.startswith("2018-11-15: Hình thành từ"))
    assert "Văn phòng Huyện ủy An Lão" in formed and "Văn phòng HĐND và UBND huyện An Lão" in formed
    assert any("Căn cứ văn bản Đề án thí điểm hợp nhất Văn phòng Huyện ủy" in s for s in text)
    later = [s for s in text if s.startswith("2022-08-29")]
    assert any("tạm dừng" in s for s in later) and all("theo một suy luận" in s for s in later)
    nav = html[html.index('class="crumbs"') :]
    crumbs = re.findall(r"<li>(?:<a[^>]*>)?([^<]+)", nav[: nav.index("</nav>")])
    assert crumbs[:3] == ["Việt Nam", "Hải Phòng", "An Lão"]


def test_values_read_as_words(server: str) -> None:
    html = page(server, "/id/observation/001/dau-moi-truc-thuoc-cap-tinh-giam")
    assert re.search(r"xấp xỉ</a></dt>\s*<dd>(có|không)", html) or "xấp xỉ" not in html
    article = page(server, ARTICLE)
    assert "tiếng Việt" in section(article, "details")  # schema:inLanguage "vi"
    dataset = page(server, "/id/dataset/bomay", "en")
    assert ">true<" not in dataset and ">false<" not in dataset


@pytest.mark.parametrize(
    ("iri", "link"),
    [
        (VOCAB + "Agency", "/def#Agency"),
        (PREFIXES["skos"] + "prefLabel", "/def#skos:prefLabel"),
        (PREFIXES["sdmx-dimension"] + "refArea", "/def#sdmx-dimension:refArea"),
        ("http://example.org/other#x", None),
        (PREFIXES["skos"], None),
    ],
)
def test_terms_link_to_the_ontology_page(iri: str, link: str | None) -> None:
    assert term_link(VOCAB, iri) == link


def test_a_browser_asking_the_endpoint_for_a_page_goes_to_the_editor(server: str) -> None:
    browser = httpx.get(server + "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["location"] == "/query"
    machine = httpx.get(server + "/sparql", headers={"Accept": "*/*"})
    assert machine.status_code == 200 and machine.headers["content-type"].startswith("text/turtle")


def test_a_page_asked_again_with_its_etag_is_not_sent_again(server: str) -> None:
    first = httpx.get(server + AGENCY, headers={"Accept": "text/html"})
    tag = first.headers["etag"]
    assert first.status_code == 200 and "max-age=" in first.headers["cache-control"]
    again = httpx.get(server + AGENCY, headers={"Accept": "text/html", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    english = httpx.get(server + AGENCY, params={"lang": "en"}, headers={"Accept": "text/html"})
    turtle = httpx.get(server + AGENCY, headers={"Accept": "text/turtle"})
    assert len({tag, english.headers["etag"], turtle.headers["etag"]}) == 3
    stale = httpx.get(server + AGENCY, headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert stale.status_code == 200 and f"<{VOCAB}adminUnit>" in stale.text
