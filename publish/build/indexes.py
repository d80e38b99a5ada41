"""Indexes the service reads from a release folder instead of querying for them at start.

The search index needs every label of the release (about 50,000 at national size); asked of
a query worker on a busy machine, that answer outran the query time limit. Written once at
build time, it is a file the server reads in a few milliseconds, covered by SHA256SUMS like
every other file of the release.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

SEARCH_LABELS = "search-labels.json"
LABELS_QUERY = """SELECT DISTINCT ?s ?label WHERE {
  ?s <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2004/02/skos/core#altLabel>
     |<http://www.w3.org/2000/01/rdf-schema#label> ?label
  FILTER(isIRI(?s))
}"""


def write_search_labels(store: ox.Store, folder: Path) -> str:
    """Every (IRI, label) pair of the release, sorted, as JSON; return the file name."""
    result = store.query(LABELS_QUERY)  # over the merge
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - a SELECT
        raise TypeError("the labels query must be a SELECT")
    pairs = sorted({(row["s"].value, row["label"].value) for row in result})
    text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    (folder / SEARCH_LABELS).write_text(text + "\n", encoding="utf-8")
    return SEARCH_LABELS


def read_search_labels(folder: Path) -> list[tuple[str, str]]:
    """The pairs written by ``write_search_labels`` (empty for a release without them)."""
    path = folder / SEARCH_LABELS
    if not path.exists():
        return []
    return [(iri, label) for iri, label in json.loads(path.read_text(encoding="utf-8"))]
