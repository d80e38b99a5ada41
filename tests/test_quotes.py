"""The build checks every quote against its source's stored text, and every text's hash."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import project_env
from publish.build.quotes import QuoteError, verify
from publish.cli import app
from publish.iris import Iris
from publish.sources import (
    SourceError,
    SourceRecord,
    find_quote,
    fold_space,
    read_record,
    read_records,
    sha256_of,
    write_record,
)

runner = CliRunner()
A000 = "data/article-000.ttl"
OA, PROV = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#"


def validate(root: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate"], env=project_env(root, root / "d"))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; return its line number."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_a_mistyped_quote_names_file_and_line(project_copy: Path) -> None:
    line = replace_once(
        project_copy / A000,
        'oa:exact "Phòng Nội vụ quận Kiến An"',
        'oa:exact "Phòng Nội vụ quận Kiến Ann"',
    )
    code, output = validate(project_copy)
    assert code == 2
    assert f"{A000}:{line}: not in sources/000_afca7d85baae3dc3.txt" in output
    assert "«Phòng Nội vụ quận Kiến Ann»" in output


def test_an_elided_quote_must_keep_its_order(project_copy: Path) -> None:
    text = (project_copy / A000).read_text(encoding="utf-8")
    quote = re.search(r'oa:exact "([^"]* … [^"]*)"', text)
    assert quote is not None
    first, *rest = quote.group(1).split(" … ")
    swapped = " … ".join([*rest, first])
    line = replace_once(project_copy / A000, quote.group(0), f'oa:exact "{swapped}"')
    code, output = validate(project_copy)
    assert code == 2 and f"{A000}:{line}: not in" in output


def test_a_changed_source_text_fails_its_hash(project_copy: Path) -> None:
    text = project_copy / "sources" / "002_8285f82c8f7d5dff.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, output = validate(project_copy)
    assert code == 2
    assert "sources/002_8285f82c8f7d5dff.txt: SHA-256" in output and "changed after" in output


def test_a_quote_under_the_wrong_source(project_copy: Path) -> None:
    replace_once(
        project_copy / A000,
        "prov:wasQuotedFrom <article/000-afca7d85baae3dc3>",
        "prov:wasQuotedFrom <article/002-8285f82c8f7d5dff>",
    )
    code, output = validate(project_copy)
    assert code == 2
    assert "graph/article-000 quotes article/002-8285f82c8f7d5dff" in output


def test_a_text_without_a_record_and_a_record_without_data(project_copy: Path) -> None:
    last = max(int(r.number) for r in read_records(project_copy / "sources"))
    stem = f"{last + 1:03d}_0123456789abcdef"
    (project_copy / "sources" / f"{stem}.txt").write_text("x", encoding="utf-8")
    code, output = validate(project_copy)
    assert code == 2 and "a source text without its record" in output
    text = project_copy / "sources" / f"{stem}.txt"
    write_record(
        SourceRecord(
            path=text.with_suffix(".toml"),
            title="T",
            sha256=sha256_of(text),
            stored="whole",
            url="https://example.org/page",
        )
    )
    code, output = validate(project_copy)
    assert code == 2
    assert f"sources/{stem}.toml: registered, but no data file writes" in output


def verify_passages(tmp_path: Path, stored: str, quote: str) -> list[str]:
    """The problems verify finds in a page stored as ``stored`` whose one fact quotes ``quote``."""
    text = tmp_path / "sources" / "009_0123456789abcdef.txt"
    text.parent.mkdir(parents=True)
    text.write_text(stored, encoding="utf-8")
    record = SourceRecord(
        path=text.with_suffix(".toml"),
        title="T",
        sha256=sha256_of(text),
        stored="passages",
        url="https://example.org/page",
    )
    iris = Iris("https://w3id.org/bomay/")
    graph = ox.NamedNode(iris.graph("article-009"))
    evidence = ox.BlankNode()
    quads = [
        ox.Quad(evidence, ox.NamedNode(f"{OA}exact"), ox.Literal(quote, language="vi"), graph),
        ox.Quad(evidence, ox.NamedNode(f"{PROV}wasQuotedFrom"),
                ox.NamedNode(iris.resource(record.iri_path)), graph),
    ]  # fmt: skip
    data = tmp_path / "data" / "article-009.ttl"
    data.parent.mkdir()
    data.write_text(f'[] oa:exact "{quote}"@vi .\n', encoding="utf-8")
    try:
        verify([record], quads, {graph.value: data}, iris, tmp_path)
    except QuoteError as failure:
        return failure.problems
    return []


def test_a_stored_passage_nobody_quotes_is_refused(tmp_path: Path) -> None:
    """A page stored as passages keeps only what facts quote (third-party text)."""
    problems = verify_passages(
        tmp_path, "Đoạn một được trích.\n\nMột đoạn không ai trích.\n", "Đoạn một"
    )
    assert problems == [
        "sources/009_0123456789abcdef.txt: passage 2 «Một đoạn không ai trích.…» is quoted by "
        "no fact; a page stored as passages keeps only what is quoted"
    ]


def test_a_page_pasted_whole_as_one_passage_is_refused(tmp_path: Path) -> None:
    """One short quote does not license keeping the rest of the page around it."""
    rest = "Phần còn lại của trang, không ai trích, kéo dài mãi. " * 4
    problems = verify_passages(tmp_path, f"Câu được trích. {rest}\n", "Câu được trích.")
    assert len(problems) == 1
    assert problems[0].startswith(
        f"sources/009_0123456789abcdef.txt: passage 1 keeps {len(rest.strip())} characters "
        "no fact quotes («Phần còn lại"
    )
    short = "Câu được trích, trong ngữ cảnh ngắn của nó."
    assert verify_passages(tmp_path / "b", f"{short}\n", "Câu được trích") == []


def test_the_project_sources_verify(project_copy: Path) -> None:
    code, output = validate(project_copy)
    assert code == 0, output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('title = "T"\nsha256 = "ab"\nstored = "whole"\n', "sha256 must be 64 hex digits"),
        ('title = "T"\nstored = "whole"\n', "'sha256' is required"),
        (f'title = "T"\nsha256 = "{"a" * 64}"\nstored = "all"\n', "stored must be"),
        (f'title = "T"\nsha256 = "{"a" * 64}"\nstored = "passages"\n', "needs its url"),
        (f'title = "T"\nsha256 = "{"a" * 64}"\nstored = "whole"\nauthor = "x"\n', "unknown"),
        (
            f'title = "T"\nsha256 = "{"a" * 64}"\nstored = "whole"\ndate_read = "2025-02-30"\n',
            "date_read must be",
        ),
        ('title = "T\n', "010_0123456789abcdef.toml"),
    ],
)
def test_bad_records_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "010_0123456789abcdef.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=re.escape(message)):
        read_record(path)


def test_a_record_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "011_0123456789abcdef.toml"
    record = SourceRecord(
        path=path,
        title='Tiêu đề có "ngoặc"',
        sha256="b" * 64,
        stored="passages",
        url="https://example.org/a",
        publisher="Báo X",
        date_published="2025-06",
        date_read="2026-12-04",
        notes=("một", "hai"),
    )
    write_record(record)
    (tmp_path / "011_0123456789abcdef.txt").write_text("x", encoding="utf-8")
    assert read_records(tmp_path) == [record]
    assert record.iri_path == "article/011-0123456789abcdef" and record.number == "011"


def test_quote_matching_folds_white_space_and_keeps_order() -> None:
    text = fold_space("Sáng 20/11,\u00a0UBND thành phố\n\nlàm việc với Đoàn kiểm tra")
    assert find_quote("UBND thành phố làm việc", text) is not None
    assert find_quote("Sáng 20/11, … Đoàn kiểm tra", text) == (0, len(text))
    assert find_quote("Đoàn kiểm tra … Sáng", text) is None
