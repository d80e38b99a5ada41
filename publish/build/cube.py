"""The W3C Data Cube integrity constraints, run on the stated figures at every build.

SHACL checks each observation alone; the cube's own constraints look across them: a
dimension left out (IC-11), or two observations no dimension tells apart (IC-12: "còn 910"
and "giảm 98" once had every dimension in common). The queries are the spec's
(shapes/datacube/, after its normalisation algorithm), run on the stated data only: every
graph but the inference graphs, so that a dimension an inference supplies does not hide one
the sources leave out. Each broken constraint becomes a violation that names the
observation, the constraint and the file, like a SHACL one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from publish.build.validate import Violation
from publish.iris import Iris
from publish.rdf import PREFIXES, sparql_prologue
from publish.settings import Settings

QB = "http://purl.org/linked-data/cube#"
RDF, OWL = PREFIXES["rdf"], PREFIXES["owl"]
#: the predicates that declare the properties a data set's observations use
DECLARING = ("componentProperty", "dimension", "measure", "attribute", "parentChildProperty")
TEMPLATE_PROPERTIES = """SELECT DISTINCT ?p WHERE {
  ?list a qb:HierarchicalCodeList .
  { ?list qb:parentChildProperty ?p FILTER(isIRI(?p)) }
  UNION { ?list qb:parentChildProperty [ owl:inverseOf ?p ] }
}"""


def folder(settings: Settings) -> Path:
    return settings.shapes_dir / "datacube"


def check(
    store: ox.Store,
    settings: Settings,
    files_by_subject: Mapping[str, set[str]],
    changed: Sequence[ox.Quad] | None = None,
) -> list[Violation]:
    """The integrity constraints that the named graphs of ``store`` break (none, for a
    release). With ``changed``, the quads by which ``store`` differs from that of a build
    that passed (of the same constraints), none are asked when no changed quad is one the
    constraints read: the stated data they run on are then that build's (copying them out
    of the store took 0.3 s at 300,000 triples)."""
    iris = Iris(settings.base_iri)
    prologue = sparql_prologue(iris.vocab)
    texts = {path: path.read_text(encoding="utf-8")
             for path in sorted(folder(settings).glob("*.r[qu]"))}  # fmt: skip
    wanted = _wanted(store, iris, _predicates(prologue, texts.values()))
    if changed is not None and not _reads_any(changed, wanted, iris):
        return []
    stated = _stated_store(store, iris, wanted)
    for path, text in texts.items():
        if path.suffix == ".ru":  # normalize-1, then normalize-2
            stated.update(prologue + text)
    violations: list[Violation] = []
    for path, text in texts.items():
        if path.suffix != ".rq":
            continue
        for query in _instances(text, stated, prologue):
            result = stated.query(prologue + query)
            if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - all SELECT
                raise TypeError(f"{path}: an integrity constraint must be a SELECT")
            violations += [_violation(path, row, result, files_by_subject) for row in result]
    return violations


def _predicates(prologue: str, texts: Iterable[str]) -> set[str]:
    """Every IRI the constraints and the normalisation name (as ``<…>`` or a prefixed
    name), and ``rdf:type``: a superset of the predicates they read, besides the component
    and parent-child properties that the data declare (their only variable predicates)."""
    prefixes = dict(re.findall(r"PREFIX (\S*): <([^>]*)>", prologue))
    found = {f"{RDF}type"}
    for text in texts:  # comments too: a name too many is only a few triples more
        found.update(re.findall(r"<([^>$]+)>", text))
        found.update(prefixes[p] + local for p, local in re.findall(r"\b([a-z][\w-]*):(\w+)", text)
                     if p in prefixes)  # fmt: skip
    return found


def _stated_graphs(store: ox.Store, iris: Iris) -> list[ox.NamedNode]:
    """Every named graph of ``store`` but the inference graphs."""
    inferred = iris.graph("inference/")
    return [g for g in store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(inferred)]  # fmt: skip


def _wanted(store: ox.Store, iris: Iris, predicates: set[str]) -> set[ox.NamedNode]:
    """The predicates the constraints read: ``predicates``, and the data's component and
    parent-child properties (with their inverses)."""
    graphs = _stated_graphs(store, iris)
    declaring = [ox.NamedNode(f"{QB}{p}") for p in DECLARING]
    properties = {q.object for p in declaring for g in graphs
                  for q in store.quads_for_pattern(None, p, None, g)
                  if isinstance(q.object, ox.NamedNode | ox.BlankNode)}  # fmt: skip
    inverse = ox.NamedNode(f"{OWL}inverseOf")
    properties |= {q.object for p in properties for q in store.quads_for_pattern(p, inverse, None)
                   if isinstance(q.object, ox.NamedNode)}  # fmt: skip
    return {*(ox.NamedNode(p) for p in predicates),
            *(p for p in properties if isinstance(p, ox.NamedNode))}  # fmt: skip


def _reads_any(quads: Sequence[ox.Quad], wanted: set[ox.NamedNode], iris: Iris) -> bool:
    """Whether a quad of ``quads`` outside the inference graphs is one the constraints may
    read, or may declare a property they read (``_wanted``)."""
    inferred = iris.graph("inference/")
    reading = (
        wanted | {ox.NamedNode(f"{QB}{p}") for p in DECLARING} | {ox.NamedNode(f"{OWL}inverseOf")}
    )
    return any(
        q.predicate in reading
        for q in quads
        if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(inferred))
    )


def _stated_store(store: ox.Store, iris: Iris, wanted: set[ox.NamedNode]) -> ox.Store:
    """What the sources and the ontology state, merged, of the predicates the constraints
    read (``_wanted``): every named graph of ``store`` but the inference graphs. Only those
    predicates are copied (the reference units alone are 250,000 triples the constraints
    never read)."""
    graphs = _stated_graphs(store, iris)
    stated = ox.Store()
    stated.extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for graph in graphs
        for predicate in wanted
        for q in store.quads_for_pattern(None, predicate, None, graph)
    )
    return stated


def _instances(query: str, store: ox.Store, prologue: str) -> list[str]:
    """IC-20 and IC-21 are templates over each hierarchy's parent-child property ($p)."""
    if "<$p>" not in query:
        return [query]
    result = store.query(prologue + TEMPLATE_PROPERTIES)
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - a SELECT
        raise TypeError("the template query must be a SELECT")
    return [query.replace("$p", row["p"].value) for row in result]


def _violation(
    path: Path,
    row: ox.QuerySolution,
    result: ox.QuerySolutions,
    files_by_subject: Mapping[str, set[str]],
) -> Violation:
    first = next(line for line in path.read_text(encoding="utf-8").splitlines() if line)
    constraint = re.sub(r"^#\s*", "", first)
    names = [v.value for v in result.variables]
    values = {n: row[n] for n in names if row[n] is not None}
    focus = next(iter(values.values()), None)
    focus_text = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
    others = ", ".join(f"{n}={t.value if isinstance(t, ox.NamedNode | ox.Literal) else t}"
                       for n, t in list(values.items())[1:])  # fmt: skip
    return Violation(
        shape=f"{QB}{path.stem.upper().replace('IC-0', 'IC-')}",
        focus_node=focus_text,
        message=constraint + (f" ({others})" if others else ""),
        severity="Violation",
        path=None,
        value=None,
        files=tuple(sorted(files_by_subject.get(focus_text, ()))) or ("(the release's data)",),
    )
