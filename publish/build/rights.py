"""Licence and rights, stated inside the data so that every dump carries them.

The dataset's licence is a triple of its own graph (``graph/rights``), which every dump
holds; a file that travels alone still says under what terms it may be used. Quotes are the
exception to that licence: short passages of press articles, kept to show where each fact
comes from. Each quote points to one rights statement that says so, in the graph that holds
the quote (a blank node lives in one graph: the build cache labels each graph's own).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from publish.iris import Iris
from publish.rdf import PREFIXES
from publish.settings import Settings

DCTERMS = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
OA_EXACT = ox.NamedNode(f"{PREFIXES['oa']}exact")
RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
QUOTATION = "rights/press-quotation"
#: the rights statement of every quote, in Vietnamese and English
STATEMENT = {
    "label": {
        "vi": "Trích dẫn báo chí",
        "en": "Quotations from the press",
    },
    "comment": {
        "vi": "Đoạn trích là một đoạn ngắn của bài báo được nêu, giữ lại để chỉ ra nguồn của "
        "dữ kiện. Bản quyền của đoạn trích thuộc về cơ quan đã đăng bài báo; giấy phép của bộ "
        "dữ liệu không áp dụng cho đoạn trích.",
        "en": "A quote is a short passage of the article it names, kept to show where a fact "
        "comes from. Its copyright stays with the publisher of that article; the dataset's "
        "licence does not apply to it.",
    },
}


def licence(settings: Settings) -> list[ox.Quad]:
    """``graph/rights``: the dataset's licence, and the rights statement of the quotes."""
    iris = Iris(settings.base_iri)
    graph = ox.NamedNode(iris.graph("rights"))
    statement = ox.NamedNode(iris.resource(QUOTATION))

    def quad(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(subject, ox.NamedNode(predicate), obj, graph)

    out = [
        quad(ox.NamedNode(iris.dataset), f"{DCTERMS}license", ox.NamedNode(settings.licence)),
        quad(statement, str(RDF_TYPE.value), ox.NamedNode(f"{DCTERMS}RightsStatement")),
    ]
    for lang, text in STATEMENT["label"].items():
        out.append(quad(statement, f"{SKOS}prefLabel", ox.Literal(text, language=lang)))
    for lang, text in STATEMENT["comment"].items():
        out.append(quad(statement, f"{RDFS}comment", ox.Literal(text, language=lang)))
    return out


def quote_rights(quads: Iterable[ox.Quad], iris: Iris) -> list[ox.Quad]:
    """Each quote among ``quads`` (one file's) pointing to the rights statement, in the
    quote's own graph."""
    statement = ox.NamedNode(iris.resource(QUOTATION))
    rights_of = ox.NamedNode(f"{DCTERMS}rights")
    quotes = {(q.subject, q.graph_name) for q in quads if q.predicate == OA_EXACT}
    return [
        ox.Quad(quote, rights_of, statement, graph)
        for quote, graph in sorted(quotes, key=str)
        if isinstance(quote, ox.NamedNode | ox.BlankNode)
    ]
