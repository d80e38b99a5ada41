"""Counts computed once at build time, kept in the manifest: per graph, class and source."""

from __future__ import annotations

import pyoxigraph as ox

from publish.rdf import sparql_prologue

PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
PER_CLASS = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class"""
PER_SOURCE = """SELECT ?article (SAMPLE(?title) AS ?headline) (COUNT(DISTINCT ?evidence) AS ?quotes)
  (COUNT(DISTINCT ?fact) AS ?facts) (COUNT(DISTINCT ?subject) AS ?described)
WHERE {
  VALUES ?kind { schema:NewsArticle schema:WebPage }
  ?article a ?kind .
  OPTIONAL { ?article schema:headline ?title }
  OPTIONAL { ?evidence prov:wasQuotedFrom ?article ; bomay:factId ?fact .
             ?subject bomay:evidence ?evidence }
} GROUP BY ?article ORDER BY ?article"""


UNITS = """SELECT ?period ?type (COUNT(DISTINCT ?u) AS ?units) WHERE {
  ?u a bomay:AdministrativeUnit ; bomay:unitCode ?code ; bomay:unitType/skos:prefLabel ?type
  FILTER(LANG(?type) = "en")
  OPTIONAL { ?u schema:dissolutionDate ?end } OPTIONAL { ?u schema:foundingDate ?start }
  BIND(IF(BOUND(?end), "until 2025-06-30",
          IF(BOUND(?start), "from 2025-07-01", "continuing")) AS ?period)
} GROUP BY ?period ?type ORDER BY DESC(?period) ?type"""


def select(store: ox.Store, query: str, vocab: str) -> list[dict[str, str | int]]:
    """The rows of a SELECT over the release store, counts as ints (for the build's records)."""
    result = store.query(sparql_prologue(vocab) + query)  # over the merge
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - all three are SELECT
        raise TypeError("a statistics or catalogue query must be a SELECT")
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row: dict[str, str | int] = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            is_count = isinstance(term, ox.Literal) and term.datatype.value.endswith("#integer")
            row[name] = int(term.value) if is_count else term.value
        rows.append(row)
    return rows


def compute(store: ox.Store, vocab: str) -> dict[str, list[dict[str, str | int]]]:
    return {
        "graphs": select(store, PER_GRAPH, vocab),
        "classes": select(store, PER_CLASS, vocab),
        "sources": select(store, PER_SOURCE, vocab),
        "units": select(store, UNITS, vocab),
    }
