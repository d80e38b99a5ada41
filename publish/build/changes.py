"""What changed since the previous release: the statements added and removed, per graph.

The previous release is the one ``current`` points to when the build starts. The two
downloads are N-Quads (each statement in the graph it was added to or removed from), and a
summary in words, per graph and per resource with its labels, feeds the ``/changes`` page.

Blank nodes (quotes, identifiers) get new canonical labels whenever their graph changes, so
they are compared by content: each is named after a digest of its own statements.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publish.build.cache import Delta, Unit
from publish.build.dumps import Dump, sorted_lines, write
from publish.inuse import MANIFEST
from publish.layout import CHANGES, CHANGES_ADDED, CHANGES_REMOVED, DATASET_QUADS
from publish.rdf import PREFIXES, serialize

#: what names a resource in the summary, best first
LABELS = tuple(
    ox.NamedNode(iri)
    for iri in (f"{PREFIXES['skos']}prefLabel", f"{PREFIXES['rdfs']}label",
                f"{PREFIXES['dcterms']}title")
)  # fmt: skip
RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
#: resources the summary names one by one, per kind of change (the counts are complete)
MAX_LISTED = 500
#: IRIs looked for in the text of a unit at most, before its quads are read instead
MAX_SEARCHED = 64


@dataclass(frozen=True)
class Previous:
    """The release this one follows."""

    id: str
    issued: str
    folder: Path


def previous_release(current: Path) -> Previous | None:
    """The release ``current`` points to, if there is one with a dump to compare with."""
    folder = current.resolve()
    if not (folder / MANIFEST).is_file() or not (folder / DATASET_QUADS).is_file():
        return None
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return Previous(folder.name, str(manifest.get("issued", "")), folder)


def write_changes(
    previous: Previous, units: Sequence[Unit], folder: Path, delta: Delta | None
) -> list[Dump]:
    """Write the added and removed statements and the summary; return the two downloads.

    When ``delta`` holds the change since ``previous`` (the build cache's last good build
    wrote it), only the named graphs of the changed units are compared; else the whole
    release with the previous one's dump."""
    if delta is not None and delta.since == previous.id:
        added, removed, names = _from_delta(units, delta)
    else:
        before = _by_content(
            ox.parse(gzip.decompress((previous.folder / DATASET_QUADS).read_bytes()),
                     format=ox.RdfFormat.N_QUADS)
        )  # fmt: skip
        after = _by_content(q for u in units for q in u.quads)
        added, removed = sorted(after - before, key=str), sorted(before - after, key=str)
        names = labels(before) | labels(after)
    since = f"since release {previous.id} ({previous.issued})"
    dumps = [
        Dump(CHANGES_ADDED, "application/n-quads", f"Statements added {since} (N-Quads, gzip)",
             "gzip", "Each statement this release adds, in the named graph it was added to",
             "RDF_N_QUADS"),
        Dump(CHANGES_REMOVED, "application/n-quads", f"Statements removed {since} (N-Quads, gzip)",
             "gzip", "Each statement of the previous release that this one no longer has, in "
             "the named graph it was removed from", "RDF_N_QUADS"),
    ]  # fmt: skip
    for dump, part in zip(dumps, (added, removed), strict=True):
        lines = sorted_lines(serialize(part, ox.RdfFormat.N_QUADS))
        write(folder / dump.name, lines, compress=True)
    summary = summarise(previous, added, removed, names)
    text = json.dumps(summary, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (folder / CHANGES).write_text(text, encoding="utf-8")
    return dumps


def _from_delta(
    units: Sequence[Unit], delta: Delta
) -> tuple[list[ox.Quad], list[ox.Quad], dict[str, dict[str, str]]]:
    """What ``write_changes`` finds comparing whole releases, from the changed units alone:
    a statement can only be added to or removed from a graph a changed unit holds, so the
    other units of those graphs are compared with them (a unit's blank nodes are its own, so
    each is named by content as in the whole release), and the labels that name the
    resources changed are those of their statements in any unit."""
    changed = {q.graph_name for q in (*delta.removed, *delta.added)}
    others = [u for u in units if u.name not in delta.changed]
    same = [q for u in others if _may_state(u, changed) for q in u.quads
            if q.graph_name in changed]  # fmt: skip
    before, after = _by_content([*same, *delta.removed]), _by_content([*same, *delta.added])
    added, removed = sorted(after - before, key=str), sorted(before - after, key=str)
    subjects = {q.subject for q in (*added, *removed) if isinstance(q.subject, ox.NamedNode)}

    def naming(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        return [q for q in quads if q.predicate in LABELS and q.subject in subjects]

    kept = naming(q for u in others if _may_state(u, subjects) for q in u.quads)
    names = labels([*kept, *naming(delta.removed)]) | labels([*kept, *naming(delta.added)])
    return added, removed, names


def _may_state(unit: Unit, terms: Set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]) -> bool:
    """Whether ``unit``'s quads may hold one of ``terms``: True unless its text names none
    of a few IRIs (a search of the text is cheaper than its quads, up to a point)."""
    if len(terms) > MAX_SEARCHED or not all(isinstance(t, ox.NamedNode) for t in terms):
        return True
    return any(unit.states(str(t)) for t in terms)


def _by_content(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """The quads, each blank node renamed after a digest of its statements."""
    quads = list(quads)
    statements: dict[ox.BlankNode, list[str]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            value = "_" if isinstance(q.object, ox.BlankNode) else str(q.object)
            statements[q.subject].append(f"{q.predicate} {value}")
    names = {
        node: ox.BlankNode("b" + hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:24])
        for node, lines in statements.items()
    }

    def rename(term: Any) -> Any:
        return names.get(term, term) if isinstance(term, ox.BlankNode) else term

    return {ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name) for q in quads}


def labels(quads: Iterable[ox.Quad]) -> dict[str, dict[str, str]]:
    """Each IRI's label by language (a SKOS label first, then an RDFS one, then a title)."""
    ranked: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for q in quads:
        if q.predicate in LABELS and isinstance(q.subject, ox.NamedNode):
            literal, rank = q.object, LABELS.index(q.predicate)
            if isinstance(literal, ox.Literal) and literal.language:
                best = ranked[q.subject.value].get(literal.language)
                if best is None or (rank, literal.value) < best:
                    ranked[q.subject.value][literal.language] = (rank, literal.value)
    return {iri: {lang: v for lang, (_, v) in by.items()} for iri, by in ranked.items()}


def summarise(
    previous: Previous,
    added: list[ox.Quad],
    removed: list[ox.Quad],
    names: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """Counts per graph, and the resources added, removed or changed, with their labels."""
    graphs: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0})
    subjects: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0})
    for kind, part in (("added", added), ("removed", removed)):
        for q in part:
            graphs[str(getattr(q.graph_name, "value", ""))][kind] += 1
            if isinstance(q.subject, ox.NamedNode):
                subjects[q.subject.value][kind] += 1
    typed_before, typed_after = _typed(removed), _typed(added)
    resources: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for iri in sorted(subjects):
        if iri in typed_after and iri not in typed_before and not subjects[iri]["removed"]:
            status = "added"
        elif iri in typed_before and not subjects[iri]["added"]:
            status = "removed"
        else:
            status = "changed"
        resources[status].append({"iri": iri, "labels": names.get(iri, {}), **subjects[iri]})
    return {
        "previous": previous.id,
        "previous_issued": previous.issued,
        "added": len(added),
        "removed": len(removed),
        "graphs": [{"graph": g, **counts} for g, counts in sorted(graphs.items())],
        "resources": {
            status: {"count": len(rows), "listed": rows[:MAX_LISTED]}
            for status, rows in resources.items()
        },
    }


def _typed(quads: list[ox.Quad]) -> set[str]:
    """The IRIs given a type in ``quads`` (a resource is new, or gone, with its type)."""
    return {
        q.subject.value
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.predicate == RDF_TYPE
    }
