"""SHACL validation, reported so that a person can fix the data.

Each violation names the focus node, the shape, the message and the data file(s) that
describe the node; the report groups them by shape and can be printed or emitted as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from publish.build import shacl_sparql
from publish.build.cache import AFFECTED, MARKED, Delta
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
    #: how many focus nodes an incremental validation looked at (None: all of them)
    scope: int | None = None

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
    store: ox.Store,
    shapes: rdflib.Graph,
    files_by_subject: Mapping[str, set[str]],
    delta: Delta | None = None,
    reaches: dict[str, int | None] | None = None,
) -> Report:
    """Validate the data in ``store``'s default graph (the merge of the release, ontology
    included, so sh:targetClass follows rdfs:subClassOf).

    The shapes run as SPARQL on pyoxigraph (``shacl_sparql``); a shape it cannot compile
    goes to pyshacl, over an rdflib copy of the data made only then. With ``delta``, the
    change since a build that passed, the compiled core constraints look only at the focus
    nodes it can affect (``Delta.affected``); ``reaches`` is ``shacl_sparql.run``'s.
    """
    compiled = shacl_sparql.compile_shapes(shapes, store)

    if compiled.rest_targeted:
        from pyshacl import validate as pyshacl_validate  # noqa: PLC0415 - seldom needed, slow to import

        data = rdflib.Graph()
        data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                   format="nt")  # fmt: skip
        conforms, results, _text = pyshacl_validate(
            data, shacl_graph=compiled.rest, inference="none", advanced=True, allow_warnings=True
        )
    else:
        results = rdflib.Graph()
        report_node = rdflib.BNode()
        results.add((report_node, rdflib.RDF.type, SH.ValidationReport))
        results.add((report_node, SH.conforms, rdflib.Literal(True)))
        conforms = True
    results.bind("sh", SH)
    scope = None
    if delta is not None:
        scope = delta.mark(store, shacl_sparql.deep(shapes))
    try:
        restrict = None if delta is None else MARKED
        conforms = (
            shacl_sparql.run(compiled.checks, store, results, shapes, restrict, reaches)
            and conforms
        )
    finally:
        store.remove_graph(AFFECTED)
    violations = [
        _violation(result, results, shapes, files_by_subject)
        for result in results.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]
    return Report(bool(conforms), violations, results, scope)


def _violation(
    result: rdflib.term.Node,
    results: rdflib.Graph,
    shapes: rdflib.Graph,
    files_by_subject: Mapping[str, set[str]],
) -> Violation:
    def value(prop: rdflib.URIRef) -> str | None:
        obj = results.value(result, prop)
        if isinstance(obj, rdflib.BNode) and prop == SH.resultPath:  # an alternative, a sequence
            return shacl_sparql.path_text(results, obj)
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
