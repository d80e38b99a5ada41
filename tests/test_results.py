"""Answers written row by row read back as pyoxigraph's own answers, and stop at the caps."""

from __future__ import annotations

import csv
import json

import pyoxigraph as ox
import pytest

from publish.serve.results import FORMATS, write

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY = "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?s ?o"
#: a deployment's own term (Iris.term): the link is whatever the caller names
LINK = "https://data.example.net/bomay/def#resultsTruncated?a=1&b=2"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Terms that test every escape: quotes, commas, tabs, line breaks, markup, languages,
    datatypes, blank nodes, non-ASCII text, and a variable that is never bound."""
    store = ox.Store()
    p = ox.NamedNode("urn:p")
    objects = [
        ox.Literal('tab\there, "quoted", comma\nnew line\r\n', language="vi"),
        ox.Literal("Văn phòng <b>&amp;</b> ' \\ back"),
        ox.Literal("5", datatype=ox.NamedNode(f"{XSD}integer")),
        ox.Literal("2025-07-01", datatype=ox.NamedNode(f"{XSD}date")),
        ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean")),
        ox.NamedNode("https://w3id.org/bomay/id/place/hai-phong?x=1&y=2"),
        ox.BlankNode("b0"),
        ox.Literal(""),
    ]
    for i, obj in enumerate(objects):
        subject = ox.BlankNode(f"s{i}") if i % 3 == 0 else ox.NamedNode(f"urn:s{i}")
        store.add(ox.Quad(subject, p, obj))
    return store


def rows(body: bytes, media_type: str) -> list[list[object]]:
    if media_type.startswith("text/csv"):  # pyoxigraph cannot read CSV (it is lossy)
        lines = body.decode().split("\r\n")
        return [list(r) for r in csv.reader(lines[1:-1])] if len(lines) > 2 else []
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    parsed = ox.parse_query_results(body, format=fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [[r[n] for n in names] for r in parsed]


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_an_answer_reads_back_as_pyoxigraphs_own(store: ox.Store, media_type: str) -> None:
    written = write(store.query(QUERY), media_type, 100, None, LINK)
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    own = store.query(QUERY).serialize(format=fmt)
    assert written.rows == 8 and not written.truncated
    lossless = ox.QueryResultsFormat.JSON
    if fmt != ox.QueryResultsFormat.CSV:
        expected = rows(store.query(QUERY).serialize(format=lossless), lossless.media_type)
        assert rows(written.body, media_type) == expected
    if fmt != ox.QueryResultsFormat.XML:  # the same bytes, even (XML: line breaks escaped)
        assert written.body == own


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_the_row_cap_cuts_and_marks_the_answer(store: ox.Store, media_type: str) -> None:
    written = write(store.query(QUERY), media_type, 3, None, LINK)
    assert written.rows == 3 and written.truncated
    assert (
        rows(written.body, media_type)
        == rows(write(store.query(QUERY), media_type, 100, None, LINK).body, media_type)[:3]
    )
    if media_type.endswith("+json"):
        assert json.loads(written.body)["head"]["link"] == [LINK]
    elif media_type.endswith("+xml"):
        assert (
            b'<link href="https://data.example.net/bomay/def#resultsTruncated?a=1&amp;b=2"/>'
            in (written.body)
        )
    whole = write(store.query(QUERY), media_type, 100, None, LINK).body
    assert b"resultsTruncated" not in whole  # an answer that is not cut links to nothing


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_the_byte_cap_keeps_whole_rows_and_the_mark(store: ox.Store, media_type: str) -> None:
    whole = write(store.query(QUERY), media_type, 100, None, LINK).body
    cap = len(whole) - 10
    written = write(store.query(QUERY), media_type, 100, cap, LINK)
    assert written.truncated and 0 < written.rows < 8
    assert len(written.body) <= cap
    assert len(rows(written.body, media_type)) == written.rows


def test_an_empty_answer_is_well_formed(store: ox.Store) -> None:
    empty = "SELECT ?x WHERE { FILTER(false) }"
    for media_type in FORMATS:
        written = write(store.query(empty), media_type, 10, None, LINK)
        assert written.rows == 0 and rows(written.body, media_type) == []
    body = write(
        store.query("SELECT ?x WHERE { FILTER(false) }"),
        "application/sparql-results+json",
        10,
        None,
        LINK,
    ).body
    assert json.loads(body) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_terms_repeated_across_rows_are_written_each_as_themselves(media_type: str) -> None:
    """The writer writes each distinct term once per answer and reuses it: terms that look
    alike (one text in two languages, as a plain and a typed literal, an IRI and a blank
    node of the same name) must each keep their own form on every row."""
    store = ox.Store()
    alike = [
        ox.Literal("Hải Phòng", language="vi"),
        ox.Literal("Hải Phòng", language="en"),
        ox.Literal("Hải Phòng"),
        ox.Literal("5", datatype=ox.NamedNode(f"{XSD}integer")),
        ox.Literal("5"),
        ox.NamedNode("urn:b0"),
        ox.BlankNode("b0"),
    ]
    for i in range(30):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i:02}"), ox.NamedNode("urn:p"), alike[i % 7]))
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    written = write(store.query(query), media_type, 100, None, LINK)
    assert written.rows == 30
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt != ox.QueryResultsFormat.CSV:
        assert [r[2] for r in rows(written.body, media_type)] == [alike[i % 7] for i in range(30)]
    if fmt != ox.QueryResultsFormat.XML:
        assert written.body == store.query(query).serialize(format=fmt)
