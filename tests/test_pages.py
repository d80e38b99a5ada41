"""Dereferenceable IRIs, pages, dumps and the VoID description, over HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import html
import re

import httpx
import pyoxigraph as ox
import pytest

from conftest import QUERIES
from publish.serve.resources import MAX_INBOUND, first_inbound
from publish.store import Release

AGENCY = "/id/agency/hai-phong/an-lao/van-phong-huyen"
IRI = "https://w3id.org/bomay" + AGENCY
LABEL = "Văn phòng huyện An Lão"


def describes(triples: list[ox.Triple]) -> bool:
    about = [t for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value == IRI]
    return any(getattr(t.object, "value", "") == LABEL for t in about)


@pytest.mark.parametrize(
    ("accept", "suffix", "fmt"),
    [
        ("text/turtle", ".ttl", ox.RdfFormat.TURTLE),
        ("application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ".rdf", ox.RdfFormat.RDF_XML),
    ],
)
def test_every_rdf_format_by_accept_and_suffix(
    server: str, accept: str, suffix: str, fmt: ox.RdfFormat
) -> None:
    by_accept = httpx.get(server + AGENCY, headers={"Accept": accept})
    by_suffix = httpx.get(server + AGENCY + suffix)
    for response in (by_accept, by_suffix):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(accept)
        triples = list(ox.parse(response.content, format=fmt))
        assert describes(triples)
        dataset = [t for t in triples if t.predicate.value == "http://rdfs.org/ns/void#inDataset"]
        assert dataset and dataset[0].object.value == "https://w3id.org/bomay/id/dataset/bomay"
    assert by_accept.headers["content-location"] == AGENCY + suffix
    assert "Accept" in by_accept.headers["vary"]
    assert f'<{AGENCY}.jsonld>; rel="alternate"' in by_accept.headers["link"]


def test_description_has_quotes_and_inbound_links(server: str) -> None:
    triples = list(
        ox.parse(httpx.get(server + AGENCY + ".nt").content, format=ox.RdfFormat.N_TRIPLES)
    )
    inbound = [t for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value == IRI]
    assert any(
        t.predicate.value == "http://www.w3.org/ns/org#resultingOrganization" for t in inbound
    )
    assert any(t.predicate.value == "http://www.w3.org/ns/oa#exact" for t in triples)


def test_html_page_shows_labels_sources_and_quotes(server: str) -> None:
    page = httpx.get(server + AGENCY, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="vi">' in html and f"<h1>{LABEL}</h1>" in html
    assert '<p class="en" lang="en">An Lao District Office</p>' in html
    assert 'href="/graph/article-000"' in html  # the graph page, one link from the source
    assert "/id/event/hai-phong/an-lao/2018-11-15-hop-nhat-van-phong" in html  # inbound link
    lineage = html[html.index('id="lineage"') : html.index('id="relations"')]
    assert "Văn phòng Huyện ủy An Lão" in lineage and "2018-11-15" in lineage
    article = httpx.get(
        server + "/id/article/000-afca7d85baae3dc3", headers={"Accept": "text/html"}
    )
    assert article.status_code == 200 and "Thí điểm hợp nhất" in article.text


def test_ontology_dereferences(server: str) -> None:
    turtle = httpx.get(server + "/def", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://www.w3.org/2002/07/owl#Ontology" for t in triples)
    assert httpx.get(server + "/def", headers={"Accept": "text/html"}).status_code == 200


def test_unknown_and_malformed_iris_are_404_and_escaped(server: str) -> None:
    assert (
        httpx.get(server + "/id/agency/nowhere", headers={"Accept": "text/turtle"}).status_code
        == 404
    )
    hostile = httpx.get(
        server + "/id/%3Cscript%3Ealert(1)%3C/script%3E", headers={"Accept": "text/html"}
    )
    assert hostile.status_code == 404
    assert "<script>alert" not in hostile.text and "&lt;script&gt;" in hostile.text
    assert httpx.get(server + AGENCY, headers={"Accept": "image/png"}).status_code == 406


def test_dumps_listing_and_conditional_get(server: str, release: Release) -> None:
    listing = httpx.get(server + "/dumps/")
    assert listing.status_code == 200 and "bomay.ttl.gz" in listing.text
    dump = httpx.get(server + "/dumps/bomay.nt.gz")
    assert dump.headers["content-type"] == "application/gzip"
    assert int(dump.headers["content-length"]) == (release.folder / "bomay.nt.gz").stat().st_size
    assert gzip.decompress(dump.content).startswith(b"<")
    digest = hashlib.sha256(dump.content).hexdigest()
    assert f"{digest}  bomay.nt.gz" in (release.folder / "SHA256SUMS").read_text()
    assert "last-modified" in dump.headers
    again = httpx.get(
        server + "/dumps/bomay.nt.gz", headers={"If-None-Match": dump.headers["etag"]}
    )
    assert again.status_code == 304
    head = httpx.head(server + "/dumps/bomay.trig")
    assert head.status_code == 200 and head.content == b""
    assert httpx.get(server + "/dumps/store/CURRENT").status_code == 404  # the store is not a dump
    assert httpx.get(server + "/dumps/../manifest.json").status_code == 404


def test_void_description_by_conneg(server: str) -> None:
    for path in ("/void", "/.well-known/void"):
        response = httpx.get(server + path, headers={"Accept": "text/turtle"})
        triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)
    jsonld = httpx.get(server + "/void", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")


def test_void_in_a_browser_is_the_datasets_page(server: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = httpx.get(server + "/void", headers={"Accept": browser}, params={"lang": "en"})
    assert page.headers["content-type"].startswith("text/html")
    text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page.text)).split())
    assert "bomay: reorganising Viet Nam's apparatus" in text
    # the class partitions read as words, not blank nodes or local names
    assert "class partition class: " in text and "class: Administrative unit · entities: " in text
    assert "c14n" not in text and "classPartition" not in text


def test_home_lists_questions_and_the_downloads_their_checksums(
    server: str, release: Release
) -> None:
    home = httpx.get(server + "/")
    assert home.status_code == 200
    sums = (release.folder / "SHA256SUMS").read_text().split()
    assert sums[0] in httpx.get(server + "/dumps/").text and 'href="/dumps/"' in home.text
    assert "Các cơ quan nào được hợp nhất thành Văn phòng huyện An Lão" in home.text
    assert 'href="/sparql?query=' in home.text
    assert 'href="/query?example=cq01-an-lao-office-merger"' in home.text
    english = httpx.get(server + "/", params={"lang": "en"})
    assert "Which agencies were merged into" in english.text


def test_search_is_accent_insensitive_with_the_right_first_hit(server: str) -> None:
    answer = httpx.get(
        server + "/search", params={"q": "ban to chuc noi vu kien an", "format": "json"}
    )
    results = answer.json()["results"]
    assert results[0]["label"] == "Ban Tổ chức - Nội vụ quận Kiến An"
    assert results[0]["page"] == "/id/agency/hai-phong/kien-an/ban-to-chuc-noi-vu"
    page = httpx.get(server + "/search", params={"q": "Kiến Thuỵ"})
    assert page.status_code == 200 and "/id/place/hai-phong/kien-thuy" in page.text


def test_search_and_timeline_escape_and_render(server: str) -> None:
    hostile = httpx.get(server + "/search", params={"q": "<script>alert(1)</script>"})
    assert hostile.status_code == 200
    assert "<script>alert" not in hostile.text and "&lt;script&gt;" in hostile.text
    timeline = httpx.get(server + "/timeline")
    assert timeline.status_code == 200
    text = timeline.text
    first, last = text.index("2018-11-15"), text.index("2022-08-29")
    assert first < last and "/id/event/trung-uong/2022-tam-dung-thi-diem-5-mo-hinh" in text


def test_ontology_documentation_lists_its_terms_and_the_reused_ones(server: str) -> None:
    page = httpx.get(server + "/def", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert 'id="Merger"' in html and "hợp nhất" in html.lower()
    assert 'id="evidence"' in html and "Các lớp" in html and "Thuộc tính dữ liệu" in html
    # the reused terms the pages link to, each under its prefixed name
    assert 'id="skos:prefLabel"' in html and 'id="org:resultingOrganization"' in html


def test_trig_keeps_the_graph_of_each_statement(server: str) -> None:
    for response in (
        httpx.get(server + AGENCY + ".trig"),
        httpx.get(server + AGENCY, headers={"Accept": "application/trig"}),
    ):
        assert response.headers["content-type"].startswith("application/trig")
        quads = list(ox.parse(response.content, format=ox.RdfFormat.TRIG))
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        assert "https://w3id.org/bomay/graph/article-000" in graphs
        assert "https://w3id.org/bomay/graph/derived" in graphs
        labelled = [q for q in quads if getattr(q.object, "value", "") == LABEL]
        assert labelled and labelled[0].graph_name.value.endswith("/graph/article-000")


def test_language_switch_sets_lang_labels_and_a_cookie(server: str) -> None:
    english = httpx.get(server + AGENCY, params={"lang": "en"}, headers={"Accept": "text/html"})
    assert '<html lang="en">' in english.text and "<h1>An Lao District Office</h1>" in english.text
    assert f'<p class="en" lang="vi">{LABEL}</p>' in english.text
    assert f'href="{AGENCY}?lang=vi"' in english.text
    assert "bomay_lang=en" in english.headers["set-cookie"]
    assert "Cookie" in english.headers["vary"]
    remembered = httpx.get(server + "/timeline", cookies={"bomay_lang": "en"})
    assert '<html lang="en">' in remembered.text and "<h1>Timeline</h1>" in remembered.text
    assert (
        "Merger of" in remembered.text
        or "Merging" in remembered.text
        or "merger" in remembered.text
    )
    search = httpx.get(
        server + "/search", params={"q": "an lao", "lang": "vi"}, cookies={"bomay_lang": "en"}
    )
    assert '<html lang="vi">' in search.text  # the parameter wins over the cookie
    assert 'href="/search?q=an+lao&amp;lang=en"' in search.text  # the switch keeps the query
    odd = httpx.get(server + "/", params={"lang": "fr"})
    assert '<html lang="vi">' in odd.text and "set-cookie" not in odd.headers


def test_query_page_offers_the_examples_and_works_without_javascript(server: str) -> None:
    page = httpx.get(server + "/query", params={"example": "cq04-suspended-models"})
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert '<option value="cq04-suspended-models" selected>' in html
    assert html.count('<option value="cq') == len(QUERIES)
    assert '<form action="/sparql" method="get" id="plain-query">' in html
    assert 'src="/static/yasgui/yasgui.min.js"' in html
    # nothing is loaded from outside (the citation's links are absolute, but only links)
    assert not re.search(r'src="(https?:)?//|<link[^>]+href="(https?:)?//', html)
    for path in (
        "/static/yasgui/yasgui.min.js",
        "/static/yasgui/yasgui.min.css",
        "/static/query.js",
    ):
        assert httpx.get(server + path).status_code == 200
    unknown = httpx.get(server + "/query", params={"example": "<script>alert(1)</script>"})
    assert unknown.status_code == 200 and "<script>alert" not in unknown.text


def test_inbound_links_are_the_first_by_property_then_label() -> None:
    def row(p: str, s: str, label: str) -> dict[str, dict[str, str]]:
        return {"p": {"type": "uri", "value": p}, "s": {"type": "uri", "value": s},
                "slabel": {"type": "literal", "value": label}}  # fmt: skip

    many = [row("urn:c", f"urn:{i:04}", f"Đơn vị {i:04}") for i in range(500)]
    rows = [row("urn:b", "urn:a", "Ba"), row("urn:a", "urn:z", "Bé"), row("urn:a", "urn:y", "an")]
    rows += many
    first = first_inbound(rows)
    assert len(first) == MAX_INBOUND
    assert [(r["p"]["value"], r["s"]["value"]) for r in first[:4]] == [
        ("urn:a", "urn:y"),
        ("urn:a", "urn:z"),
        ("urn:b", "urn:a"),
        ("urn:c", "urn:0000"),
    ]
