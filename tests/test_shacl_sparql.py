"""The SPARQL parts of the shapes run on pyoxigraph, and pyshacl never sees them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from publish.build import shacl_sparql
from publish.build.validate import load_shapes, validate
from publish.settings import Settings


def test_pyshacl_gets_no_sparql_and_targets_become_nodes() -> None:
    shapes = load_shapes(Settings())
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("https://w3id.org/bomay/def#x"),
                      ox.Literal("o"), ox.NamedNode("urn:g")))  # fmt: skip
    core, checks = shacl_sparql.prepare(shapes, store)
    assert not list(core.subject_objects(SH.sparql))
    assert not list(core.subject_objects(SH.target))
    assert len(checks) == len(list(shapes.subject_objects(SH.sparql))) > 0
    declared = rdflib.URIRef("https://w3id.org/bomay/shapes#DeclaredTerm")
    assert (declared, SH.targetNode, rdflib.URIRef("https://w3id.org/bomay/def#x")) in core


def test_a_sparql_constraint_reports_each_focus_node_once() -> None:
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass <urn:C> ;
          sh:sparql [ sh:message "no p" ;
            sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this <urn:p> ?o } }" ] .""",
        format="turtle",
    )  # fmt: skip
    data = rdflib.Graph().parse(
        data="""<urn:a> a <urn:C> . <urn:b> a <urn:D> .
        <urn:D> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:C> .
        <urn:c> a <urn:C> ; <urn:p> 1 .""",
        format="turtle",
    )  # fmt: skip
    report = validate(data, shapes, {})
    assert not report.conforms
    assert sorted(v.focus_node for v in report.violations) == ["urn:a", "urn:b"]
    assert {v.message for v in report.violations} == {"no p"}


def test_unsupported_sparql_is_refused_not_skipped() -> None:
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:PropertyShape ; sh:path <urn:p> ; sh:targetClass <urn:C> ;
          sh:sparql [ sh:select "SELECT $this WHERE { }" ] .""",
        format="turtle",
    )  # fmt: skip
    with pytest.raises(shacl_sparql.UnsupportedShapeError):
        shacl_sparql.prepare(shapes, ox.Store())
