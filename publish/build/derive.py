"""Derived facts: SPARQL CONSTRUCT rules in ontology/rules/, kept in their own graph.

Derivations (life spans from change events) are deterministic consequences of stated facts,
not inferences of judgement, so they live in ``graph/derived`` where a query can tell them apart.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publish.iris import Iris
from publish.settings import CANONICAL_BASE, Settings


def rule_files(settings: Settings) -> list[Path]:
    return sorted((settings.ontology_dir / "rules").glob("*.rq"))


def derive(store: ox.Store, settings: Settings) -> list[ox.Quad]:
    """Run every rule over the merge of the loaded graphs; return the derived quads."""
    iris = Iris(settings.base_iri)
    graph = ox.NamedNode(iris.graph("derived"))
    derived: set[ox.Quad] = set()
    for rule in rule_files(settings):
        query = rule.read_text(encoding="utf-8").replace(CANONICAL_BASE, settings.base_iri)
        result = store.query(query)  # the default graph: the merge (release.with_merge)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError(f"{rule}: a rule must be a CONSTRUCT query")
        derived.update(ox.Quad(t.subject, t.predicate, t.object, graph) for t in result)
    return sorted(derived, key=str)
