"""Every quote against the text it claims to come from, and every text against its hash.

A curator's most likely mistakes are a quote retyped with a slip, a quote pasted under the
wrong source, and a source text edited after it was registered. The build refuses all
three, and names the data file and line of each quote it cannot find, so that a release
never says a source states words it does not. Matching folds white space (NFC, no-break
spaces, line breaks) and reads " … " inside a quote as an elision: the runs must appear in
the source in order. A page stored as passages must have each passage quoted, and keep
little else (UNQUOTED_RUN): it keeps only what the facts need, never the page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publish.build.load import DataError
from publish.iris import Iris
from publish.rdf import PREFIXES
from publish.sources import ELISION, SourceRecord, find_quote, fold_space, sha256_of

EXACT = ox.NamedNode(f"{PREFIXES['oa']}exact")
START = ox.NamedNode(f"{PREFIXES['oa']}start")
END = ox.NamedNode(f"{PREFIXES['oa']}end")
QUOTED_FROM = ox.NamedNode(f"{PREFIXES['prov']}wasQuotedFrom")
HEADLINE = ox.NamedNode(f"{PREFIXES['schema']}headline")
DATE_PUBLISHED = ox.NamedNode(f"{PREFIXES['schema']}datePublished")
#: A quoted string in Turtle: short ("…", '…') or long ("""…""", '''…''').
TURTLE_STRING = re.compile(
    r'oa:exact\s+("""(?P<long>.*?)"""|\'\'\'(?P<long1>.*?)\'\'\'|"(?P<short>(?:[^"\\\n]|\\.)*)"'
    r"|'(?P<short1>(?:[^'\\\n]|\\.)*)')",
    re.DOTALL,
)
#: The most a page stored as passages may keep between (or around) its quotes, in characters.
UNQUOTED_RUN = 120
ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class QuoteError(DataError):
    """Quotes or source texts that do not match; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} source problem(s):\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Quote:
    text: str
    source: str  # the IRI it claims to be quoted from
    graph: str
    start: int | None = None  # oa:start/oa:end: where the draft found it in the stored text
    end: int | None = None


def verify(
    records: list[SourceRecord],
    quads: list[ox.Quad],
    files_by_graph: Mapping[str, Path],
    iris: Iris,
    root: Path,
) -> None:
    """Raise QuoteError unless every hash, quote and source link holds."""
    problems = [*_hashes(records, root), *_graphs_have_records(records, files_by_graph, iris, root)]
    by_iri = {iris.resource(r.iri_path): r for r in records}
    quotes = _quotes(quads)
    lines = _LineFinder(files_by_graph, root)
    texts = {r.iri_path: fold_space(r.text()) for r in records if r.text_path.exists()}
    used: dict[str, list[str]] = defaultdict(list)
    for quote in quotes:
        where = lines.where(quote)
        record = by_iri.get(quote.source)
        if record is None:
            problems.append(f"{where}: quoted from {quote.source}, which no source record "
                            "(sources/*.toml) registers")  # fmt: skip
            continue
        expected = iris.graph(f"article-{record.number}")
        if quote.graph.startswith(iris.graph("article-")) and quote.graph != expected:
            problems.append(f"{where}: the graph {quote.graph} quotes {record.iri_path}, whose "
                            f"facts belong in {expected}")  # fmt: skip
        text = texts.get(record.iri_path)
        if text is None:
            continue
        folded = fold_space(quote.text)
        if find_quote(folded, text) is None:
            problems.append(f"{where}: not in {_rel(record.text_path, root)}: "
                            f"«{_missing_run(folded, text)}»")  # fmt: skip
        elif quote.start is not None and not _at_offsets(quote, folded, record.text()):
            problems.append(f"{where}: the text at oa:start {quote.start}, oa:end {quote.end} of "
                            f"{_rel(record.text_path, root)} is not this quote")  # fmt: skip
        elif record.stored == "passages":
            used[record.iri_path].append(folded)
    problems += _unquoted_passages(records, used, root)
    problems += _headlines(records, quads, iris, files_by_graph, root)
    if problems:
        raise QuoteError(problems)


def _hashes(records: list[SourceRecord], root: Path) -> list[str]:
    problems = []
    for record in records:
        text = record.text_path
        if not text.exists():
            problems.append(f"{_rel(record.path, root)}: its text {text.name} is missing")
        elif (actual := sha256_of(text)) != record.sha256:
            problems.append(
                f"{_rel(text, root)}: SHA-256 {actual[:16]}… differs from its record's "
                f"{record.sha256[:16]}…: the text changed after it was registered (restore it, "
                "or register it again with bomay source add --replace)"
            )
    return problems


def _graphs_have_records(
    records: list[SourceRecord], files_by_graph: Mapping[str, Path], iris: Iris, root: Path
) -> list[str]:
    """One article graph per source record, and one record per article graph."""
    numbers = {r.number: r for r in records}
    problems = []
    for graph, path in sorted(files_by_graph.items()):
        number = graph.removeprefix(iris.graph("article-"))
        if graph.startswith(iris.graph("article-")) and number not in numbers:
            problems.append(f"{_rel(path, root)}: no source record sources/{number}_*.toml "
                            "(register the source with bomay source add)")  # fmt: skip
    for record in records:
        if iris.graph(f"article-{record.number}") not in files_by_graph:
            problems.append(f"{_rel(record.path, root)}: registered, but no data file writes "
                            f"graph article-{record.number} (run bomay draft {record.number}, "
                            f"edit the draft and move it into data/)")  # fmt: skip
    if len(numbers) != len(records):
        problems.append("two source records share a number: " + ", ".join(
            sorted(_rel(r.path, root) for r in records if sum(
                o.number == r.number for o in records) > 1)))  # fmt: skip
    return problems


def _at_offsets(quote: Quote, folded: str, text: str) -> bool:
    """The stored text between the quote's offsets is the quote (its first and last runs)."""
    if quote.start is None or quote.end is None or not 0 <= quote.start <= quote.end <= len(text):
        return False
    between = fold_space(text[quote.start : quote.end])
    runs = folded.split(ELISION)
    return between.startswith(runs[0].strip()) and between.endswith(runs[-1].strip())


def _quotes(quads: list[ox.Quad]) -> list[Quote]:
    exact: dict[tuple[object, object], str] = {}
    source: dict[tuple[object, object], str] = {}
    offsets: dict[tuple[object, object, ox.NamedNode], int] = {}
    for q in quads:
        if q.predicate == EXACT and isinstance(q.object, ox.Literal):
            exact[(q.subject, q.graph_name)] = q.object.value
        elif q.predicate == QUOTED_FROM and isinstance(q.object, ox.NamedNode):
            source[(q.subject, q.graph_name)] = q.object.value
        elif q.predicate in (START, END) and isinstance(q.object, ox.Literal):
            offsets[(q.subject, q.graph_name, q.predicate)] = int(q.object.value)
    quotes = []
    for key, text in exact.items():
        graph = key[1]
        name = graph.value if isinstance(graph, ox.NamedNode) else ""
        start, end = offsets.get((*key, START)), offsets.get((*key, END))
        quotes.append(Quote(text, source.get(key, "(no prov:wasQuotedFrom)"), name, start, end))
    return sorted(quotes, key=lambda q: (q.graph, q.text))


def _missing_run(quote: str, text: str) -> str:
    """The first run of the quote that is not where it should be (what to fix)."""
    position = 0
    for run in quote.split(ELISION):
        found = text.find(run.strip(), position)
        if found < 0:
            return run.strip()
        position = found + len(run.strip())
    return quote  # pragma: no cover - only called when the quote is missing


def _runs(quote: str) -> list[str]:
    return [run.strip() for run in quote.split(ELISION) if run.strip()]


def _unquoted_passages(
    records: list[SourceRecord], used: Mapping[str, list[str]], root: Path
) -> list[str]:
    """A page stored as passages keeps only what its facts quote: each passage is quoted,
    and no run of more than UNQUOTED_RUN characters between the quotes is left."""
    problems = []
    for record in records:
        if record.stored != "passages" or not record.text_path.exists():
            continue
        runs = {run for quote in used.get(record.iri_path, []) for run in _runs(quote)}
        for index, passage in enumerate(record.passages()):
            folded = fold_space(passage)
            covered = [False] * len(folded)
            for run in runs:
                for found in re.finditer(re.escape(run), folded):
                    covered[found.start() : found.end()] = [True] * len(run)
            rel = _rel(record.text_path, root)
            if not any(covered):
                problems.append(
                    f"{rel}: passage {index + 1} «{passage[:60]}…» is quoted by no fact; "
                    "a page stored as passages keeps only what is quoted"
                )
                continue
            gaps = re.finditer(r"0+", "".join("1" if c else "0" for c in covered))
            for gap in gaps:
                left = folded[gap.start() : gap.end()].strip()
                if len(left) > UNQUOTED_RUN:
                    problems.append(
                        f"{rel}: passage {index + 1} keeps {len(left)} characters no fact "
                        f"quotes («{left[:60]}…»); a page stored as passages keeps only what "
                        "is quoted (cut them, or quote them)"
                    )
    return problems


def _headlines(
    records: list[SourceRecord],
    quads: list[ox.Quad],
    iris: Iris,
    files_by_graph: Mapping[str, Path],
    root: Path,
) -> list[str]:
    """The curated headline and date of a source agree with its record."""
    stated: dict[str, list[tuple[ox.NamedNode, str]]] = defaultdict(list)
    for q in quads:
        if q.predicate in (HEADLINE, DATE_PUBLISHED) and isinstance(q.object, ox.Literal):
            stated[str(q.subject)].append((q.predicate, q.object.value))
    problems = []
    for record in records:
        graph = iris.graph(f"article-{record.number}")
        where = _rel(files_by_graph[graph], root) if graph in files_by_graph else graph
        for predicate, value in stated[str(ox.NamedNode(iris.resource(record.iri_path)))]:
            if predicate == HEADLINE and fold_space(value) != fold_space(record.title):
                problems.append(f"{where}: headline «{value}» differs from the title in "
                                f"{_rel(record.path, root)}")  # fmt: skip
            published = record.date_published
            if predicate == DATE_PUBLISHED and published and not value.startswith(published):
                problems.append(f"{where}: datePublished {value} differs from {published} in "
                                f"{_rel(record.path, root)}")  # fmt: skip
    return problems


class _LineFinder:
    """File and line of a quote in the data file that holds its graph."""

    def __init__(self, files_by_graph: Mapping[str, Path], root: Path) -> None:
        self.files = files_by_graph
        self.root = root
        self.lines: dict[Path, dict[str, int]] = {}

    def where(self, quote: Quote) -> str:
        path = self.files.get(quote.graph)
        if path is None:
            return quote.graph
        if path not in self.lines:
            self.lines[path] = _exact_lines(path.read_text(encoding="utf-8"))
        line = self.lines[path].get(quote.text)
        return f"{_rel(path, self.root)}:{line}" if line else _rel(path, self.root)


def _exact_lines(turtle: str) -> dict[str, int]:
    """Each oa:exact string of a Turtle/TriG text → the line it starts on (first one wins)."""
    found: dict[str, int] = {}
    for match in TURTLE_STRING.finditer(turtle):
        raw = next(v for v in match.group("long", "long1", "short", "short1") if v is not None)
        found.setdefault(_unescape(raw), turtle.count("\n", 0, match.start()) + 1)
    return found


def _unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return ESCAPES.get(code, code)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", replace, raw)


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
