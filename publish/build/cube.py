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
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from publish.build.validate import Violation
from publish.iris import Iris
from publish.rdf import sparql_prologue
from publish.settings import Settings

QB = "http://purl.org/linked-data/cube#"
TEMPLATE_PROPERTIES = """SELECT DISTINCT ?p WHERE {
  ?list a qb:HierarchicalCodeList .
  { ?list qb:parentChildProperty ?p FILTER(isIRI(?p)) }
  UNION { ?list qb:parentChildProperty [ owl:inverseOf ?p ] }
}"""


def folder(settings: Settings) -> Path:
    return settings.shapes_dir / "datacube"


def check(
    store: ox.Store, settings: Settings, files_by_subject: Mapping[str, set[str]]
) -> list[Violation]:
    """The integrity constraints that the named graphs of ``store`` break (none, for a
    release)."""
    iris = Iris(settings.base_iri)
    stated = _stated_store(store, iris)
    prologue = sparql_prologue(iris.vocab)
    for name in ("normalize-1.ru", "normalize-2.ru"):
        stated.update(prologue + (folder(settings) / name).read_text(encoding="utf-8"))
    violations: list[Violation] = []
    for path in sorted(folder(settings).glob("ic-*.rq")):
        for query in _instances(path.read_text(encoding="utf-8"), stated, prologue):
            result = stated.query(prologue + query)
            if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - all SELECT
                raise TypeError(f"{path}: an integrity constraint must be a SELECT")
            violations += [_violation(path, row, result, files_by_subject) for row in result]
    return violations


def _stated_store(store: ox.Store, iris: Iris) -> ox.Store:
    """What the sources and the ontology state, merged: every named graph of ``store`` but
    the inference graphs, copied as N-Triples inside the engine (a Python object per quad
    took 1.5 s at national size)."""
    inferred = iris.graph("inference/")
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    stated = ox.Store()
    for graph in graphs:
        if not graph.startswith(inferred):
            triples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            stated.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES)
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
