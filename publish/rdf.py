"""Namespaces and the few term conversions both halves need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:  # only the build converts to rdflib: the server starts without it
    import rdflib

PREFIXES: dict[str, str] = {
    "bomay": "https://w3id.org/bomay/def#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "dcatap": "http://data.europa.eu/r5r/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "vann": "http://purl.org/vocab/vann/",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "spdx": "http://spdx.org/rdf/terms#",
    "adms": "http://www.w3.org/ns/adms#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}


#: the namespaces pages name terms by (``/def#sd:name``): PREFIXES, and SPARQL-SD's, which no
#: query prologue may declare (the endpoint refuses any query with the word "service")
TERM_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


#: what names a resource on a page, the first found in the reader's language winning: SKOS and
#: RDFS labels, the catalogue's titles, an agent's name
LABELS = (f"{PREFIXES['skos']}prefLabel", f"{PREFIXES['rdfs']}label",
          f"{PREFIXES['dcterms']}title", f"{PREFIXES['foaf']}name")  # fmt: skip


def sparql_prologue(base_vocab: str = PREFIXES["bomay"]) -> str:
    """PREFIX declarations for queries written in code."""
    prefixes = {**PREFIXES, "bomay": base_vocab}
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Identifier:
    """pyoxigraph term → rdflib term (pyshacl works on rdflib graphs)."""
    import rdflib  # noqa: PLC0415 - see TYPE_CHECKING above

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def serialize(
    data: Iterable[ox.Triple] | Iterable[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """pyoxigraph's serialiser into memory (it returns bytes when given no output)."""
    written = ox.serialize(data, format=fmt, prefixes=prefixes)
    if written is None:  # pragma: no cover - only when an output file is given
        raise RuntimeError("pyoxigraph wrote to a file instead of returning bytes")
    return written
