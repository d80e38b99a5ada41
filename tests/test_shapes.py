"""Every shape fires on its negative fixture, so no shape is dead, and the real data conforms."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from publish.build.validate import load_shapes, validate
from publish.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
BS = "https://w3id.org/bomay/shapes#"


@cache
def shapes() -> rdflib.Graph:
    return load_shapes(Settings())


@cache
def vocabulary() -> rdflib.Graph:
    """The ontology and vocabularies, so that targets follow rdfs:subClassOf."""
    graph = rdflib.Graph()
    for name in ("ontology.ttl", "vocabularies.ttl"):
        graph.parse(Path(Settings().ontology_dir) / name)
    return graph


def named_shapes() -> list[str]:
    graph = shapes()
    found = {
        str(s) for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)
    }
    return sorted(s.removeprefix(BS) for s in found if s.startswith(BS))


def test_every_shape_has_a_fixture() -> None:
    fixtures = {p.stem for p in FIXTURES.glob("*.ttl")}
    assert set(named_shapes()) == fixtures


@pytest.mark.parametrize("name", named_shapes())
def test_fixture_violates_its_shape(name: str) -> None:
    data = vocabulary() + rdflib.Graph().parse(FIXTURES / f"{name}.ttl")
    report = validate(data, shapes(), {})
    assert not report.conforms
    iri = BS + name
    members = {str(p) for p in shapes().objects(rdflib.URIRef(iri), SH.property)}
    fired = {v.shape for v in report.violations}
    assert any(s == iri or s.startswith(f"{iri} / ") or s in members for s in fired), sorted(fired)
