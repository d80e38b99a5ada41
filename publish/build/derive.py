"""Derived facts: SPARQL CONSTRUCT rules in ontology/rules/, kept in their own graph.

Derivations (life spans from change events) are deterministic consequences of stated facts,
not inferences of judgement, so they live in ``graph/derived`` where a query can tell them apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from publish.iris import Iris
from publish.settings import CANONICAL_BASE, Settings


def rule_files(settings: Settings) -> list[Path]:
    return sorted((settings.ontology_dir / "rules").glob("*.rq"))


def derive(store: ox.Store, settings: Settings) -> list[ox.Quad]:
    """Run every rule over the merge of the loaded graphs; return the derived quads, each
    once (in no order: the build cache's unit orders them, ``cache.generated``)."""
    iris = Iris(settings.base_iri)
    graph = ox.NamedNode(iris.graph("derived"))
    derived: set[ox.Quad] = set()
    for rule in rule_files(settings):
        query = rule.read_text(encoding="utf-8").replace(CANONICAL_BASE, settings.base_iri)
        result = store.query(query)  # the default graph: the merge (release.with_merge)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError(f"{rule}: a rule must be a CONSTRUCT query")
        derived.update(ox.Quad(t.subject, t.predicate, t.object, graph) for t in result)
    return list(derived)


#: a variable or a negated set as a predicate: a rule that may read any predicate
ANY_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+\s+[^\s.;,}]|;\s*[?$]\w+\s|!\s*[(<\w]")


def reads_own_output(store: ox.Store, settings: Settings) -> bool:
    """Whether a rule may read a predicate of the derived facts ``store`` holds from the
    last build (or any predicate): then they must leave the store before the rules run on a
    copy of the last release's. A superset of what the rules read (every IRI named in their
    WHERE clauses) is safe: it only takes the slower way."""
    graph = Iris(settings.base_iri).graph("derived")
    query = f"SELECT DISTINCT ?p WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    result = store.query(query)
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - a SELECT
        raise TypeError("a SELECT")
    made = {row["p"].value for row in result if row["p"] is not None}
    named: set[str] = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    for rule in rule_files(settings):
        text = re.sub(r"(?m)^\s*#.*$", "", rule.read_text(encoding="utf-8"))
        text = text.replace(CANONICAL_BASE, settings.base_iri)
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.IGNORECASE))
        text = re.split(r"\bWHERE\b", text, maxsplit=1, flags=re.IGNORECASE)[-1]  # not the template
        if ANY_PREDICATE.search(text):
            return True
        named.update(re.findall(r"<([^>]*)>", text))
        named.update(prefixes[p] + local for p, local in re.findall(r"([\w-]+):([\w-]+)", text)
                     if p in prefixes)  # fmt: skip
    return bool(made & named)
