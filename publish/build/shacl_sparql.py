"""The SPARQL parts of the shapes, run on pyoxigraph once per shape instead of per node.

pyshacl evaluates a SPARQL-based constraint by re-parsing its query with rdflib's
pyparsing grammar for every focus node, and SPARQL-based targets with rdflib's engine.
Profiled at 10K triples, that was 85 % of validation (bench/README in docs/BENCHMARKS.md).
Here each SPARQL target is evaluated once by pyoxigraph and handed to pyshacl as
``sh:targetNode`` values, and each ``sh:sparql`` constraint runs once over all its focus
nodes: the shape's targets become a sub-select at the head of the query's WHERE block, so
``$this`` ranges over exactly the nodes pyshacl would have bound it to, one at a time. The
rows are written into pyshacl's report as ordinary validation results, so what the shapes
check is unchanged (tests/test_shapes.py: every shape still fires on its fixture).

Supported: SPARQL constraints on node shapes (all of ours), with targets given by
``sh:targetClass`` (instances through ``rdfs:subClassOf*``), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` or a SPARQL target. Anything else is
refused loudly rather than skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from publish.rdf import to_rdflib

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


class UnsupportedShapeError(ValueError):
    """A SHACL-SPARQL feature this module does not run (so it is never silently dropped)."""


@dataclass(frozen=True)
class SparqlCheck:
    shape: rdflib.term.Node
    constraint: rdflib.term.Node
    query: str
    messages: tuple[rdflib.term.Node, ...]
    severity: rdflib.term.Node


def prepare(shapes: rdflib.Graph, store: ox.Store) -> tuple[rdflib.Graph, list[SparqlCheck]]:
    """A copy of ``shapes`` for pyshacl without SPARQL; the constraints to run here."""
    reduced = rdflib.Graph()
    for triple in shapes:
        reduced.add(triple)
    for prefix, namespace in shapes.namespaces():
        reduced.bind(prefix, namespace)
    for shape, target in list(shapes.subject_objects(SH.target)):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            raise UnsupportedShapeError(f"{shape}: only SPARQL-based custom targets are run")
        reduced.remove((shape, SH.target, target))
        for node in _select(store, _query(shapes, target)):
            reduced.add((shape, SH.targetNode, node))
    checks = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        if (shape, SH.path, None) in shapes:
            raise UnsupportedShapeError(f"{shape}: SPARQL constraints on property shapes")
        reduced.remove((shape, SH.sparql, constraint))
        pattern, prologue = _targets(shapes, shape)
        body = prologue + _query(shapes, constraint)
        match = _WHERE.search(body)
        if match is None:
            raise UnsupportedShapeError(f"{constraint}: no WHERE block in the constraint")
        focus = f" {{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }} "
        messages = tuple(shapes.objects(constraint, SH.message)) or tuple(
            shapes.objects(shape, SH.message)
        )
        checks.append(
            SparqlCheck(
                shape=shape,
                constraint=constraint,
                query=body[: match.end()] + focus + body[match.end() :],
                messages=messages,
                severity=shapes.value(shape, SH.severity) or SH.Violation,
            )
        )
    return reduced, checks


def run(checks: Iterable[SparqlCheck], store: ox.Store, report: rdflib.Graph) -> bool:
    """Add a validation result to ``report`` for each row; True when there was none."""
    report_node = report.value(None, RDF.type, SH.ValidationReport)
    conforms = True
    for check in checks:
        result = store.query(check.query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - shapes use SELECT
            raise UnsupportedShapeError(f"{check.constraint}: not a SELECT query")
        for row in result:
            this = row["this"]
            if this is None:
                continue
            conforms = False
            node = rdflib.BNode()
            report.add((report_node, SH.result, node))  # type: ignore[arg-type]
            report.add((node, RDF.type, SH.ValidationResult))
            report.add((node, SH.focusNode, to_rdflib(this)))
            report.add((node, SH.sourceShape, check.shape))
            report.add((node, SH.sourceConstraint, check.constraint))
            report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((node, SH.resultSeverity, check.severity))
            for name, prop in (("value", SH.value), ("path", SH.resultPath)):
                term = row[name] if name in [v.value for v in result.variables] else None
                if term is not None:
                    report.add((node, prop, to_rdflib(term)))
            for message in check.messages:
                report.add((node, SH.resultMessage, message))
    if not conforms:
        report.set((report_node, SH.conforms, rdflib.Literal(False)))  # type: ignore[arg-type]
    return conforms


def _query(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The node's sh:select with the PREFIX lines its sh:prefixes declare."""
    return _prologue(shapes, node) + _select_text(shapes, node)


def _select_text(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    select = shapes.value(node, SH.select)
    if select is None:
        raise UnsupportedShapeError(f"{node}: only sh:select is run")
    return str(select)


def _prologue(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    lines = []
    for declarer in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(lines)


def _select(store: ox.Store, query: str) -> list[rdflib.term.Node]:
    result = store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - targets are SELECTs
        raise UnsupportedShapeError("a SPARQL target must be a SELECT")
    return [to_rdflib(row["this"]) for row in result if row["this"] is not None]


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> tuple[str, str]:
    """A graph pattern binding ?this to each focus node of ``shape``, and its prologue."""
    parts = [
        f"{{ ?this a/{RDFS_SUBCLASS}* {c.n3()} }}" for c in shapes.objects(shape, SH.targetClass)
    ]
    parts += [f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    parts += [f"{{ ?this {p.n3()} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {p.n3()} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    prologue = ""
    for target in shapes.objects(shape, SH.target):
        prologue += _prologue(shapes, target)
        parts.append(f"{{ {_select_text(shapes, target)} }}")
    if not parts:
        raise UnsupportedShapeError(f"{shape}: a SPARQL constraint without a supported target")
    return " UNION ".join(parts), prologue
