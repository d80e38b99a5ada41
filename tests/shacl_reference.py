"""pyshacl as the reference for the shapes compiled to SPARQL: results of both engines in
one comparable form (tests/test_shacl_sparql.py, tests/test_shapes.py)."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, SH

from publish.build import shacl_sparql
from publish.build.validate import load_shapes
from publish.settings import Settings

Result = tuple[str, str, str, str, str]


@cache
def shapes() -> rdflib.Graph:
    return load_shapes(Settings())


def store_of(graph: rdflib.Graph) -> ox.Store:
    """A store whose default graph holds ``graph`` (as the build's merge does)."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return store


def results(report: rdflib.Graph, shapes: rdflib.Graph) -> set[Result]:
    """Each top-level result as (focus, shape, component, path, value); blank nodes, which
    the two engines label apart, as their shape's path or as "_"."""

    def name(node: rdflib.term.Node | None) -> str:
        return "_" if isinstance(node, rdflib.BNode) else str(node)

    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in report:  # pyshacl's nested details
            continue
        shape = report.value(result, SH.sourceShape)
        shape_name = (
            name(shape) if isinstance(shape, rdflib.URIRef) else f"[{shapes.value(shape, SH.path)}]"
        )
        path = report.value(result, SH.resultPath)
        found.add((
            name(report.value(result, SH.focusNode)),
            shape_name,
            str(report.value(result, SH.sourceConstraintComponent)),
            shacl_sparql.path_text(report, path) if isinstance(path, rdflib.BNode) else str(path),
            name(report.value(result, SH.value)),
        ))  # fmt: skip
    return found


def reference(data: rdflib.Graph, shapes: rdflib.Graph) -> set[Result]:
    _conforms, report, _text = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return results(report, shapes)
