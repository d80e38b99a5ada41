"""Every shape fires on its negative fixture, in a full and in an incremental validation,
with the results of pyshacl (the reference), so no shape is dead or drifts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from publish.build.cache import Delta
from publish.build.validate import load_shapes, validate
from publish.settings import Settings
from shacl_reference import reference, results, store_of

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
def test_fixture_violates_its_shape_in_full_and_incremental_validation(name: str) -> None:
    fixture = FIXTURES / f"{name}.ttl"
    data = vocabulary() + rdflib.Graph().parse(fixture)
    store = store_of(data)
    full = validate(store, shapes(), {})
    assert not full.conforms
    iri = BS + name
    members = {str(p) for p in shapes().objects(rdflib.URIRef(iri), SH.property)}
    fired = {v.shape for v in full.violations}
    assert any(s == iri or s.startswith(f"{iri} / ") or s in members for s in fired), sorted(fired)
    expected = reference(data, shapes())
    assert results(full.graph, shapes()) == expected

    # the same data reached by a change that added the fixture to a valid release
    added = [
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in ox.parse(path=fixture, format=ox.RdfFormat.TURTLE)
    ]
    incremental = validate(store, shapes(), {}, Delta(added=_as_stored(store, added)))
    assert incremental.scope is not None
    assert incremental.scope < len(list(store.quads_for_pattern(None, None, None)))
    assert results(incremental.graph, shapes()) == expected


def _as_stored(store: ox.Store, quads: list[ox.Quad]) -> list[ox.Quad]:
    """The fixture's quads with the store's labels for its blank nodes (a fixture parsed
    twice gets new labels): its triples whose terms are all named, plus every triple of
    the store that has a blank node, which is more than the change but never less."""
    named = [
        q for q in quads if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))
    ]
    blank = [
        q
        for q in store
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
    ]
    return named + blank
