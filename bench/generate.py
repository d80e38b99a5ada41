"""Deterministic synthetic reform data at a chosen size, for the benchmarks.

    .venv/bin/python -m bench.generate --triples 100000 --out bench/.work/data-100k [--seed 7]

The real data in ``data/`` is the template: each replica is a copy of every article file
and of the inference graphs, with every resource IRI moved under a replica segment
(``id/agency/x0003/hai-phong/…``; replica 0 is the real data itself), labels numbered,
blank nodes renamed and figures scaled by a seeded factor. Vocabulary concepts, schemes,
the figures' dataset and the places (the build matches them with the reference packages,
``data/reference/``, which is copied along) stay shared, as in a real, larger release. So
the synthetic data has the real proportions of agencies at every level, change events,
directives, posts, observations and quoted sources, follows the ontology, and passes the
shapes (the build validates it). Each replica of an article is a source of its own, numbered
``replica * 1000 + article``, with a copy of the source's record and text in ``out/sources``
(build with ``sources_dir`` there), so the build checks its quotes like any other. Nothing in
it is a fact: it exists only to measure.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
from pathlib import Path

import pyoxigraph as ox

from publish.rdf import PREFIXES, serialize
from publish.settings import CANONICAL_BASE

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCES = ROOT / "sources"
ID = f"{CANONICAL_BASE}id/"
GRAPH = f"{CANONICAL_BASE}graph/"
SHARED_KINDS = ("concept", "scheme", "dataset", "place")  # places: reference data, one set
QB = "http://purl.org/linked-data/cube#"
LABELS = {
    f"{PREFIXES['skos']}prefLabel",
    f"{PREFIXES['skos']}altLabel",
    "https://schema.org/name",
    f"{PREFIXES['rdfs']}label",
}
VALUE = "http://purl.org/linked-data/sdmx/2009/measure#obsValue"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def template() -> dict[Path, list[ox.Quad]]:
    """The real data files, parsed (a Turtle file's triples go into its own graph)."""
    files = {}
    for path in sorted(DATA.iterdir()):
        if path.suffix == ".ttl":
            graph = ox.NamedNode(f"{GRAPH}{path.stem}")
            triples = ox.parse(path=path, format=ox.RdfFormat.TURTLE)
            quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples]
            files[path] = _stable(quads, path.stem)
        elif path.suffix == ".trig":
            files[path] = _stable(list(ox.parse(path=path, format=ox.RdfFormat.TRIG)), path.stem)
    return files


def _stable(quads: list[ox.Quad], stem: str) -> list[ox.Quad]:
    """Blank nodes numbered in the order they appear (the parser's labels are random), with
    the file in the label, so that a reader of the files sees which came from where."""
    labels: dict[str, ox.BlankNode] = {}

    def label(term: Term) -> Term:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term.value, ox.BlankNode(f"{stem}b{len(labels)}"))
        return term

    return [
        ox.Quad(label(q.subject), q.predicate, label(q.object), q.graph_name)  # type: ignore[arg-type]
        for q in quads
    ]


class Replica:
    """One copy of the template, numbered ``index``, with its own seeded variations."""

    def __init__(self, index: int, seed: int) -> None:
        # replica 0 is the real data unchanged, so the competency queries find their answers
        self.identity = index == 0
        self.tag = f"x{index:04d}"
        self.number = index
        self.random = random.Random(seed * 1_000_003 + index)  # noqa: S311 - not for secrets
        self.scale = self.random.uniform(0.5, 1.5)

    def article(self, number: str) -> str:
        """An article's number in this replica: a source of its own."""
        return f"{self.number * 1000 + int(number):03d}"

    def iri(self, node: ox.NamedNode) -> ox.NamedNode:
        value = node.value
        if value.startswith(f"{ID}article/"):
            number, _, key = value[len(f"{ID}article/") :].partition("-")
            return ox.NamedNode(f"{ID}article/{self.article(number)}-{key}")
        if value.startswith(f"{GRAPH}article-"):
            return ox.NamedNode(f"{GRAPH}article-{self.article(value[len(GRAPH) + 8 :])}")
        if value.startswith(ID):
            kind, _, rest = value[len(ID) :].partition("/")
            if kind == "dataset" and not rest.startswith("reference/"):
                return ox.NamedNode(f"{ID}dataset/{self.tag}/{rest}")  # own cube (IC-12)
            if kind not in SHARED_KINDS and rest:
                return ox.NamedNode(f"{ID}{kind}/{self.tag}/{rest}")
        elif value.startswith(GRAPH):
            return ox.NamedNode(f"{value}-{self.tag}")
        return node

    def term(self, term: Term, predicate: ox.NamedNode) -> Term:
        if isinstance(term, ox.NamedNode):
            return self.iri(term)
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}{self.tag}")
        if predicate.value in LABELS and term.language:
            return ox.Literal(f"{term.value} {self.number}", language=term.language)
        if predicate.value == VALUE and term.datatype.value == INTEGER:
            return ox.Literal(
                str(max(0, round(int(term.value) * self.scale))), datatype=term.datatype
            )
        return term

    def quads(self, quads: list[ox.Quad]) -> list[ox.Quad]:
        if self.identity:
            return quads
        out = []
        for q in quads:
            predicate = q.predicate
            subject = self.term(q.subject, predicate)  # type: ignore[arg-type]
            graph = self.iri(q.graph_name)  # type: ignore[arg-type]
            # a shared resource (a place, a concept) keeps its own statements as they are,
            # but a blank node (a quote) is the replica's own: labels are scoped to one file
            shared = subject == q.subject and isinstance(subject, ox.NamedNode)
            keep = shared and not isinstance(q.object, ox.BlankNode)
            obj = q.object if keep else self.term(q.object, predicate)  # type: ignore[arg-type]
            out.append(ox.Quad(subject, predicate, obj, graph))  # type: ignore[arg-type]
        return out


def ontology_triples() -> int:
    folder = ROOT / "ontology"
    return sum(
        len(list(ox.parse(path=p, format=ox.RdfFormat.TURTLE))) for p in folder.glob("*.ttl")
    )


def generate(triples: int, out: Path, seed: int = 7) -> int:
    """Write replicas into ``out`` until about ``triples`` triples; return the replicas."""
    files = template()
    per_replica = sum(len(quads) for quads in files.values())
    replicas = max(1, math.ceil((triples - ontology_triples()) / per_replica))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(DATA / "reference", out / "reference")
    (out / "sources").mkdir()
    prefixes = {**PREFIXES, "id": ID}
    for index in range(replicas):
        replica = Replica(index, seed)
        for source in sorted(SOURCES.glob("*.t*")):  # each record (.toml) and text (.txt)
            number, _, key = source.name.partition("_")
            shutil.copyfile(source, out / "sources" / f"{replica.article(number)}_{key}")
        for path, quads in files.items():
            copied = replica.quads(quads)
            if path.stem.startswith("article-"):
                name = f"article-{replica.article(path.stem[8:])}{path.suffix}"
            else:
                name = path.name if replica.identity else f"{path.stem}-{replica.tag}{path.suffix}"
            if path.suffix == ".ttl":
                data = [ox.Triple(q.subject, q.predicate, q.object) for q in copied]
                (out / name).write_bytes(serialize(data, ox.RdfFormat.TURTLE, prefixes))
            else:
                (out / name).write_bytes(serialize(copied, ox.RdfFormat.TRIG, prefixes))
    _replica_datasets(replicas, seed, out, prefixes)
    return replicas


def _replica_datasets(replicas: int, seed: int, out: Path, prefixes: dict[str, str]) -> None:
    """Each replica's figures form data sets of their own (the same structures): replicated
    observations share every dimension, which the Data Cube forbids within one data set."""
    vocabularies = ROOT / "ontology" / "vocabularies.ttl"
    cubes = [
        t for t in ox.parse(path=vocabularies, format=ox.RdfFormat.TURTLE)
        if t.predicate.value == f"{QB}structure"
    ]  # fmt: skip
    label = ox.NamedNode(f"{PREFIXES['skos']}prefLabel")
    a, data_set = ox.NamedNode(f"{PREFIXES['rdf']}type"), ox.NamedNode(f"{QB}DataSet")
    for index in range(1, replicas):
        replica = Replica(index, seed)
        triples = []
        for cube in cubes:
            node = replica.iri(cube.subject)  # type: ignore[arg-type]
            triples += [
                ox.Triple(node, a, data_set),
                ox.Triple(node, cube.predicate, cube.object),
                ox.Triple(node, label, ox.Literal(f"{node.value} (synthetic)", language="en")),
            ]  # fmt: skip
        (out / f"datasets-{replica.tag}.ttl").write_bytes(
            serialize(triples, ox.RdfFormat.TURTLE, prefixes)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    replicas = generate(args.triples, args.out, args.seed)
    print(f"{replicas} replicas of data/ written to {args.out}")


if __name__ == "__main__":
    main()
