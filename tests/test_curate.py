"""A source from text to release with the curator's commands: source add → draft → edit → build."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import project_env
from publish.build.reference import read_tables
from publish.cli import app
from publish.curate.draft import draft
from publish.curate.reconcile import Known, _from_tables, key
from publish.settings import Settings
from publish.sources import SourceRecord, read_records, sha256_of

runner = CliRunner()
URL = "https://example.org/tin/hop-nhat-ban"
# A made-up passage for the test, in the press's words (never published: a temporary project).
PASSAGES = (
    "Ngày 12/2/2025, Ban Chấp hành Đảng bộ tỉnh Lâm Đồng ban hành Quyết định số 983-QĐ/TU "
    "hợp nhất Ban Tuyên giáo Tỉnh ủy và Ban Dân vận Tỉnh ủy kể từ ngày 1/3/2025.\n\n"
    "Phó Bí thư Tỉnh ủy Nguyễn Văn An cho biết Ban có 6 phòng. Đến ngày 1/3/2025, cả nước "
    "có 34 tỉnh.\n"
)


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=project_env(root, root / "dist"))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def number(root: Path) -> str:
    """The number `source add` gave the test's page (the next after the project's sources)."""
    return next(r.number for r in read_records(root / "sources") if r.url == URL)


@pytest.fixture
def registered(project_copy: Path, tmp_path: Path) -> Path:
    text = tmp_path / "page.txt"
    text.write_text(PASSAGES.replace("\n", "\r\n"), encoding="utf-8")
    code, output = invoke(
        project_copy, "source", "add", str(text), "--url", URL,
        "--title", "Hợp nhất Ban Tuyên giáo và Ban Dân vận", "--publisher", "Báo Thử",
        "--date", "2025-02-13", "--date-read", "2026-12-04",
    )  # fmt: skip
    assert code == 0, output
    return project_copy


def test_source_add_stores_the_text_and_its_record(registered: Path) -> None:
    records = read_records(registered / "sources")
    [record] = [r for r in records if r.url == URL]
    assert int(record.number) == max(int(r.number) for r in records)
    assert record.stored == "passages"
    assert record.text() == PASSAGES  # NFC, Unix line ends
    assert (record.title, record.publisher, record.date_read) == (
        "Hợp nhất Ban Tuyên giáo và Ban Dân vận", "Báo Thử", "2026-12-04")  # fmt: skip
    code, output = invoke(registered, "source", "add", str(record.text_path), "--url", URL,
                          "--title", "x")  # fmt: skip
    assert code == 2 and "already registered" in output
    code, output = invoke(registered, "source", "list")
    assert code == 0 and record.number in output and "Báo Thử" in output


def test_bad_source_input_is_refused_clearly(project_copy: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Hải Phòng".encode("utf-16"))
    code, output = invoke(project_copy, "source", "add", str(latin), "--url", URL, "--title", "T")
    assert code == 2 and "not UTF-8" in output
    good = tmp_path / "good.txt"
    good.write_text("x", encoding="utf-8")
    code, output = invoke(project_copy, "source", "add", str(good), "--url", URL, "--title", "T",
                          "--date", "12/2/2025")  # fmt: skip
    assert code == 2 and "YYYY" in output
    code, output = invoke(project_copy, "draft", "99")
    assert code == 2 and "no such source" in output


def test_draft_finds_the_facts_with_quotes_and_offsets(registered: Path) -> None:
    n = number(registered)
    code, output = invoke(registered, "draft", str(int(n)))
    assert code == 0, output
    draft = registered / "data" / "drafts" / f"article-{n}.ttl"
    turtle = draft.read_text(encoding="utf-8")
    ox.parse(turtle, format=ox.RdfFormat.TURTLE)  # it is Turtle, ready to edit
    assert 'eli:id_local "983-QĐ/TU"' in turtle
    assert 'eli:date_document "2025-02-12"^^xsd:date' in turtle
    assert "<concept/event-status/da-thuc-hien>" in turtle
    assert 'bomay:effectiveDate "2025-03-01"^^xsd:date' in turtle
    assert "Nguyễn Văn An" in turtle and "sdmx-measure:obsValue" in turtle
    # a figure's period is the full date of its sentence, its area the country for "cả nước"
    six, thirty_four = turtle.split("<observation/")[1:3]
    assert 'bomay:refPeriod "TODO"' in six and "bomay:refArea <place/lam-dong>" in six
    assert 'bomay:refPeriod "2025-03-01"^^xsd:date ;  # «1/3/2025»' in thirty_four
    assert "bomay:refArea <place/viet-nam>" in thirty_four
    for start, end, quote in re.findall(r"oa:start (\d+) ; oa:end (\d+)", turtle) and [
        (int(m[1]), int(m[2]), m[0])
        for m in re.findall(r'oa:exact "([^"]*)"@vi ; oa:start (\d+) ; oa:end (\d+)', turtle)
    ]:
        assert PASSAGES[start:end] == quote
    assert "Ban Tuyên giáo Tỉnh ủy" in turtle and "Ban Dân vận Tỉnh ủy" in turtle
    stub = (registered / "data" / "drafts" / f"article-{n}.md").read_text(encoding="utf-8")
    assert f"**{n}.01**" in stub and URL in stub


def test_an_unedited_draft_cannot_be_released(registered: Path) -> None:
    n = number(registered)
    code, output = invoke(registered, "validate")
    assert code == 2 and f"registered, but no data file writes graph article-{n}" in output
    invoke(registered, "draft", n)
    drafts = registered / "data" / "drafts"
    (drafts / f"article-{n}.ttl").rename(registered / "data" / f"article-{n}.ttl")
    code, output = invoke(registered, "validate")
    assert code != 0 and "TODO" in output


def test_an_edited_draft_goes_into_a_release(registered: Path) -> None:
    """The curator keeps the decision the draft found (its quote and offsets as drafted),
    writes what the draft marked TODO, and the build takes it."""
    n = number(registered)
    invoke(registered, "draft", n)
    turtle = (registered / "data" / "drafts" / f"article-{n}.ttl").read_text(encoding="utf-8")
    found = re.search(r'oa:exact ("[^"]*983-QĐ/TU[^"]*"@vi ; oa:start \d+ ; oa:end \d+)', turtle)
    assert found is not None
    source = next(r for r in read_records(registered / "sources") if r.url == URL).iri_path
    prefixes = turtle[turtle.index("@base") : turtle.index("# ----")]
    edited = (
        prefixes
        + f"""
<https://w3id.org/bomay/graph/article-{n}> prov:wasDerivedFrom <{source}> .
<{source}> a schema:NewsArticle ;
    skos:prefLabel "Hợp nhất Ban Tuyên giáo và Ban Dân vận"@vi, "Two boards merged"@en ;
    schema:headline "Hợp nhất Ban Tuyên giáo và Ban Dân vận"@vi ;
    bomay:evidence [ a bomay:Evidence ; prov:wasQuotedFrom <{source}> ;
        oa:exact "Phó Bí thư Tỉnh ủy Nguyễn Văn An cho biết Ban có 6 phòng."@vi ;
        bomay:factId "{n}.01" ] .
<directive/lam-dong/tinh-uy/quyet-dinh-983-2025> a bomay:Directive ;
    skos:prefLabel "Quyết định số 983-QĐ/TU (thử)"@vi, "Decision 983-QĐ/TU (test)"@en ;
    eli:type_document <concept/document-type/quyet-dinh> ;
    eli:id_local "983-QĐ/TU" ;
    eli:date_document "2025-02-12"^^xsd:date ;
    bomay:evidence [ a bomay:Evidence ; prov:wasQuotedFrom <{source}> ;
        oa:exact {found.group(1)} ; bomay:factId "{n}.02" ] .
"""
    )
    (registered / "data" / f"article-{n}.ttl").write_text(edited, encoding="utf-8")
    code, output = invoke(registered, "build")
    assert code == 0, output
    code, output = invoke(registered, "query", "-o", "csv",
                          'SELECT ?q WHERE { ?d <http://data.europa.eu/eli/ontology#id_local> '
                          '"983-QĐ/TU" ; <https://w3id.org/bomay/def#evidence>/'
                          '<http://www.w3.org/ns/oa#exact> ?q }')  # fmt: skip
    assert code == 0 and "Quyết định số 983-QĐ/TU" in output


def test_places_reconcile_to_the_national_units_by_name_type_word_and_province() -> None:
    """Without a release, the reference tables give every unit of both structures, with the
    IRIs the build mints; the type word and the provinces the text names choose among
    namesakes (two An Lão districts, a commune An Lão of 2025)."""
    tables = read_tables(Settings()).tables
    known = _from_tables(tables)
    every = len(tables.legacy) + len(tables.current) - len(tables.continuing)  # as the build
    assert sum(len(places) for places in known.places.values()) == every
    paths = lambda *args: [p.path for p in known.place(*args)]  # noqa: E731
    assert paths("An Lão") == ["place/hai-phong/an-lao", "place/binh-dinh/an-lao"]
    assert paths("An Lão", {"place/hai-phong"}) == ["place/hai-phong/an-lao"]
    assert paths("An Lão", {"place/hai-phong"}, "xã") == ["place/2025/hai-phong/xa-an-lao"]
    assert paths("Hải Phòng", None, "thành phố") == ["place/hai-phong", "place/2025/hai-phong"]
    assert paths("Kiến An", {"place/hai-phong"}, "quận") == ["place/hai-phong/kien-an"]


def test_an_agency_the_data_has_gets_this_sources_quote_not_a_twin(tmp_path: Path) -> None:
    """ "Quốc hội khóa XV" is the Quốc hội the data has (a term is not another body): the
    draft adds the new source's quote to it, so that it carries each source that states it."""
    text = tmp_path / "010_0123456789abcdef.txt"
    text.write_text("Sáng 12/6, Quốc hội khóa XV đã biểu quyết thông qua Nghị quyết.\n", "utf-8")
    record = SourceRecord(path=text.with_suffix(".toml"), title="T", sha256=sha256_of(text),
                          stored="passages", url=URL, publisher="TTXVN/Vietnam+")  # fmt: skip
    known = Known("a test")
    known.agencies[key("Quốc hội")].append(("agency/trung-uong/quoc-hoi", None))
    known.publishers[key("TTXVN/Vietnam+")] = "organization/ttxvn-vietnam-plus"
    result, turtle = draft(record, known, frozenset())
    assert "<agency/trung-uong/quoc-hoi>\n    bomay:evidence" in turtle
    assert 'oa:exact "Quốc hội khóa XV"@vi' in turtle
    assert "a bomay:Agency" not in turtle and result.counts["agencies"] == 1
    assert "schema:publisher <organization/ttxvn-vietnam-plus>" in turtle
    assert "a schema:Organization" not in turtle
