"""Load the ontology and data files into quads, refusing anything malformed.

Parsing is pyoxigraph's (the store's own parser: fast, and its errors carry line and
column). Each file becomes named graph(s) as docs/DATA.md says; we remember which files
describe each subject so that a SHACL violation can name the file to fix.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publish.iris import Iris
from publish.settings import CANONICAL_BASE, Settings

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}
IGNORED_SUFFIXES = {".md", ".txt"}
#: Candidate Turtle that `bomay draft` writes: data only once a curator moves it up a folder.
DRAFTS = "drafts"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph


class DataError(Exception):
    """A data file that cannot be loaded; the message names the file (and line)."""


@dataclass
class Loaded:
    quads: list[ox.Quad] = field(default_factory=list)
    #: subject IRI → the files (relative paths) that describe it
    files_by_subject: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: named graph IRI → the file that writes it (one file per graph)
    files_by_graph: dict[str, Path] = field(default_factory=dict)


def data_files(settings: Settings) -> list[Path]:
    """The files of a build, in a stable order: ontology first, then data.

    A data file is read only where it belongs: directly in its folder, no larger than
    ``max_data_file_bytes``, and not a link to a file elsewhere. One in a sub-folder would
    be silently left out of the release, so that is an error too.
    """
    files: list[Path] = []
    for folder in (settings.ontology_dir, settings.data_dir):
        if not folder.is_dir():
            raise DataError(f"{folder}: folder not found")
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.suffix in IGNORED_SUFFIXES:
                continue
            if path.is_dir():
                if not (folder == settings.data_dir and path.name == DRAFTS):
                    _refuse_nested(path, folder)
                continue
            if path.suffix not in FORMATS:
                raise DataError(f"{path}: not a data file (expected .ttl or .trig)")
            if not path.resolve().is_relative_to(folder.resolve()):
                raise DataError(f"{path}: links to {path.resolve()}, outside {folder}")
            size = path.stat().st_size
            if size > settings.max_data_file_bytes:
                raise DataError(
                    f"{path}: {size} bytes, more than the {settings.max_data_file_bytes} "
                    "a data file may have (BOMAY_MAX_DATA_FILE_BYTES)"
                )
            files.append(path)
    return files


def _refuse_nested(sub: Path, folder: Path) -> None:
    nested = sorted(p for p in sub.rglob("*") if p.suffix in FORMATS)
    if nested:
        raise DataError(f"{nested[0]}: data files are read from {folder} only, not sub-folders")


def load(
    settings: Settings,
    files: Iterable[Path] | None = None,
    parse: Callable[[Path], list[ox.Quad]] | None = None,
) -> Loaded:
    """The quads of ``files`` (by default every data file); ``parse`` reads one file (by
    default ``parse_file``; the build passes one that reads its cache first)."""
    iris = Iris(settings.base_iri)
    loaded = Loaded()
    seen_graphs = loaded.files_by_graph
    for path in data_files(settings) if files is None else files:
        quads = parse(path) if parse is not None else parse_file(path, iris)
        for graph in dict.fromkeys(q.graph_name for q in quads):
            if not isinstance(graph, ox.NamedNode) or not iris.is_graph(graph.value):
                raise DataError(f"{path}: triple outside a named graph under {iris.graph('')}")
            owner = seen_graphs.setdefault(graph.value, path)
            if owner != path:
                raise DataError(f"{path}: graph {graph.value} is already written by {owner}")
        display = display_name(path, settings)
        for subject in {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}:
            loaded.files_by_subject[subject].add(display)
        loaded.quads.extend(quads)
    return loaded


def parse_file(path: Path, iris: Iris) -> list[ox.Quad]:
    text = path.read_bytes()
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 (byte {err.start})") from err
    default_graph = ox.NamedNode(iris.graph_for_file(path)) if path.suffix == ".ttl" else None
    try:
        parsed = list(ox.parse(text, format=FORMATS[path.suffix], path=None))
    except SyntaxError as err:
        raise DataError(f"{path}:{err.lineno}: {err.msg}") from err
    for q in parsed:
        if isinstance(q.object, ox.Literal) and not unicodedata.is_normalized(
            "NFC", q.object.value
        ):
            line = _line_of(decoded, q.object.value)
            raise DataError(f"{path}:{line}: literal is not NFC-normalised: {q.object.value!r}")
    if iris.base != CANONICAL_BASE:  # every term looked at again: only for another base
        return [
            ox.Quad(_rebase(q.subject, iris), _rebase(q.predicate, iris),  # type: ignore[arg-type]
                    _rebase(q.object, iris), _rebase(default_graph or q.graph_name, iris))  # type: ignore[arg-type]
            for q in parsed
        ]  # fmt: skip
    if default_graph is None:
        return parsed
    return [ox.Quad(q.subject, q.predicate, q.object, default_graph) for q in parsed]


def _rebase(term: Term, iris: Iris) -> Term:
    """IRIs, and literals that spell one (vann:preferredNamespaceUri), move to the base."""
    if isinstance(term, ox.NamedNode):
        rebased = iris.rebase(term.value)
        return ox.NamedNode(rebased) if rebased != term.value else term
    if isinstance(term, ox.Literal) and not term.language:
        rebased = iris.rebase(term.value)
        return ox.Literal(rebased, datatype=term.datatype) if rebased != term.value else term
    return term


def _line_of(text: str, needle: str) -> int | str:
    index = text.find(needle[:40])
    return text.count("\n", 0, index) + 1 if index >= 0 else "?"


def display_name(path: Path, settings: Settings) -> str:
    for root in (settings.data_dir.parent, Path.cwd()):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)
