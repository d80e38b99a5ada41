"""SELECT answers written straight into the client's format, row by row, within the caps.

A worker writes the first ``max_rows`` solutions as they come from the engine, stops at the
row cap or before the body would pass ``max_bytes``, and marks a cut answer in the body
where the format has room for it (a ``link`` in the head of SPARQL JSON and XML). pyoxigraph
writes whole answers only, so the caps used to need a round trip through JSON and its
parser; these four writers follow the W3C formats (SPARQL 1.1 Query Results JSON, XML,
CSV and TSV), and ``tests/test_results.py`` reads every answer back with pyoxigraph's own
parsers and compares it with pyoxigraph's own writers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pyoxigraph as ox

#: the ontology term a cut answer links to in its head (SPARQL JSON and XML), under the
#: deployment's own base (``Iris.term``; defined in ontology/ontology.ttl)
TRUNCATED = "resultsTruncated"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"
XML_TEXT = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;"}  # line breaks kept as they are
#: literals that Turtle (hence TSV) writes without quotes, when their form is the bare one
BARE = {
    f"{XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{XSD}double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    f"{XSD}boolean": re.compile(r"true|false"),
}
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class UnsupportedTermError(ValueError):
    """A term the results formats cannot carry (an RDF-star quoted triple)."""


@dataclass(frozen=True)
class Written:
    body: bytes
    rows: int
    truncated: bool


@dataclass(frozen=True)
class _Format:
    head: Callable[[list[str], str | None], str]  # the variables, and the cut answer's link
    row: Callable[[list[str], Sequence[Term | None]], str]
    separator: str
    tail: str


def write(
    solutions: ox.QuerySolutions,
    media_type: str,
    max_rows: int,
    max_bytes: int | None,
    truncated_link: str | None,
) -> Written:
    """The first solutions in ``media_type``, at most ``max_rows`` of them and, if given,
    at most ``max_bytes`` bytes, a cut answer's link to ``truncated_link`` (if given, and
    the format has room for it) included."""
    known = ox.QueryResultsFormat.from_media_type(media_type)
    if known is None or known.media_type not in FORMATS:
        raise ValueError(f"no results format {media_type}")
    fmt = FORMATS[known.media_type]
    names = [v.value for v in solutions.variables]
    fixed = len((fmt.head(names, truncated_link) + fmt.tail).encode())
    budget = None if max_bytes is None else max_bytes - fixed
    rows: list[str] = []
    size, truncated = 0, False
    separator = len(fmt.separator.encode())
    for solution in solutions:
        if len(rows) == max_rows:
            truncated = True
            break
        text = fmt.row(names, [solution[n] for n in names])
        size += len(text.encode()) + (separator if rows else 0)
        if budget is not None and size > budget:
            truncated = True
            break
        rows.append(text)
    head = fmt.head(names, truncated_link if truncated else None)
    body = head + fmt.separator.join(rows) + fmt.tail
    return Written(body.encode(), len(rows), truncated)


# ------------------------------------------------------------------ JSON


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    raise UnsupportedTermError("quoted triples are not supported in results")


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_head(names: list[str], link: str | None) -> str:
    head: dict[str, list[str]] = {"vars": names}
    if link is not None:
        head["link"] = [link]
    return '{"head":' + _json_dumps(head) + ',"results":{"bindings":['


def _json_row(names: list[str], terms: Sequence[Term | None]) -> str:
    return _json_dumps(
        {n: _json_term(t) for n, t in zip(names, terms, strict=True) if t is not None}
    )


# ------------------------------------------------------------------ XML


def _xml_head(names: list[str], link: str | None) -> str:
    variables = "".join(f'<variable name="{escape(n)}"/>' for n in names)
    mark = f'<link href="{escape(link, XML_TEXT)}"/>' if link is not None else ""
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{variables}{mark}</head><results>"
    )


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value, XML_TEXT)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value, XML_TEXT)}</bnode>"
    if isinstance(term, ox.Literal):
        value = escape(term.value, XML_TEXT)
        if term.language:
            return f'<literal xml:lang="{escape(term.language, XML_TEXT)}">{value}</literal>'
        if term.datatype.value == XSD_STRING:
            return f"<literal>{value}</literal>"
        return f'<literal datatype="{escape(term.datatype.value, XML_TEXT)}">{value}</literal>'
    raise UnsupportedTermError("quoted triples are not supported in results")


def _xml_row(names: list[str], terms: Sequence[Term | None]) -> str:
    bindings = "".join(
        f'<binding name="{escape(n)}">{_xml_term(t)}</binding>'
        for n, t in zip(names, terms, strict=True)
        if t is not None
    )
    return f"<result>{bindings}</result>"


# ------------------------------------------------------------------ CSV and TSV


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        raise UnsupportedTermError("quoted triples are not supported in results")
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_row(names: list[str], terms: Sequence[Term | None]) -> str:
    return ",".join(_csv_field(t) for t in terms) + "\r\n"


def _tsv_field(term: Term | None) -> str:
    """A term in Turtle syntax (tabs and line breaks escaped); numbers and booleans bare."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        raise UnsupportedTermError("quoted triples are not supported in results")
    if isinstance(term, ox.Literal) and not term.language:
        bare = BARE.get(term.datatype.value)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
    return str(term)


def _tsv_row(names: list[str], terms: Sequence[Term | None]) -> str:
    return "\t".join(_tsv_field(t) for t in terms) + "\n"


def _lines(head: Callable[[list[str]], str]) -> Callable[[list[str], str | None], str]:
    """The header line of CSV and TSV (they have no room for a truncation mark)."""

    def first(names: list[str], link: str | None) -> str:
        return head(names)

    return first


FORMATS: dict[str, _Format] = {
    ox.QueryResultsFormat.JSON.media_type: _Format(_json_head, _json_row, ",", "]}}"),
    ox.QueryResultsFormat.XML.media_type: _Format(_xml_head, _xml_row, "", "</results></sparql>"),
    ox.QueryResultsFormat.CSV.media_type: _Format(
        _lines(lambda names: ",".join(names) + "\r\n"), _csv_row, "", ""
    ),
    ox.QueryResultsFormat.TSV.media_type: _Format(
        _lines(lambda names: "\t".join(f"?{n}" for n in names) + "\n"), _tsv_row, "", ""
    ),
}
