"""The shapes compiled to SPARQL give pyshacl's results (the reference); tests/test_shapes.py
compares them on every negative fixture."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF

from publish.build import shacl_sparql
from publish.build.cache import Delta
from publish.build.validate import validate
from shacl_reference import reference, results, shapes, store_of


def test_every_shape_of_the_project_compiles() -> None:
    """None is left to pyshacl, which would need an rdflib copy of the whole release."""
    compiled = shacl_sparql.compile_shapes(shapes(), ox.Store())
    assert compiled.rest_targeted == []
    assert len(compiled.checks) > 100


def test_a_shape_it_cannot_compile_goes_to_pyshacl() -> None:
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:fast> a sh:NodeShape ; sh:targetClass <urn:C> ;
          sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .
        <urn:slow> a sh:NodeShape ; sh:targetClass <urn:C> ;
          sh:property [ sh:path <urn:q> ; sh:uniqueLang true ] .""",
        format="turtle",
    )  # fmt: skip
    data = rdflib.Graph().parse(
        data="""<urn:a> a <urn:C> ; <urn:q> "x"@vi, "y"@vi .""", format="turtle"
    )
    compiled = shacl_sparql.compile_shapes(shapes, ox.Store())
    assert compiled.rest_targeted == [rdflib.URIRef("urn:slow")]
    report = validate(store_of(data), shapes, {})
    assert results(report.graph, shapes) == reference(data, shapes)
    assert {r[2].rsplit("#")[-1] for r in results(report.graph, shapes)} == {
        "MinCountConstraintComponent",
        "UniqueLangConstraintComponent",
    }


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
    report = validate(store_of(data), shapes, {})
    assert not report.conforms
    assert sorted(v.focus_node for v in report.violations) == ["urn:a", "urn:b"]
    assert {v.message for v in report.violations} == {"no p"}
    assert results(report.graph, shapes) == reference(data, shapes)


def test_ill_formed_and_mistyped_literals_fail_a_datatype() -> None:
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:shape> a sh:NodeShape ; sh:targetSubjectsOf <urn:d> ;
          sh:property [ sh:path <urn:d> ; sh:datatype xsd:date ;
                        sh:minInclusive "2000-01-01"^^xsd:date ] .""",
        format="turtle",
    )  # fmt: skip
    data = rdflib.Graph().parse(
        data="""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:ok> <urn:d> "2020-01-31"^^xsd:date . <urn:early> <urn:d> "1990-01-31"^^xsd:date .
        <urn:bad> <urn:d> "2020-13-45"^^xsd:date . <urn:str> <urn:d> "2020-01-31" .""",
        format="turtle",
    )  # fmt: skip
    report = validate(store_of(data), shapes, {})
    assert results(report.graph, shapes) == reference(data, shapes)
    assert {v.focus_node for v in report.violations} == {"urn:early", "urn:bad", "urn:str"}


def test_an_incremental_validation_follows_links_to_a_changed_node() -> None:
    """A changed class of a value is read through the link from its focus node."""
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass <urn:Event> ;
          sh:property [ sh:path <urn:original> ; sh:class <urn:Agency> ] .""",
        format="turtle",
    )  # fmt: skip
    data = rdflib.Graph().parse(
        data="""<urn:e> a <urn:Event> ; <urn:original> <urn:x> . <urn:f> a <urn:Event> .""",
        format="turtle",
    )  # fmt: skip
    removed = ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode(str(RDF.type)),
                      ox.NamedNode("urn:Agency"), ox.DefaultGraph())  # fmt: skip
    assert shacl_sparql.deep(shapes) == {str(RDF.type)}
    report = validate(store_of(data), shapes, {}, Delta(removed=[removed]))
    assert [v.focus_node for v in report.violations] == ["urn:e"]
    assert report.scope == 4  # x, rdf:type, Agency, and e, which links to x


def test_one_query_for_several_constraints_names_each_that_a_value_breaks() -> None:
    """The value tests of a property shape run as one query, and a count's two bounds as
    one: a value that breaks two tests gives two results, each with its own component, as
    pyshacl reports them."""
    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:nodeKind sh:IRI ;
          sh:pattern "^urn:[a-z]+$" ;
          sh:property [ sh:path <urn:name> ; sh:datatype xsd:string ; sh:minLength 3 ;
                        sh:pattern "^[a-z]+$" ; sh:minCount 1 ; sh:maxCount 2 ] ;
          sh:property [ sh:path <urn:label> ; sh:qualifiedMinCount 1 ;
                        sh:qualifiedMaxCount 1 ;
                        sh:qualifiedValueShape [ sh:languageIn ( "vi" ) ] ] .""",
        format="turtle",
    )  # fmt: skip
    data = rdflib.Graph().parse(
        data="""<urn:ok> a <urn:C> ; <urn:name> "abc" ; <urn:label> "x"@vi, "y"@en .
        <urn:a1> a <urn:C> ; <urn:name> "A", "abcd", "Abcde" ; <urn:label> "x"@en .
        <urn:b> a <urn:C> ; <urn:label> "x"@vi, "y"@vi .
        _:c a <urn:C> ; <urn:name> 12 ; <urn:label> "x"@vi .""",
        format="turtle",
    )  # fmt: skip
    compiled = shacl_sparql.compile_shapes(shapes, ox.Store())
    assert any(len(check.parts) == 3 for check in compiled.checks)  # datatype, length, pattern
    assert any(check.group and len(check.parts) == 2 for check in compiled.checks)
    report = validate(store_of(data), shapes, {})
    found = results(report.graph, shapes)
    assert found == reference(data, shapes)
    components = {(r[0], r[2].rsplit("#")[-1], r[4]) for r in found}
    assert {("urn:a1", "MinLengthConstraintComponent", "A"),
            ("urn:a1", "PatternConstraintComponent", "A"),
            ("urn:a1", "MaxCountConstraintComponent", "None"),
            ("urn:a1", "QualifiedMinCountConstraintComponent", "None"),
            ("urn:b", "MinCountConstraintComponent", "None"),
            ("urn:b", "QualifiedMaxCountConstraintComponent", "None")} <= components  # fmt: skip
