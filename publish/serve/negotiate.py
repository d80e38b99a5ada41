"""Content negotiation: which media type answers a request.

Accept headers are parsed by python-mimeparse (q-values, wildcards). Its ``best_match``
breaks ties in favour of the *last* offered type, so each list ends with the default: SPARQL
JSON for SELECT/ASK, Turtle for RDF. A ``format`` parameter (``?format=csv``) wins over
Accept, for links people paste into browsers.
"""

from __future__ import annotations

import mimeparse

RESULTS = (
    "text/tab-separated-values",
    "text/csv",
    "application/sparql-results+xml",
    "application/json",
    "application/sparql-results+json",
)
RDF = (
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
    "application/n-triples",
    "text/turtle",
)
RESULT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_NAMES = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "xml": "application/rdf+xml",
}
#: what pyoxigraph's writers call the aliases we accept
CANONICAL = {"application/json": "application/sparql-results+json"}


class NotAcceptableError(Exception):
    """Nothing the client accepts can be offered; carries what can."""

    def __init__(self, offered: tuple[str, ...]) -> None:
        super().__init__(
            "none of the accepted media types can be served; offered: " + ", ".join(offered)
        )
        self.offered = offered


def choose(accept: str | None, fmt: str | None, *, rdf: bool) -> str:
    """The media type of the answer, for a result (``rdf=False``) or an RDF graph."""
    offered = RDF if rdf else RESULTS
    if fmt:
        names = RDF_NAMES if rdf else RESULT_NAMES
        chosen = names.get(fmt.lower()) or (fmt if fmt in offered else None)
        if chosen is None:
            raise NotAcceptableError(tuple(names))
        return CANONICAL.get(chosen, chosen)
    try:
        match = str(mimeparse.best_match(list(offered), accept or "*/*"))
    except ValueError:  # an Accept header that is not a media range list
        match = ""
    if not match:
        raise NotAcceptableError(tuple(reversed(offered)))
    return CANONICAL.get(match, match)
