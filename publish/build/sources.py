"""The source records as RDF: each source's registration, and which graph it feeds.

The records (``sources/*.toml``, see publish/sources.py) are the one place for a source's
URL, file, hash, language, date read and how its text is stored, so the build writes those
facts into ``graph/sources`` rather than anyone typing them into a data file. It also states
``<graph/article-NNN> prov:wasDerivedFrom <article/NNN-…>``, so that a query can follow any
named graph of facts back to its source. What the page itself says (headline, publisher,
date, author) is curated in the article's own graph, with quotes.
"""

from __future__ import annotations

import pyoxigraph as ox

from publish.iris import Iris
from publish.rdf import PREFIXES
from publish.sources import SourceRecord

SCHEMA = PREFIXES["schema"]
XSD = PREFIXES["xsd"]
STORAGE = {"whole": "concept/text-storage/toan-van", "passages": "concept/text-storage/trich-doan"}
DATE_TYPES = {4: "gYear", 7: "gYearMonth", 10: "date"}


def source_quads(records: list[SourceRecord], iris: Iris, graphs: set[str]) -> list[ox.Quad]:
    """The registration triples of ``records``; ``graphs`` are the named graphs loaded, so the
    derivation link is written only for article graphs that exist."""
    graph = ox.NamedNode(iris.graph("sources"))
    vocab = iris.vocab
    quads: list[ox.Quad] = []

    def add(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(subject, ox.NamedNode(predicate), obj, graph))

    for record in records:
        node = ox.NamedNode(iris.resource(record.iri_path))
        add(node, f"{vocab}sourceFile", ox.Literal(record.text_path.name))
        add(node, f"{vocab}sha256", ox.Literal(record.sha256))
        add(node, f"{vocab}storedText", ox.NamedNode(iris.resource(STORAGE[record.stored])))
        add(node, f"{SCHEMA}inLanguage", ox.Literal(record.language))
        if record.url is not None:
            add(node, f"{SCHEMA}url", ox.NamedNode(record.url))
        if record.date_read is not None:
            add(node, f"{vocab}dateRead", _date(record.date_read))
        article = iris.graph(f"article-{record.number}")
        if article in graphs:
            add(ox.NamedNode(article), f"{PREFIXES['prov']}wasDerivedFrom", node)
    return quads


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(f"{XSD}{DATE_TYPES[len(value)]}"))
