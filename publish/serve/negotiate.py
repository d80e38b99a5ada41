"""Content negotiation: which media type answers a request, for every route.

Accept headers are parsed by python-mimeparse (q-values, wildcards). Its ``best_match``
breaks ties in favour of the *last* offered type, so each list ends with the default: SPARQL
JSON for SELECT/ASK, Turtle for RDF, HTML for a resource (a browser, or a bare ``*/*``). A
``format`` parameter (``?format=csv``) wins over Accept on the endpoint, for links people
paste into browsers; a suffix (``.ttl``) wins on a resource. Nothing acceptable: 406 with
what is on offer (``errors``).
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
#: what a resource (and the dataset's description) is offered as
DOCUMENT = (
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-triples",
    "text/turtle",
    "text/html",
)
#: the endpoint without a query: its service description, or the query editor for a browser
SERVICE = ("text/html", *RDF)
#: a resource's representations by suffix (``/id/….ttl``), the order of the Link header
SUFFIXES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".html": "text/html",
}
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
    match = best(offered, accept)
    return CANONICAL.get(match, match)


def best(offered: tuple[str, ...], accept: str | None) -> str:
    """The offered type that ``accept`` prefers (ties: the last offered)."""
    try:
        match = str(mimeparse.best_match(list(offered), accept or "*/*"))
    except ValueError:  # an Accept header that is not a media range list
        match = ""
    if not match:
        raise NotAcceptableError(tuple(reversed(offered)))
    return match


def split_suffix(path: str) -> tuple[str, str | None]:
    """``id/x.ttl`` → (``id/x``, Turtle); a path without a known suffix is left whole."""
    for suffix, media_type in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], media_type
    return path, None


def wants_json(accept: str | None, fmt: str | None) -> bool:
    """A page that also answers JSON (search, lookup): ``format=json``, or JSON named in
    ``Accept`` at all (a browser never names it, so people keep the HTML)."""
    return fmt == "json" or "application/json" in (accept or "")
