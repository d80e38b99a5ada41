"""Dump files written by pyoxigraph's serialisers, byte-identical for identical input.

Blank nodes are relabelled by RDFC-1.0 canonicalisation before anything is written, the
N-Triples lines are sorted, and the N-Quads lines sorted within each unit of the build (a
data file, a generated graph), so that a rebuild of the same data gives the same bytes.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from publish.rdf import serialize

InferenceTest = Callable[[ox.NamedNode | ox.BlankNode | ox.DefaultGraph], bool]


@dataclass(frozen=True)
class Dump:
    """One downloadable file of the release, with what its catalogue entry says of it."""

    name: str
    media_type: str
    title: str
    encoding: str | None = None  # "gzip" for compressed files
    description: str = ""
    file_type: str | None = None  # the EU file-type authority's code (DCAT-AP dct:format)


def write_graph(graph: rdflib.Graph, path: Path, prefixes: dict[str, str]) -> None:
    """An rdflib graph (description, reports) as Turtle, blank nodes canonical (RDFC-1.0)
    as in the dumps: rdflib's own writer labels and orders them differently on every run."""
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object)
                         for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))  # fmt: skip
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    path.write_bytes(serialize(union(dataset), ox.RdfFormat.TURTLE, prefixes))


def triple_lines(quads: Iterable[ox.Quad]) -> bytes:
    """The RDF merge of ``quads`` as N-Triples: each triple once, its lines sorted (written
    and sorted as bytes: twice as fast as a set of Python triples sorted by their text)."""
    return sorted_lines(serialize((q.triple for q in quads), ox.RdfFormat.N_TRIPLES))


def union(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The RDF merge of ``quads``, in the order of ``triple_lines``."""
    return list(ox.parse(triple_lines(quads), format=ox.RdfFormat.N_TRIPLES))


def sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def gzip_member(data: bytes) -> bytes:
    """``data`` as one reproducible gzip member (no time, no file name in its header); level
    6 is twice as fast as 9 for 3 % more bytes. Members end to end make one gzip file
    (RFC 1952), which gunzip and Python's gzip read whole."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def write(path: Path, data: bytes, *, compress: bool) -> None:
    path.write_bytes(gzip_member(data) if compress else data)


FACTS = (
    "Stated, reference and derived facts, with the licence; without the inference graphs, "
    "which are in inferences.trig"
)
EVERY_GRAPH = "Every named graph of the release, inferences included, each statement in its graph"


def write_dataset_dumps(
    quads: list[ox.Quad],
    members: list[bytes],
    folder: Path,
    prefixes: dict[str, str],
    is_inference: InferenceTest,
    licence: list[ox.Quad],
) -> list[Dump]:
    """The whole dataset with its graphs, the facts without inferences as one graph, and the
    inferences apart, each with ``licence`` (the dataset's licence statement).

    The N-Quads dump is ``members`` end to end: each unit of the build (a data file, a
    reference graph…) as one gzip member of its sorted lines, kept by the build cache, so
    that a build after a change compresses only the changed units."""
    kept_apart = {g for g in {q.graph_name for q in quads} if is_inference(g)}  # per graph
    facts_lines = triple_lines(q for q in quads if q.graph_name not in kept_apart)
    facts = list(ox.parse(facts_lines, format=ox.RdfFormat.N_TRIPLES))
    inferences = [q for q in quads if q.graph_name in kept_apart] + licence
    outputs: list[tuple[Dump, bytes]] = [
        (
            Dump("bomay.trig", "application/trig", "Dataset with named graphs (TriG)",
                 description=EVERY_GRAPH, file_type="RDF_TRIG"),
            serialize(quads, ox.RdfFormat.TRIG, prefixes),
        ),
        (
            Dump("bomay.nq.gz", "application/n-quads", "Dataset with named graphs (N-Quads, gzip)",
                 "gzip", EVERY_GRAPH, "RDF_N_QUADS"),
            b"".join(members),
        ),
        (
            Dump("bomay.ttl.gz", "text/turtle", "Facts without inferences (Turtle, gzip)",
                 "gzip", FACTS, "RDF_TURTLE"),
            serialize(facts, ox.RdfFormat.TURTLE, prefixes),
        ),
        (
            Dump("bomay.nt.gz", "application/n-triples",
                 "Facts without inferences (N-Triples, gzip)", "gzip", FACTS, "RDF_N_TRIPLES"),
            facts_lines,
        ),
        (
            Dump("bomay.jsonld", "application/ld+json", "Facts without inferences (JSON-LD)",
                 description=FACTS, file_type="JSON_LD"),
            serialize(facts, ox.RdfFormat.JSON_LD),
        ),
        (
            Dump("inferences.trig", "application/trig", "The inferences (TriG)",
                 description="One named graph per inference: the inferred statements, with the "
                 "inference's justification, confidence and grounds, and the licence",
                 file_type="RDF_TRIG"),
            serialize(inferences, ox.RdfFormat.TRIG, prefixes),
        ),
    ]  # fmt: skip
    for dump, data in outputs:
        compress = dump.encoding == "gzip" and dump.file_type != "RDF_N_QUADS"  # members are
        write(folder / dump.name, data, compress=compress)
    return [dump for dump, _ in outputs]


def write_ontology_dumps(
    quads: list[ox.Quad], folder: Path, prefixes: dict[str, str]
) -> list[Dump]:
    triples = union(quads)
    about = "The OWL ontology of bomay's own terms, with its licence"
    turtle = Dump("ontology.ttl", "text/turtle", "The bomay ontology (Turtle)",
                  description=about, file_type="RDF_TURTLE")  # fmt: skip
    jsonld = Dump("ontology.jsonld", "application/ld+json", "The bomay ontology (JSON-LD)",
                  description=about, file_type="JSON_LD")  # fmt: skip
    (folder / turtle.name).write_bytes(serialize(triples, ox.RdfFormat.TURTLE, prefixes))
    (folder / jsonld.name).write_bytes(serialize(triples, ox.RdfFormat.JSON_LD))
    return [turtle, jsonld]
