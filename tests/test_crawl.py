"""Every kind of page, reached from ``/`` as a reader would, in both languages: no broken
internal link, no raw vocabulary on a resource page, no interface words of the other language.

The national release makes tens of thousands of pages from a few dozen templates and
queries, so the crawl fetches up to ``PER_KIND`` pages of each kind per language (every kind
of page there is, in the order links are met) and checks every other resource link against
the store and every other page by its status (tests/crawl.py). The summary it prints (run
with ``-s``) gives the pages visited and the links checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crawl import Crawler, parse

from conftest import server_env
from launch import running_server
from publish.settings import Settings
from publish.store import Release

PER_KIND = 10


@pytest.fixture(scope="module")
def reader_server(release: Release, settings: Settings) -> Iterator[str]:
    """A server with the default limits on time, rows and queue, as readers meet it (the
    suite's server keeps small ones for the limit tests: a page's queries would wait in a
    one-place queue there and get 429)."""
    env = server_env(settings)
    for name in ("BOMAY_QUERY_TIMEOUT_S", "BOMAY_MAX_RESULT_ROWS", "BOMAY_MAX_QUEUED_QUERIES"):
        del env[name]
    with running_server(env) as url:
        yield url


@pytest.fixture(scope="module")
def crawler(reader_server: str) -> Crawler:
    return Crawler(reader_server, per_kind=PER_KIND, threads=2)


def test_the_pages_from_home_have_no_broken_link_raw_vocabulary_or_foreign_words(
    crawler: Crawler,
) -> None:
    report = crawler.crawl()
    print(report.summary())
    assert report.pages["vi"] > 200 and report.pages["en"] > 200
    # every kind of page: resources of each class, lists, their filters, the editor, units
    for kind in ("/id/agency/*/*/*", "/id/place/*/*/*", "/id/event/*/*", "/graph/inference/*",
                 "/browse/units?", "/query?example", "/def?", "/void?", "/lookup?"):  # fmt: skip
        assert any(k.startswith(kind) for k in report.kinds), f"no {kind} page visited"
    assert report.checked_in_store > 1000  # the links to unit pages not fetched
    assert report.broken == []
    assert report.raw == []
    assert report.foreign == []


def test_the_crawler_sees_raw_vocabulary_and_foreign_words(crawler: Crawler) -> None:
    """The checks can fail: a page with each fault is reported."""
    page = parse(
        '<html lang="en"><body><dl><dt>prefLabel</dt><dd>c14n66</dd><dd>true</dd></dl>'
        '<p>Nguồn</p><p class="literal">a note quoting «Nguồn»</p><p lang="vi">Nguồn</p>'
        "<p>See Dữ liệu tải về.</p>"
        '<a href="http://www.w3.org/2004/02/skos/core#altLabel">altLabel</a></body></html>'
    )
    crawler.report.raw.clear()
    crawler.report.foreign.clear()
    crawler._inspect("/id/agency/x", "en", page)
    raw = " ".join(crawler.report.raw)
    assert "'prefLabel'" in raw and "'c14n66'" in raw and "'true'" in raw
    assert "links off-site" in raw
    assert [f for f in crawler.report.foreign if "'Nguồn' in 'Nguồn'" in f] != []
    # a phrase of several words, inside a longer text
    assert [f for f in crawler.report.foreign if "'Dữ liệu tải về' in 'See Dữ" in f] != []
    assert len(crawler.report.foreign) == 2  # the literal and the marked Vietnamese are data
