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
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring
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
    keys: Callable[[list[str]], list[str]]  # what comes before each variable's value
    term: Callable[[Term], str]  # one value
    row: Callable[[list[str], list[str | None]], str]  # the keys, and each value or None
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
    the format has room for it) included.

    Each distinct term is written once per answer: answers repeat their IRIs (types,
    predicates, the same agency on many rows), and writing a term cost more than finding
    it again (``texts``).
    """
    known = ox.QueryResultsFormat.from_media_type(media_type)
    if known is None or known.media_type not in FORMATS:
        raise ValueError(f"no results format {media_type}")
    fmt = FORMATS[known.media_type]
    names = [v.value for v in solutions.variables]
    keys = fmt.keys(names)
    fixed = len((fmt.head(names, truncated_link) + fmt.tail).encode())
    budget = None if max_bytes is None else max_bytes - fixed
    texts: dict[Term, str] = {}
    rows: list[bytes] = []
    size, truncated = 0, False
    separator = len(fmt.separator.encode())
    for solution in solutions:
        if len(rows) == max_rows:
            truncated = True
            break
        values: list[str | None] = []
        for term in solution:
            if term is None:
                values.append(None)
                continue
            text = texts.get(term)
            if text is None:
                text = texts[term] = fmt.term(term)
            values.append(text)
        line = fmt.row(keys, values).encode()
        size += len(line) + (separator if rows else 0)
        if budget is not None and size > budget:
            truncated = True
            break
        rows.append(line)
    head = fmt.head(names, truncated_link if truncated else None).encode()
    return Written(head + fmt.separator.encode().join(rows) + fmt.tail.encode(), len(rows),
                   truncated)  # fmt: skip


# ------------------------------------------------------------------ JSON

#: a JSON string as ``json.dumps(text, ensure_ascii=False)`` writes it (the C encoder)
_json_text = encode_basestring


def _json_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_text(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_text(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = _json_text(term.value)
        if term.language:
            return f'{{"type":"literal","value":{value},"xml:lang":{_json_text(term.language)}}}'
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return f'{{"type":"literal","value":{value},"datatype":{_json_text(datatype)}}}'
    raise UnsupportedTermError("quoted triples are not supported in results")


def _json_head(names: list[str], link: str | None) -> str:
    head: dict[str, list[str]] = {"vars": names}
    if link is not None:
        head["link"] = [link]
    return (
        '{"head":'
        + json.dumps(head, ensure_ascii=False, separators=(",", ":"))
        + (',"results":{"bindings":[')
    )


def _json_keys(names: list[str]) -> list[str]:
    return [_json_text(n) + ":" for n in names]


def _json_row(keys: list[str], values: list[str | None]) -> str:
    return "{" + ",".join(k + v for k, v in zip(keys, values, strict=True) if v is not None) + "}"


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


def _xml_keys(names: list[str]) -> list[str]:
    return [f'<binding name="{escape(n)}">' for n in names]


def _xml_row(keys: list[str], values: list[str | None]) -> str:
    bindings = "".join(
        f"{k}{v}</binding>" for k, v in zip(keys, values, strict=True) if v is not None
    )
    return f"<result>{bindings}</result>"


# ------------------------------------------------------------------ CSV and TSV


def _csv_term(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        raise UnsupportedTermError("quoted triples are not supported in results")
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_row(keys: list[str], values: list[str | None]) -> str:
    return ",".join(v or "" for v in values) + "\r\n"


def _tsv_term(term: Term) -> str:
    """A term in Turtle syntax (tabs and line breaks escaped); numbers and booleans bare."""
    if isinstance(term, ox.Triple):
        raise UnsupportedTermError("quoted triples are not supported in results")
    if isinstance(term, ox.Literal) and not term.language:
        bare = BARE.get(term.datatype.value)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
    return str(term)


def _tsv_row(keys: list[str], values: list[str | None]) -> str:
    return "\t".join(v or "" for v in values) + "\n"


def _lines(head: Callable[[list[str]], str]) -> Callable[[list[str], str | None], str]:
    """The header line of CSV and TSV (they have no room for a truncation mark)."""

    def first(names: list[str], link: str | None) -> str:
        return head(names)

    return first


def _no_keys(names: list[str]) -> list[str]:
    """CSV and TSV: a value's place in the line says its variable."""
    return names


FORMATS: dict[str, _Format] = {
    ox.QueryResultsFormat.JSON.media_type: _Format(
        _json_head, _json_keys, _json_term, _json_row, ",", "]}}"
    ),
    ox.QueryResultsFormat.XML.media_type: _Format(
        _xml_head, _xml_keys, _xml_term, _xml_row, "", "</results></sparql>"
    ),
    ox.QueryResultsFormat.CSV.media_type: _Format(
        _lines(lambda names: ",".join(names) + "\r\n"), _no_keys, _csv_term, _csv_row, "", ""
    ),
    ox.QueryResultsFormat.TSV.media_type: _Format(
        _lines(lambda names: "\t".join(f"?{n}" for n in names) + "\n"),
        _no_keys,
        _tsv_term,
        _tsv_row,
        "",
        "",
    ),
}
