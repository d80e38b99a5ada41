"""What the last good build left behind, so that the next one redoes only what changed.

The build cache lives in ``{release_dir}/.cache`` (private, never served, safe to delete):

- ``units/{sha256}.nq``: the canonical quads of one *unit*, the quads of one data file, one
  reference graph or the derived graph, with blank nodes labelled by RDFC-1.0 within the
  unit. Units never share blank nodes, so labelling each on its own gives the same labels
  whatever else changed, and an unchanged file is read back instead of parsed again.
  ``units/{sha256}.nq.gz`` is the same text as one gzip member: the release's N-Quads dump
  is the members of its units end to end, so an unchanged unit is not compressed again.
  ``units/{sha256}.nt`` is the unit's plain facts (no inference graph) as sorted N-Triples,
  which the facts' dumps merge, and ``units/{sha256}.trig`` its part of the TriG dump. A
  unit read back is parsed only if its quads are asked for.
- ``reference/{key}/``: what the reference step made from inputs ``key`` (its units by name
  and digest, the packages' records, the crosswalk files), so that a build whose reference
  inputs did not change reads it back instead of generating and canonicalising 250,000 quads.
- ``runs/{sha256}``: the parts of one run of the one-graph dumps (``dumps.runs``: its
  N-Triples and Turtle as gzip members, its JSON-LD objects), named by the run's N-Triples
  and the inputs key, so that a build after a change writes only the runs it changed.
- ``reaches.json``: how far each of the shapes' SPARQL constraints reads from its focus
  node, found by parsing it (``shacl_sparql.run``), under the inputs key.
- ``state.json``: the key of the inputs that every unit depends on (ontology, shapes, rules,
  reference tables, settings, bomay's own code), and the digest of each unit of the last
  build that passed validation.

A build whose key matches the state's validates only the focus nodes the quads it changed can
affect (``Delta.affected``); any other build validates everything. Either way the release
is written from the full set of quads, so it is byte for byte what a full build writes
(``tests/test_incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publish import __version__
from publish.build.dumps import InferenceTest, UnitParts, fact_lines, gzip_member, trig_body
from publish.settings import Settings

STATE = "state.json"
REACHES = "reaches.json"  # the reach of the shapes' SPARQL constraints, by query
#: the settings a release does not depend on (serving, limits, where things are)
BUILD_SETTINGS = (
    "base_iri", "ontology_dir", "data_dir", "shapes_dir", "sources_dir", "queries_dir",
    "max_data_file_bytes", "public_url", "licence", "publisher",
)  # fmt: skip
CODE = Path(__file__).resolve().parent.parent  # publish/: a change of code is a new key
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_key(settings: Settings) -> str:
    """A digest of everything a release depends on apart from the data files."""
    h = hashlib.sha256(__version__.encode())
    h.update(json.dumps({n: str(getattr(settings, n)) for n in BUILD_SETTINGS}).encode())
    h.update(settings.issued.isoformat().encode())
    for path in sorted(
        {
            *CODE.rglob("*.py"),
            *Path(settings.ontology_dir).rglob("*"),
            *Path(settings.shapes_dir).glob("*.ttl"),
            *(Path(settings.shapes_dir) / "datacube").glob("*"),  # the Data Cube's checks
            *(Path(settings.data_dir) / "reference").glob("*"),
        }
    ):
        if path.is_file():
            h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def generated(name: str, quads: list[ox.Quad]) -> Unit:
    """A unit the build makes itself (reference data, derived facts), named by its content."""
    ordered = canonical(quads, name)
    text = nquads(ordered)
    return Unit(name, digest(text), text, ordered)


def nquads(quads: Sequence[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def canonical(quads: Iterable[ox.Quad], unit: str) -> list[ox.Quad]:
    """The quads of one unit with RDFC-1.0 blank-node labels, prefixed with the unit's name
    so that labels of different units never meet; in a stable order."""
    quads = list(quads)
    if not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
               for q in quads):  # fmt: skip
        return sorted(set(quads), key=str)  # nothing to label (the reference graph: 2.5 s less)
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", unit).strip("-") + "-"

    def label(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph) -> object:
        return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    out = [
        ox.Quad(label(q.subject), q.predicate, label(q.object), q.graph_name)  # type: ignore[arg-type]
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
        else q
        for q in dataset
    ]
    return sorted(out, key=str)


class DamagedCacheError(Exception):
    """A unit read back from the build cache does not parse (a disk fault, an edit by hand):
    the build starts again without the cache (``release.build``)."""


@dataclass
class Unit:
    name: str
    sha: str
    text: bytes  # the quads as N-Quads, in their order: what the cache keeps
    parsed: list[ox.Quad] | None = None  # the quads, once made or read from ``text``

    @property
    def quads(self) -> list[ox.Quad]:
        """The quads, read from ``text`` when first asked: a build after a change needs
        only the text of most units it reads back (250,000 reference quads: 0.4 s)."""
        if self.parsed is None:
            try:
                self.parsed = list(ox.parse(self.text, format=ox.RdfFormat.N_QUADS))
            except SyntaxError as error:
                raise DamagedCacheError(f"{self.sha}.nq of {self.name}: {error}") from error
        return self.parsed

    def states(self, term: str) -> bool:
        """Whether ``term`` (an IRI in N-Triples form) may be in the unit's quads: False
        when its text does not hold it, without reading the quads."""
        return term.encode() in self.text

    def __len__(self) -> int:
        return self.text.count(b"\n")  # N-Quads: one quad per line


@dataclass
class Delta:
    """How the units of this build differ from those of the last good build."""

    since: str = ""  # the release the last good build wrote
    removed: list[ox.Quad] = field(default_factory=list)  # quads of changed units, before
    added: list[ox.Quad] = field(default_factory=list)  # and after
    changed: set[str] = field(default_factory=set)  # the names of those units

    def differing(self) -> set[ox.Quad]:
        """The quads in ``removed`` or ``added`` but not both: what the change changed in the
        store (most quads of a changed file are those it had). A unit's blank nodes keep
        their labels unless their own statements change, and a relabelled one only makes
        this larger."""
        removed, added = set(self.removed), set(self.added)
        return removed ^ added

    def mark(self, store: ox.Store, deep: frozenset[str]) -> int:
        """Mark in ``store`` (graph ``AFFECTED``) the focus nodes whose results the change
        can alter, and return how many: for constraints that read one step past the focus
        node at most, and a second along predicates in ``deep``, those are every node of a
        changed triple (its own triples, or whether it is a target, changed), and every node
        that links to the subject of a changed triple whose predicate is in ``deep`` (it
        reads that triple through the link). Blank nodes cannot be named in a query, hence
        marks in the store rather than a VALUES list."""
        nodes: set[ox.NamedNode | ox.BlankNode] = set()
        linked: set[ox.NamedNode | ox.BlankNode] = set()
        for q in self.differing():
            for term in (q.subject, q.predicate, q.object):
                if isinstance(term, ox.NamedNode | ox.BlankNode):
                    nodes.add(term)
            if q.predicate.value in deep and not isinstance(q.subject, ox.Triple):
                linked.add(q.subject)
        store.extend(ox.Quad(n, LINKED, LINKED, AFFECTED) for n in linked)
        query = (
            f"SELECT DISTINCT ?f WHERE {{ GRAPH {AFFECTED} {{ ?x {LINKED} {LINKED} }} ?f ?p ?x }}"
        )
        nodes.update(row["f"] for row in store.query(query))  # type: ignore[union-attr]
        store.remove_graph(AFFECTED)
        store.extend(ox.Quad(n, MARK, MARK, AFFECTED) for n in nodes)
        return len(nodes)

    def apply(self, store: ox.Store) -> None:
        """Change a store that holds the last good build (its quads and their merge) into
        one that holds this build: the changed units' quads out, their new ones in, and the
        merge kept (a triple leaves the default graph when no named graph states it)."""
        for quad in self.removed:
            store.remove(quad)
        store.extend(self.added)
        default = ox.DefaultGraph()
        for q in self.removed:
            named = (
                other
                for other in store.quads_for_pattern(q.subject, q.predicate, q.object)
                if not isinstance(other.graph_name, ox.DefaultGraph)
            )
            if next(named, None) is None:
                store.remove(ox.Quad(q.subject, q.predicate, q.object, default))
        store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in self.added)


def copy_store(source: Path, target: Path) -> None:
    """A copy of a RocksDB store: its table files linked (the engine never changes one in
    place, and writes new ones), the rest copied, so the copy costs little at any size."""

    def link_or_copy(src: str, dst: str) -> None:
        if src.endswith(".sst"):
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy)


#: where ``Delta.mark`` marks nodes in the validation store (removed after validation)
AFFECTED = ox.NamedNode("urn:x-bomay:affected")
MARK = ox.NamedNode("urn:x-bomay:affected#node")
LINKED = ox.NamedNode("urn:x-bomay:affected#linked")
#: the pattern that limits ?this to the marked nodes
MARKED = f"GRAPH {AFFECTED} {{ ?this {MARK} {MARK} }}"


class BuildCache:
    """The build cache of one release folder (see the module's docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.folder = Path(settings.release_dir) / ".cache"
        self.units = self.folder / "units"
        self.runs = self.folder / "runs"
        self.used_runs: set[str] = set()

    def read(self, name: str, sha: str) -> Unit | None:
        """The unit ``name`` that an earlier build kept as ``sha``; None if it is missing
        (then it is made again). Its text is parsed when its quads are asked for, and found
        damaged then (``DamagedCacheError``)."""
        try:
            return Unit(name, sha, (self.units / f"{sha}.nq").read_bytes())
        except OSError:
            return None

    def write(self, name: str, data: bytes, folder: Path | None = None) -> None:
        """Best effort: a cache that cannot be written only makes the next build slower."""
        folder = self.units if folder is None else folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{name}.{os.getpid()}"
            tmp.write_bytes(data)
            tmp.replace(folder / name)
        except OSError:
            pass

    def run(self, key: str, run: bytes, make: Callable[[], list[bytes]]) -> list[bytes]:
        """The parts of one run of the one-graph dumps (``dumps.runs``) under the inputs
        ``key``: read back if an earlier build wrote them, else made and kept."""
        name = digest(key.encode() + b"\0" + run)
        self.used_runs.add(name)
        try:
            head, _, body = (self.runs / name).read_bytes().partition(b"\n")
            parts, at = [], 0
            for size in map(int, head.split()):
                parts.append(body[at : at + size])
                at += size
            if at == len(body):
                return parts
        except (OSError, ValueError):
            pass  # not made yet, or damaged: make it again
        parts = make()
        head = b" ".join(b"%d" % len(part) for part in parts)
        self.write(name, head + b"\n" + b"".join(parts), self.runs)
        return parts

    def keep_only_runs(self) -> None:
        """Drop the runs this build did not use (those of releases before the last)."""
        for path in self.runs.glob("*"):
            if path.name not in self.used_runs:
                path.unlink(missing_ok=True)

    def unit(self, name: str, source: bytes, key: str, make: Callable[[], list[ox.Quad]]) -> Unit:
        """The canonical quads of a unit made from ``source`` under the inputs ``key``: read
        back if an earlier build made them, else made and kept."""
        sha = digest(f"{key}\0{name}\0".encode() + source)
        unit = self.read(name, sha)
        if unit is None:
            quads = canonical(make(), name)
            unit = Unit(name, sha, nquads(quads), quads)
            self.write(f"{sha}.nq", unit.text)
        return unit

    def member(self, unit: Unit) -> bytes:
        """The unit's N-Quads as one gzip member (``gzip_member``), compressed once."""
        path = self.units / f"{unit.sha}.nq.gz"
        try:
            return path.read_bytes()
        except OSError:
            member = gzip_member(unit.text)
            self.write(path.name, member)
            return member

    def parts(self, unit: Unit, prefixes: dict[str, str], is_inference: InferenceTest) -> UnitParts:
        """The unit's parts of the dumps, each made once from its quads (written from
        the Python objects of every quad, the N-Triples alone took 0.6 s at 300,000)."""
        facts = self._part(unit, "nt", lambda: fact_lines(unit.quads, is_inference))
        trig = self._part(unit, "trig", lambda: trig_body(unit.quads, prefixes))
        return UnitParts(self.member(unit), facts, trig)

    def _part(self, unit: Unit, suffix: str, make: Callable[[], bytes]) -> bytes:
        path = self.units / f"{unit.sha}.{suffix}"
        try:
            return path.read_bytes()
        except OSError:
            part = make()
            self.write(path.name, part)
            return part

    def made(self, kind: str, key: str) -> Path:
        """The folder for what the build made of kind ``kind`` from inputs ``key``."""
        return self.folder / kind / key

    def keep_only(self, kind: str, key: str) -> None:
        """Drop what the build made of kind ``kind`` from any inputs but ``key``."""
        for other in (self.folder / kind).glob("*"):
            if other.name != key:
                shutil.rmtree(other, ignore_errors=True)

    def reaches(self, key: str) -> dict[str, int | None]:
        """The reach of each SPARQL constraint that a build of ``key`` found, by query
        (``shacl_sparql.run``)."""
        try:
            kept = json.loads((self.folder / REACHES).read_text(encoding="utf-8"))
            if kept["key"] == key:
                return {str(q): None if r is None else int(r) for q, r in kept["reaches"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # none kept yet, or damaged: found again
        return {}

    def keep_reaches(self, key: str, reaches: dict[str, int | None]) -> None:
        if reaches != self.reaches(key):
            self.write(REACHES, json.dumps({"key": key, "reaches": reaches}).encode(), self.folder)

    def state(self) -> dict[str, object]:
        try:
            state: dict[str, object] = json.loads((self.folder / STATE).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return state

    def delta(
        self, key: str, units: Sequence[Unit], among: Callable[[str], bool] = lambda _: True
    ) -> Delta | None:
        """The change since the last good build of the same key, in the units whose names
        are ``among`` those given (all by default); None: validate it all."""
        state = self.state()
        if state.get("key") != key or not isinstance(state.get("units"), dict):
            return None
        before: dict[str, str] = state["units"]  # type: ignore[assignment]
        now = {u.name: u for u in units}
        delta = Delta(str(state.get("release", "")))
        for name in sorted(n for n in set(before) | set(now) if among(n)):
            old, new = before.get(name), now.get(name)
            if new is not None and old == new.sha:
                continue
            delta.changed.add(name)
            if old is not None:
                before_unit = self.read(name, old)
                if before_unit is None:
                    return None
                delta.removed += before_unit.quads
            if new is not None:
                delta.added += new.quads
        return delta

    def base(self, key: str, releases: Path) -> Path | None:
        """The release whose store holds the last good build of ``key``, if it is still
        there (an incremental build copies that store and changes what changed)."""
        state = self.state()
        name = state.get("release")
        if state.get("key") != key or not isinstance(name, str) or "/" in name:
            return None
        folder = releases / name
        return folder if (folder / "store").is_dir() else None

    def save(self, key: str, units: Sequence[Unit], release: str) -> None:
        """Record a build that passed validation (written as ``release``), and drop units
        no state names."""
        keep = {f"{u.sha}.{suffix}" for u in units for suffix in ("nq", "nq.gz", "nt", "trig")}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{STATE}.{os.getpid()}"
            state = {"key": key, "release": release, "units": {u.name: u.sha for u in units}}
            tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
            tmp.replace(self.folder / STATE)
            for unit in units:  # generated units are kept only now, for the next delta
                if not (self.units / f"{unit.sha}.nq").exists():
                    self.write(f"{unit.sha}.nq", unit.text)
            for path in self.units.glob("*.*"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
        except OSError:
            pass
