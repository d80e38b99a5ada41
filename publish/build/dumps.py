"""Dump files written by pyoxigraph's serialisers, byte-identical for identical input.

Blank nodes are relabelled by RDFC-1.0 canonicalisation before anything is written, the
N-Triples lines are sorted, and the N-Quads lines sorted within each unit of the build (a
data file, a generated graph), so that a rebuild of the same data gives the same bytes.

The one-graph dumps (N-Triples, Turtle, JSON-LD) are written in *runs*: the sorted lines cut
where a subject's CRC-32 is a multiple of ``RUN`` (content-defined chunking), so a change to
one subject's triples changes one run whatever else changed. Each run's parts (its gzip
members, its JSON-LD objects) are kept by the build cache, and a build after a change writes
only the changed runs; a full build writes the same runs, so the same bytes.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from publish.rdf import serialize

InferenceTest = Callable[[ox.NamedNode | ox.BlankNode | ox.DefaultGraph], bool]
#: (a run's N-Triples, how to write its parts) → its parts, kept across builds (``cache``)
Kept = Callable[[bytes, Callable[[], list[bytes]]], list[bytes]]
#: about one subject in RUN starts a run: some 70 runs of 650 KB at national size (the gzip
#: files 2 to 3 % larger than in one member; at 32 they were 25 to 45 % larger)
RUN = 512


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


def merged_lines(parts: Iterable[bytes]) -> list[bytes]:
    """Sorted lines (``sorted_lines`` of each part) as one sorted list, a line that several
    parts hold as often (``runs`` keeps it once): the sort merges the parts' runs, and no
    set, no joined text and no copy of it is made (at 1.37M triples they were the build's
    peak of memory)."""
    lines: list[bytes] = []
    for part in parts:
        lines += part.splitlines(keepends=True)
    lines.sort()
    return lines


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


@dataclass(frozen=True)
class UnitParts:
    """One unit's parts of the dataset's dumps (a unit: the quads of a data file, of a
    reference graph…), made from its quads alone and kept by the build cache, so that a
    build after a change makes them for the changed units only."""

    member: bytes  # its N-Quads, sorted, as one gzip member (``gzip_member``)
    facts: bytes  # its plain facts (``fact_lines``)
    trig: bytes  # its TriG without the prefixes (``trig_body``)


def write_dataset_dumps(
    units: list[UnitParts],
    inferences: list[ox.Quad],
    folder: Path,
    prefixes: dict[str, str],
    licence: list[ox.Quad],
    kept: Kept,
) -> list[Dump]:
    """The whole dataset with its graphs, the facts without inferences as one graph, and
    ``inferences`` apart, each with ``licence`` (the dataset's licence statement).

    The N-Quads dump is the units' members end to end, the TriG dump their bodies after the
    prefixes; the facts' dumps merge the units' facts and are written in runs (above), with
    ``kept`` the build cache's. Each file is written piece by piece, never joined in memory
    (the joined files were a gigabyte at 1.37M triples)."""
    header = _header(prefixes, ox.RdfFormat.TURTLE)
    with (
        (folder / NT.name).open("wb") as nt,
        (folder / TTL.name).open("wb") as ttl,
        (folder / JSONLD.name).open("wb") as jsonld,
    ):
        ttl.write(gzip_member(header))
        jsonld.write(b"[")
        for number, run in enumerate(runs(merged_lines(u.facts for u in units))):
            nt_part, ttl_part, jsonld_part = kept(
                run,
                lambda run=run: _run_parts(run, prefixes, header),  # type: ignore[misc]
            )
            nt.write(nt_part)
            ttl.write(ttl_part)
            jsonld.write(b"," + jsonld_part if number else jsonld_part)
        jsonld.write(b"]")
    with (folder / TRIG.name).open("wb") as trig:
        trig.write(_header(prefixes, ox.RdfFormat.TRIG))
        trig.writelines(u.trig for u in units)
    with (folder / NQ.name).open("wb") as nq:  # gzip members end to end: one gzip file
        nq.writelines(u.member for u in units)
    (folder / INFERENCES.name).write_bytes(
        serialize([*inferences, *licence], ox.RdfFormat.TRIG, prefixes)
    )
    return [TRIG, NQ, TTL, NT, JSONLD, INFERENCES]


TRIG = Dump("bomay.trig", "application/trig", "Dataset with named graphs (TriG)",
            description=EVERY_GRAPH, file_type="RDF_TRIG")  # fmt: skip
NQ = Dump("bomay.nq.gz", "application/n-quads", "Dataset with named graphs (N-Quads, gzip)",
          "gzip", EVERY_GRAPH, "RDF_N_QUADS")  # fmt: skip
TTL = Dump("bomay.ttl.gz", "text/turtle", "Facts without inferences (Turtle, gzip)",
           "gzip", FACTS, "RDF_TURTLE")  # fmt: skip
NT = Dump("bomay.nt.gz", "application/n-triples",
          "Facts without inferences (N-Triples, gzip)", "gzip", FACTS, "RDF_N_TRIPLES")  # fmt: skip
JSONLD = Dump("bomay.jsonld", "application/ld+json", "Facts without inferences (JSON-LD)",
              description=FACTS, file_type="JSON_LD")  # fmt: skip
INFERENCES = Dump("inferences.trig", "application/trig", "The inferences (TriG)",
                  description="One named graph per inference: the inferred statements, with the "
                  "inference's justification, confidence and grounds, and the licence",
                  file_type="RDF_TRIG")  # fmt: skip


def fact_lines(quads: Iterable[ox.Quad], is_inference: InferenceTest) -> bytes:
    """The triples of ``quads`` outside the inference graphs as sorted N-Triples, each once:
    one unit's part of the facts' dumps."""
    return triple_lines(q for q in quads if not is_inference(q.graph_name))


def runs(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted N-Triples lines, each kept once, cut before each subject whose CRC-32 is a
    multiple of ``RUN``, so that the cuts depend on the subjects only: a change to one
    subject's triples changes one run, and the others are found again in the cache."""
    run: list[bytes] = []
    last = subject = b""
    for line in lines:
        if line == last:
            continue  # the same triple, from another unit
        last = line
        this = line[: line.index(b" ")]
        if this != subject:
            if run and zlib.crc32(this) % RUN == 0:
                yield b"".join(run)
                run = []
            subject = this
        run.append(line)
    if run:
        yield b"".join(run)


def trig_body(quads: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """``quads`` as TriG without the prefixes: pyoxigraph's writer starts a block at each
    change of graph, so the bodies of units end to end after the prefixes are the TriG of
    all their quads, byte for byte."""
    trig = serialize(quads, ox.RdfFormat.TRIG, prefixes)
    header = _header(prefixes, ox.RdfFormat.TRIG)
    if not trig.startswith(header):  # pragma: no cover
        raise ValueError("pyoxigraph's TriG writer changed: the dump cannot be written by unit")
    return trig[len(header) :]


def _header(prefixes: dict[str, str], fmt: ox.RdfFormat) -> bytes:
    """The ``@prefix`` lines that pyoxigraph's Turtle or TriG writer starts a document with."""
    s, p, o = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o")
    trig = fmt == ox.RdfFormat.TRIG
    some = [ox.Quad(s, p, o, ox.NamedNode("urn:x:g"))] if trig else [ox.Triple(s, p, o)]
    lines = serialize(some, fmt, prefixes).splitlines(keepends=True)
    return b"".join(line for line in lines if line.startswith(b"@prefix "))


def _run_parts(run: bytes, prefixes: dict[str, str], header: bytes) -> list[bytes]:
    """A run's N-Triples and Turtle (without the prefixes) as gzip members, and its JSON-LD
    objects without the brackets of the array; each run holds whole subjects, so the parts
    end to end are the whole dump."""
    triples = list(ox.parse(run, format=ox.RdfFormat.N_TRIPLES))
    turtle = serialize(triples, ox.RdfFormat.TURTLE, prefixes)
    jsonld = serialize(triples, ox.RdfFormat.JSON_LD)
    if not turtle.startswith(header) or jsonld[:1] + jsonld[-1:] != b"[]":  # pragma: no cover
        raise ValueError("pyoxigraph's writers changed: the dumps cannot be written in runs")
    return [gzip_member(run), gzip_member(turtle[len(header) :]), jsonld[1:-1]]


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
