"""The catalogue record checked against the official DCAT-AP 3.0.0 shapes (SEMIC).

The shapes ship with the package (``dcat-ap-3.0.0/``, vendored unchanged with their
licence): they check what bomay's own code writes, whatever project it builds. They are run
with RDFS inference, as harvesters run them. A violation stops the build; warnings (a
recommended property that does not apply) are kept in the report, which the release holds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, SH, VOID

from publish.build.validate import Report, Violation

SHAPES = Path(__file__).resolve().parent / "dcat-ap-3.0.0"
FILES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl")
WHERE = "description.ttl (written by publish/build/describe.py)"
VOID_CLASSES = {VOID.Dataset, VOID.Linkset}  # what the check may leave out (``checked``)


@cache
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in FILES:
        graph.parse(SHAPES / name, format="turtle")
    return graph


def check(description: rdflib.Graph) -> Report:
    """The DCAT-AP report of a catalogue record; ``conforms`` unless a shape is violated."""
    conforms, results, _text = pyshacl_validate(
        checked(description), shacl_graph=shapes(), inference="rdfs", allow_warnings=True
    )
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):

        def value(prop: rdflib.URIRef, result: rdflib.term.Node = result) -> str | None:
            found = results.value(result, prop)
            return None if found is None else str(found)

        violations.append(
            Violation(
                shape=_shape_name(results.value(result, SH.sourceShape)),
                focus_node=value(SH.focusNode) or "",
                message=value(SH.resultMessage) or "(no message)",
                severity=(value(SH.resultSeverity) or "").rsplit("#", 1)[-1],
                path=value(SH.resultPath),
                value=value(SH.value),
                files=(WHERE,),
            )
        )
    return Report(conforms=bool(conforms), violations=violations, graph=results)


def checked(description: rdflib.Graph) -> rdflib.Graph:
    """The description without its VoID subsets that are nothing else (each named graph,
    8,576 of them at 1.37M triples: 58,000 of the 67,600 statements), which cannot change
    the report: every DCAT-AP shape targets a class that is not VoID's, and none names a
    VoID term, so none reaches them through ``void:subset`` (``tests/test_linking.py``).
    A named graph is also its own ``sd:name``, which points nowhere else. The RDFS closure
    of those statements was 90 % of the check's time (8.6 s)."""
    subsets = {
        node for node in description.objects(None, VOID.subset)
        if set(description.objects(node, RDF.type)) <= VOID_CLASSES
        and all(p == VOID.subset or s == node for s, p in description.subject_predicates(node))
    }  # fmt: skip
    if not subsets:
        return description
    kept = rdflib.Graph()
    for triple in description:
        if triple[0] not in subsets and triple[2] not in subsets:
            kept.add(triple)
    return kept


def _shape_name(shape: rdflib.term.Node | None) -> str:
    """A property shape is a blank node: name it after its node shape and path."""
    parent = shapes().value(None, SH.property, shape)
    if parent is None:
        return str(shape)
    return f"{parent} / {shapes().value(shape, SH.path)}"
