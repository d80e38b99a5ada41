"""SHACL validation with pyshacl, reported so that a person can fix the data.

Each violation names the focus node, the shape, the message and the data file(s) that
describe the node; the report groups them by shape and can be printed or emitted as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from publish.build import shacl_sparql
from publish.settings import CANONICAL_BASE, Settings


@dataclass(frozen=True)
class Violation:
    shape: str
    focus_node: str
    message: str
    severity: str
    path: str | None
    value: str | None
    files: tuple[str, ...]


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)

    def by_shape(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for v in sorted(self.violations, key=lambda v: (v.shape, v.focus_node, v.message)):
            grouped.setdefault(v.shape, []).append(v)
        return grouped

    def as_json(self) -> dict[str, object]:
        return {"conforms": self.conforms, "violations": [asdict(v) for v in self.violations]}


def load_shapes(settings: Settings) -> rdflib.Graph:
    shapes = rdflib.Graph()
    for path in sorted(Path(settings.shapes_dir).glob("*.ttl")):
        text = path.read_text(encoding="utf-8").replace(CANONICAL_BASE, settings.base_iri)
        shapes.parse(data=text, format="turtle", publicID=path.as_uri())
    return shapes


def validate(
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    files_by_subject: Mapping[str, set[str]],
    store: ox.Store | None = None,
) -> Report:
    """Validate ``data`` (ontology included, so sh:targetClass follows rdfs:subClassOf).

    ``store`` holds the same data for the SPARQL parts of the shapes (built from ``data``
    when not given); pyshacl checks the rest, without inference: the shapes need none.
    """
    if store is None:
        store = ox.Store()
        store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    core_shapes, checks = shacl_sparql.prepare(shapes, store)
    conforms, results, _text = pyshacl_validate(
        data, shacl_graph=core_shapes, inference="none", advanced=True, allow_warnings=True
    )
    conforms = shacl_sparql.run(checks, store, results) and conforms
    violations = [
        _violation(result, results, shapes, files_by_subject)
        for result in results.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]
    return Report(conforms=bool(conforms), violations=violations, graph=results)


def _violation(
    result: rdflib.term.Node,
    results: rdflib.Graph,
    shapes: rdflib.Graph,
    files_by_subject: Mapping[str, set[str]],
) -> Violation:
    def value(prop: rdflib.URIRef) -> str | None:
        obj = results.value(result, prop)
        return None if obj is None else str(obj)

    focus = str(results.value(result, SH.focusNode))
    severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
    return Violation(
        shape=_shape_name(results.value(result, SH.sourceShape), shapes),
        focus_node=focus,
        message=value(SH.resultMessage) or "(no message)",
        severity=severity,
        path=value(SH.resultPath),
        value=value(SH.value),
        files=tuple(sorted(files_by_subject.get(focus, ()))) or (_no_file(focus),),
    )


def _no_file(focus: str) -> str:
    """Blank nodes and derived triples have no file of their own to point at."""
    return "(a blank node: see its parent)" if not focus.startswith("http") else "(derived)"


def _shape_name(shape: rdflib.term.Node | None, shapes: rdflib.Graph) -> str:
    """A property shape written as a blank node is named after its node shape and path."""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    return f"{parent} / {path}" if parent is not None else str(shape)
