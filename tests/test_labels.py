"""Every property and class the release uses has a label in Vietnamese and in English: from
the ontology for bomay's own terms, from ``ontology/labels.ttl`` for the reused ones. Pages
show these labels, so a term without one would show its local name."""

from __future__ import annotations

import pyoxigraph as ox

from publish.store import Release

LABEL = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
)


def unlabelled(release: Release, lang: str) -> list[str]:
    query = f"""SELECT DISTINCT ?t WHERE {{
      {{ ?s ?t ?o }} UNION {{ ?s a ?t }} UNION {{ ?s <http://rdfs.org/ns/void#class> ?t }}
      FILTER NOT EXISTS {{ ?t {LABEL} ?label FILTER(LANG(?label) = "{lang}") }}
    }}"""
    result = release.store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(row["t"].value for row in result)


def test_every_property_and_class_in_use_has_a_vietnamese_and_an_english_label(
    release: Release,
) -> None:
    for lang in ("vi", "en"):
        assert unlabelled(release, lang) == [], f"terms in use without a label in {lang}"


def test_the_labels_graph_labels_terms_only(release: Release) -> None:
    """The labels graph says nothing but labels (definitions stay with the vocabularies)."""
    result = release.store.query(
        "SELECT DISTINCT ?p WHERE { GRAPH <https://w3id.org/bomay/graph/labels> { ?s ?p ?o } }"
    )
    assert isinstance(result, ox.QuerySolutions)
    assert [row["p"].value for row in result] == ["http://www.w3.org/2000/01/rdf-schema#label"]
