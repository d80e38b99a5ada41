"""The shapes, compiled to SPARQL and run on pyoxigraph: one query per constraint.

pyshacl walks the data node by node in Python over an rdflib copy of it; at 100K triples
that was 25 s of a 40 s build, and at 1M the rdflib copy alone took gigabytes
(docs/BENCHMARKS.md). Here each constraint of a shape becomes one SELECT over the store
that lists the focus nodes (and value nodes) that violate it, so the engine does the walk.
Constraints that read the same values share a query (a shape's value tests, a count's two
bounds), and each row says which of them it breaks: each query walks the path once.

The SHACL semantics are the W3C Recommendation's, constraint by constraint, and pyshacl is
the reference: ``tests/test_shacl_sparql.py`` runs both on every negative fixture and on
real and synthetic data, and requires the same results. A shape that uses a feature this
module does not compile is not skipped: ``compile_shapes`` leaves it, whole, to pyshacl
(``Compiled.rest``), so a new shape always runs, only more slowly.

Every query reads the store's default graph, which the build fills with the merge of all
named graphs (``release.with_merge``), as the served release does.

A check may be limited to some focus nodes (``restrict``): the incremental build validates
only the nodes a change can affect. The core constraints look at most two steps away from
their focus node (a path of up to two steps, or the class or scheme of a value), and
``Check.reach`` says how far. A SPARQL constraint is limited too when every triple pattern
of its query and targets holds ?this (it reads only the triples its focus node is in:
``_adjacent``); any other runs over everything.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from publish.rdf import to_rdflib

#: how far from its focus node a check may read and still be limited to the nodes a change
#: affects (``cache.Delta.affected`` follows one link back from a changed triple)
MAX_REACH = 2
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
#: datatypes whose lexical form SPARQL can check by a cast (an ill-formed literal fails)
CASTABLE = {
    XSD.string, XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.date,
    XSD.time, XSD.dateTime, XSD.gYear, XSD.gYearMonth, XSD.duration, XSD.dayTimeDuration,
    XSD.yearMonthDuration,
}  # fmt: skip
NODE_KINDS = {
    SH.IRI: "isIRI({0})",
    SH.BlankNode: "isBlank({0})",
    SH.Literal: "isLiteral({0})",
    SH.BlankNodeOrIRI: "!isLiteral({0})",
    SH.BlankNodeOrLiteral: "!isIRI({0})",
    SH.IRIOrLiteral: "!isBlank({0})",
}
COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
PAIRS = {
    SH.lessThanOrEquals: ("<=", SH.LessThanOrEqualsConstraintComponent),
    SH.lessThan: ("<", SH.LessThanConstraintComponent),
}
#: parameters of a shape that this module compiles (anything else goes to pyshacl)
KNOWN = {
    RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
    SH.property, SH.path, SH.sparql, SH.deactivated, SH.prefixes, SH.declare, SH.select,
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.languageIn,
    SH.minLength, SH.maxLength, SH["in"], SH.hasValue, SH.node, SH["or"], SH["and"],
    SH["not"], SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, *COMPARISONS, *PAIRS,
}  # fmt: skip


class UnsupportedShapeError(ValueError):
    """A SHACL feature this module does not compile (so the shape goes to pyshacl)."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query whose rows (``?this``, maybe ``?value``) are violations;
    or several, when ``parts`` names them."""

    shape: rdflib.term.Node  # the sh:sourceShape of its results
    component: rdflib.URIRef
    focus: str  # graph pattern binding ?this to the shape's focus nodes
    body: str  # the rest of the WHERE block (may use ?this, binds ?value if any)
    messages: tuple[rdflib.term.Node, ...]
    severity: rdflib.term.Node
    path: rdflib.term.Node | None = None
    constraint: rdflib.term.Node | None = None  # an sh:sparql constraint's node
    group: str = ""  # GROUP BY ?this HAVING (…), for the counting constraints
    prologue: str = ""
    reach: int | None = 2  # steps from the focus node it reads; None: unknown (SPARQL)
    #: the constraints of one query that reads a path once for several (the value tests of
    #: a property shape, the two bounds of a count): each component with an expression that
    #: is true where a row breaks it, selected as ?_f0, ?_f1…
    parts: tuple[tuple[rdflib.URIRef, str], ...] = ()

    def query(self, restrict: str = "") -> str:
        """The SELECT; ``restrict`` is a graph pattern that limits ?this (the targets are
        then tested for each of its nodes, which pyoxigraph does twice as fast as joining
        them with it)."""
        targets = f"{restrict} FILTER EXISTS {{ {self.focus} }}" if restrict else self.focus
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
        if self.constraint is not None:  # a user's SELECT: targets go at the head of WHERE
            match = _WHERE.search(self.body)
            if match is None:
                raise UnsupportedShapeError(f"{self.constraint}: no WHERE block")
            return self.body[: match.end()] + focus + self.body[match.end() :]
        flags = "".join(f" ({broken} AS ?_f{i})" for i, (_, broken) in enumerate(self.parts))
        head = "SELECT ?this" if self.group else "SELECT DISTINCT ?this ?value"
        head += flags
        return f"{self.prologue}{head} WHERE {{ {focus} {self.body} }} {self.group}"


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    rest: rdflib.Graph = field(default_factory=rdflib.Graph)  # shapes left to pyshacl
    #: the shapes left to pyshacl that have targets (none: pyshacl need not run)
    rest_targeted: list[rdflib.term.Node] = field(default_factory=list)


def compile_shapes(shapes: rdflib.Graph, store: ox.Store) -> Compiled:
    """Every targeted shape as checks, or left (whole, with its targets) to pyshacl."""
    compiled = Compiled()
    for triple in shapes:
        compiled.rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        compiled.rest.bind(prefix, namespace)
    targeted = sorted({s for p in _TARGETS for s in shapes.subjects(p, None)}, key=lambda n: n.n3())
    for shape in targeted:
        if (shape, SH.deactivated, rdflib.Literal(True)) in shapes:
            continue
        try:
            checks = list(_Compiler(shapes, store).shape(shape))
        except UnsupportedShapeError:
            compiled.rest_targeted.append(shape)
            continue
        compiled.checks.extend(checks)
        for p in _TARGETS:  # pyshacl leaves a shape without targets alone
            compiled.rest.remove((shape, p, None))
    return compiled


def run(
    checks: Iterable[Check], store: ox.Store, report: rdflib.Graph, shapes: rdflib.Graph,
    restrict: str | None = None, reaches: dict[str, int | None] | None = None,
) -> bool:  # fmt: skip
    """Add a validation result to ``report`` for each row; True when there was none.

    ``restrict`` is a graph pattern that limits ?this in the checks of known reach;
    ``reaches`` holds the reach of SPARQL constraints found by ``_adjacent``, by query, and
    gets those found now (the build cache keeps them: rdflib's parser took 0.2 s a build)."""
    report_node = report.value(None, RDF.type, SH.ValidationReport)
    conforms = True
    reaches = {} if reaches is None else reaches
    for check in checks:
        if restrict is not None and check.reach is None and check.constraint is not None:
            query = check.query()
            if query not in reaches:
                reaches[query] = _adjacent(query)
            check = dataclasses.replace(check, reach=reaches[query])  # noqa: PLW2901
        limited = restrict is not None and check.reach is not None and check.reach <= MAX_REACH
        limit = restrict if restrict is not None and limited else ""
        result = store.query(check.query(limit))
        if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - all are SELECTs
            raise UnsupportedShapeError(f"{check.shape}: not a SELECT query")
        names = {v.value for v in result.variables}
        for row in result:
            this = row["this"]
            if this is None:
                continue
            conforms = False
            value = row["value"] if "value" in names else None
            if value is None and check.constraint is not None and check.path is None:
                value = this  # SHACL: a node shape's value node is its focus node
            for component in _broken(check, row):
                _result(report, report_node, check, component, shapes, this, value)
    if not conforms:
        report.set((report_node, SH.conforms, rdflib.Literal(False)))  # type: ignore[arg-type]
    return conforms


def _broken(check: Check, row: ox.QuerySolution) -> list[rdflib.URIRef]:
    """The components a row of ``check`` breaks."""
    if not check.parts:
        return [check.component]
    flags = [row[f"_f{i}"] for i in range(len(check.parts))]
    return [c for (c, _), f in zip(check.parts, flags, strict=True) if f and f.value == "true"]


#: algebra a SPARQL check may hold and still be known to read only the triples its focus
#: node is in (``_adjacent``); anything else (paths, groups, GRAPH, SERVICE…) is unknown
_ADJACENT_OK = {
    "SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Join",
    "LeftJoin", "Union", "Minus", "Filter", "Extend", "values", "BGP", "TriplesBlock",
    "GroupGraphPatternSub", "GroupOrUnionGraphPattern", "Builtin_EXISTS", "Builtin_NOTEXISTS",
}  # fmt: skip


def _adjacent(query: str) -> int | None:
    """1 when every triple pattern of ``query`` (its targets, its constraint, the patterns of
    its filters) has ``?this`` in it, and every sub-select keeps ``?this``: its results for a
    node then depend only on the triples that node is in, and a change marks every node of a
    changed triple (``cache.Delta.mark``). None (unknown reach) for anything else."""
    from rdflib.paths import Path  # noqa: PLC0415 - with the parser, only here
    from rdflib.plugins.sparql import prepareQuery  # noqa: PLC0415
    from rdflib.plugins.sparql.parserutils import CompValue  # noqa: PLC0415

    this = rdflib.Variable("this")

    def anchored(terms: list[object]) -> bool:
        return this in terms and not any(isinstance(t, Path | list | tuple) for t in terms)

    def known(node: object) -> bool:
        if isinstance(node, CompValue):
            if node.name.startswith(("Builtin_", "Function", "Conditional", "Relational",
                                     "Additive", "Multiplicative", "Unary")):  # fmt: skip
                pass  # an expression: only its EXISTS patterns read the graph
            elif node.name not in _ADJACENT_OK:
                return False
            if node.name == "Project" and this not in (node.get("PV") or ()):
                return False
            triples = node.get("triples") if node.name in ("BGP", "TriplesBlock") else None
            if triples is not None and not all(anchored(list(t)) for t in triples):
                return False
            return all(known(v) for v in node.values())
        if isinstance(node, list | tuple):
            return all(known(v) for v in node)
        return not isinstance(node, Path)

    # rdflib's parser (pyparsing) leaves cycles of exceptions and frames behind, which a
    # build (the collector off) never frees, and a finished frame keeps its callers': the
    # store being validated stayed open, so the build could not open its folder again
    # (release._drop_logs). On a thread of its own, the parse's frames reach no caller.
    with ThreadPoolExecutor(1, thread_name_prefix="bomay-parse") as parsing:
        try:
            return 1 if known(parsing.submit(prepareQuery, query).result().algebra) else None
        except Exception:  # a query rdflib cannot read: its reach stays unknown
            return None


def deep(shapes: rdflib.Graph) -> frozenset[str]:
    """The predicates a compiled check may read past its focus node: later steps of a
    sequence path, and what a constraint on a value node reads (its class, its own
    properties for sh:node or sh:or). A superset is safe: it only validates more nodes."""
    found: set[str] = set()
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    for shape in targeted:
        found |= {p for depth, p in _reads(shapes, shape, 0, set()) if depth > 0}
    return frozenset(found)


def _reads(
    shapes: rdflib.Graph, shape: rdflib.term.Node, depth: int, seen: set[rdflib.term.Node]
) -> set[tuple[int, str]]:
    """(steps from the focus node, predicate) of each triple a shape's checks read."""
    if shape in seen:  # a recursive shape: no check is compiled for it anyway
        return set()
    seen = seen | {shape}
    reads: set[tuple[int, str]] = set()
    path = shapes.value(shape, SH.path)
    at = depth
    if path is not None:
        steps = _path_reads(shapes, path, depth, reads)
        at = depth + steps
        for prop in PAIRS:
            reads |= {(depth, str(o)) for o in shapes.objects(shape, prop)}
    if (shape, SH["class"], None) in shapes:
        reads.add((at, str(RDF.type)))
    nested = [
        *shapes.objects(shape, SH.node),
        *shapes.objects(shape, SH.property),
        *shapes.objects(shape, SH.qualifiedValueShape),
        *shapes.objects(shape, SH["not"]),
    ]
    for kind in (SH["or"], SH["and"]):
        for members in shapes.objects(shape, kind):
            nested += list(Collection(shapes, members))
    for member in nested:
        reads |= _reads(shapes, member, at, seen)
    return reads


def _path_reads(
    shapes: rdflib.Graph, path: rdflib.term.Node, depth: int, reads: set[tuple[int, str]]
) -> int:
    """Add the predicates a path reads, at their depth; return its length (a bound)."""
    if isinstance(path, rdflib.URIRef):
        reads.add((depth, str(path)))
        return 1
    if (path, RDF.first, None) in shapes:
        total = 0
        for step in Collection(shapes, path):
            total += _path_reads(shapes, step, depth + total, reads)
        return total
    longest = 0
    for kind in (SH.alternativePath,):
        for members in shapes.objects(path, kind):
            for step in Collection(shapes, members):
                longest = max(longest, _path_reads(shapes, step, depth, reads))
    for kind in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        for inner in shapes.objects(path, kind):  # such checks are never limited (reach)
            longest = max(longest, _path_reads(shapes, inner, depth, reads))
    return longest


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def _result(
    report: rdflib.Graph,
    report_node: rdflib.term.Node | None,
    check: Check,
    component: rdflib.URIRef,
    shapes: rdflib.Graph,
    this: OxTerm,
    value: OxTerm | None,
) -> None:
    node = rdflib.BNode()
    report.add((report_node, SH.result, node))  # type: ignore[arg-type]
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, to_rdflib(this)))
    report.add((node, SH.sourceShape, check.shape))
    report.add((node, SH.sourceConstraintComponent, component))
    report.add((node, SH.resultSeverity, check.severity))
    if check.constraint is not None:
        report.add((node, SH.sourceConstraint, check.constraint))
    if value is not None:
        report.add((node, SH.value, to_rdflib(value)))
    if check.path is not None:
        report.add((node, SH.resultPath, check.path))
        _copy_path(shapes, report, check.path)
    for message in check.messages or (rdflib.Literal(_default_message(check, component, shapes)),):
        report.add((node, SH.resultMessage, message))


def _copy_path(shapes: rdflib.Graph, report: rdflib.Graph, node: rdflib.term.Node) -> None:
    """A path written with blank nodes (alternatives, sequences) is copied into the report."""
    if isinstance(node, rdflib.BNode):
        for p, o in shapes.predicate_objects(node):
            report.add((node, p, o))
            _copy_path(shapes, report, o)


def _default_message(check: Check, component: rdflib.URIRef, shapes: rdflib.Graph) -> str:
    name = component.removeprefix(str(SH)).removesuffix("ConstraintComponent")
    where = f" on {path_text(shapes, check.path)}" if check.path is not None else ""
    return f"{name} constraint not met{where}"


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def path_text(shapes: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(path, rdflib.URIRef):
        return path.n3()
    if not isinstance(path, rdflib.BNode):
        raise UnsupportedShapeError(f"{path}: not a SHACL path")
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(path_text(shapes, p) for p in Collection(shapes, path)) + ")"
    for kind, template in (
        (SH.alternativePath, None),
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = shapes.value(path, kind)
        if inner is None:
            continue
        if template is None:
            return "(" + "|".join(path_text(shapes, p) for p in Collection(shapes, inner)) + ")"
        return "(" + template.format(path_text(shapes, inner)) + ")"
    raise UnsupportedShapeError(f"{path}: not a SHACL path")


def _path_steps(shapes: rdflib.Graph, path: rdflib.term.Node) -> int | None:
    """How many triples away from its start a path may reach (None: unbounded)."""
    if isinstance(path, rdflib.URIRef):
        return 1
    if (path, RDF.first, None) in shapes:
        sequence = [_path_steps(shapes, p) for p in Collection(shapes, path)]
        return None if None in sequence else sum(s for s in sequence if s is not None)
    inner = shapes.value(path, SH.alternativePath)
    if inner is not None:
        choices = [_path_steps(shapes, p) for p in Collection(shapes, inner)]
        return None if None in choices else max(s for s in choices if s is not None)
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:  # it reads triples behind the node, where Delta.affected does not
        steps = _path_steps(shapes, inner)  # look: past MAX_REACH, so never limited
        return None if steps is None else steps + MAX_REACH
    return None  # *, + and ?: unbounded


class _Compiler:
    """Compiles one targeted shape (and the shapes it names) into checks."""

    def __init__(self, shapes: rdflib.Graph, store: ox.Store) -> None:
        self.g = shapes
        self.store = store
        self._fresh = itertools.count()
        self._classes: dict[rdflib.term.Node, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ helpers

    def var(self) -> str:
        return f"?_v{next(self._fresh)}"

    def one(self, node: rdflib.term.Node, prop: rdflib.URIRef) -> rdflib.term.Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{node}: more than one {prop}")
        return values[0] if values else None

    def ints(self, node: rdflib.term.Node, prop: rdflib.URIRef) -> int | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if not isinstance(value, rdflib.Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShapeError(f"{node}: {prop} is not an integer")
        return int(value.toPython())

    def items(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))

    def classes(self, cls: rdflib.term.Node) -> tuple[str, ...]:
        """``cls`` and its subclasses in the data, sorted (read once per class)."""
        if cls not in self._classes:
            if not isinstance(cls, rdflib.URIRef):
                raise UnsupportedShapeError(f"{cls}: a class must be an IRI")
            query = f"SELECT DISTINCT ?c WHERE {{ ?c {RDFS.subClassOf.n3()}* {cls.n3()} }}"
            found = {str(row["c"]) for row in self.store.query(query)}  # type: ignore[union-attr]
            found.add(f"<{cls}>")
            self._classes[cls] = tuple(sorted(found))
        return self._classes[cls]

    def check_known(self, shape: rdflib.term.Node) -> None:
        unknown = {p for p in self.g.predicates(shape, None) if p not in KNOWN}
        if unknown:
            raise UnsupportedShapeError(f"{shape}: {sorted(map(str, unknown))}")
        flags = self.one(shape, SH.flags)
        if flags is not None and not set(str(flags)) <= set("ismx"):
            raise UnsupportedShapeError(f"{shape}: regex flags {flags}")

    def severity(self, shape: rdflib.term.Node) -> rdflib.term.Node:
        return self.one(shape, SH.severity) or SH.Violation

    def messages(self, shape: rdflib.term.Node) -> tuple[rdflib.term.Node, ...]:
        return _sorted(self.g.objects(shape, SH.message))

    # ------------------------------------------------------------------ targets

    def focus(self, shape: rdflib.term.Node) -> tuple[str, str]:
        """A pattern binding ?this to the focus nodes of ``shape``, and its prologue."""
        parts = [
            f"{{ VALUES ?_cls {{ {' '.join(self.classes(c))} }} ?this a ?_cls }}"
            for c in self.g.objects(shape, SH.targetClass)
        ]
        parts += [
            f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in self.g.objects(shape, SH.targetNode)
        ]
        parts += [f"{{ ?this {p.n3()} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {p.n3()} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        prologue = ""
        for target in self.g.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.g:
                raise UnsupportedShapeError(f"{shape}: only SPARQL-based custom targets")
            prologue += self.prologue(target)
            parts.append(f"{{ {self.select_text(target)} }}")
        return " UNION ".join(parts), prologue

    def prologue(self, node: rdflib.term.Node) -> str:
        lines = []
        for declarer in self.g.objects(node, SH.prefixes):
            for declaration in self.g.objects(declarer, SH.declare):
                prefix = self.g.value(declaration, SH.prefix)
                namespace = self.g.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(lines))

    def select_text(self, node: rdflib.term.Node) -> str:
        select = self.one(node, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"{node}: only sh:select is run")
        return str(select)

    # ------------------------------------------------------------------ one shape

    def shape(self, shape: rdflib.term.Node) -> Iterator[Check]:
        """The checks of a targeted shape: its own constraints and its property shapes'."""
        focus, prologue = self.focus(shape)
        if not focus:
            raise UnsupportedShapeError(f"{shape}: no target")
        yield from self.constraints(shape, focus, prologue)

    def constraints(self, shape: rdflib.term.Node, focus: str, prologue: str) -> Iterator[Check]:
        self.check_known(shape)
        if (shape, SH.deactivated, rdflib.Literal(True)) in self.g:
            return
        path = self.one(shape, SH.path)
        common = {
            "shape": shape,
            "focus": focus,
            "prologue": prologue,
            "messages": self.messages(shape),
            "severity": self.severity(shape),
            "path": path,
        }
        if path is None:  # a node shape: its value node is the focus node
            for tests, reach in _by_reach(self.value_tests(shape), 0):
                yield _tested("BIND(?this AS ?value)", "?this", tests, reach, common)
            for sparql in self.g.objects(shape, SH.sparql):
                yield self.sparql(shape, sparql, focus, prologue)
            for prop in self.g.objects(shape, SH.property):
                yield from self.constraints(prop, focus, prologue)
            return
        if list(self.g.objects(shape, SH.sparql)):
            raise UnsupportedShapeError(f"{shape}: SPARQL constraints on property shapes")
        steps = _path_steps(self.g, path)
        if steps is None:
            raise UnsupportedShapeError(f"{shape}: a path of unbounded length")
        p = path_text(self.g, path)
        for tests, reach in _by_reach(self.value_tests(shape), steps):
            yield _tested(f"?this {p} ?value", "?value", tests, reach, common)
        yield from self.counts(shape, p, steps, common)
        for prop in self.g.objects(shape, SH.property):
            raise UnsupportedShapeError(f"{prop}: a property shape inside a property shape")

    def counts(
        self, shape: rdflib.term.Node, p: str, steps: int, common: dict[str, object]
    ) -> Iterator[Check]:
        """Constraints on the whole set of a focus node's values (one result per node)."""
        low, high = self.ints(shape, SH.minCount), self.ints(shape, SH.maxCount)
        bounds = [(SH.MinCountConstraintComponent, "<", low or None),
                  (SH.MaxCountConstraintComponent, ">", high)]  # fmt: skip
        yield from _counted(p, "", bounds, steps, common)
        qualified = self.one(shape, SH.qualifiedValueShape)
        if qualified is not None:
            ok, depth = self.conforms(qualified)
            bounds = [
                (SH.QualifiedMinCountConstraintComponent, "<",
                 self.ints(shape, SH.qualifiedMinCount)),
                (SH.QualifiedMaxCountConstraintComponent, ">",
                 self.ints(shape, SH.qualifiedMaxCount)),
            ]  # fmt: skip
            condition = f"FILTER({_safe(ok('?_q'))})"
            yield from _counted(p, condition, bounds, steps + depth, common)
        has = self.one(shape, SH.hasValue)
        if has is not None:
            body = f"FILTER NOT EXISTS {{ ?this {p} {has.n3()} }}"
            yield Check(component=SH.HasValueConstraintComponent, body=body, reach=steps,
                        **common)  # type: ignore[arg-type]  # fmt: skip
        for prop, (op, component) in PAIRS.items():
            for other in self.g.objects(shape, prop):
                body = (
                    f"?this {p} ?value . ?this {other.n3()} ?_o "
                    f"FILTER(!COALESCE(?value {op} ?_o, false))"
                )
                yield Check(component=component, body=body, reach=steps, **common)  # type: ignore[arg-type]

    def sparql(
        self, shape: rdflib.term.Node, constraint: rdflib.term.Node, focus: str, prologue: str
    ) -> Check:
        self.check_known(constraint)
        messages = _sorted(self.g.objects(constraint, SH.message)) or self.messages(shape)
        return Check(
            shape=shape,
            component=SH.SPARQLConstraintComponent,
            focus=focus,
            body=prologue + self.prologue(constraint) + self.select_text(constraint),
            messages=messages,
            severity=self.severity(shape),
            constraint=constraint,
            reach=None,  # unknown; ``run`` asks ``_adjacent`` when it could limit it
        )

    # ------------------------------------------------------------------ value tests

    def value_tests(self, shape: rdflib.term.Node) -> list[tuple[rdflib.URIRef, Test, int]]:
        """Each constraint of ``shape`` that every value node must pass: its component, the
        test, and how many steps from the value node the test reads."""
        g, tests = self.g, []
        for cls in g.objects(shape, SH["class"]):
            tests.append((SH.ClassConstraintComponent, self.is_a(cls), 1))
        datatype = self.one(shape, SH.datatype)
        if datatype is not None:
            tests.append((SH.DatatypeConstraintComponent, _datatype(datatype), 0))
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            if kind not in NODE_KINDS:
                raise UnsupportedShapeError(f"{shape}: sh:nodeKind {kind}")
            tests.append((SH.NodeKindConstraintComponent, NODE_KINDS[kind].format, 0))  # type: ignore[index]
        pattern = self.one(shape, SH.pattern)
        if pattern is not None:
            flags = self.one(shape, SH.flags)
            tests.append((SH.PatternConstraintComponent, _pattern(str(pattern), flags), 0))
        languages = self.one(shape, SH.languageIn)
        if languages is not None:
            tests.append((SH.LanguageInConstraintComponent, _languages(self.items(languages)), 0))
        for prop, op, component in (
            (SH.minLength, ">=", SH.MinLengthConstraintComponent),
            (SH.maxLength, "<=", SH.MaxLengthConstraintComponent),
        ):
            bound = self.ints(shape, prop)
            if bound is not None:
                tests.append((component, _length(op, bound), 0))
        for prop, (op, component) in COMPARISONS.items():
            for limit in g.objects(shape, prop):
                tests.append((component, _compare(op, limit), 0))
        members = self.one(shape, SH["in"])
        if members is not None:
            tests.append((SH.InConstraintComponent, _one_of(self.items(members)), 0))
        if self.one(shape, SH.path) is None:
            has = self.one(shape, SH.hasValue)
            if has is not None:
                tests.append((SH.HasValueConstraintComponent, _one_of([has]), 0))
        for node in g.objects(shape, SH.node):
            tests.append((SH.NodeConstraintComponent, *self.conforms(node)))
        for kind, component, combine in (
            (SH["or"], SH.OrConstraintComponent, " || "),
            (SH["and"], SH.AndConstraintComponent, " && "),
        ):
            for members in g.objects(shape, kind):
                parts = [self.conforms(m) for m in self.items(members)]
                depth = max((d for _, d in parts), default=0)
                tests.append((component, _join([t for t, _ in parts], combine), depth))
        for negated in g.objects(shape, SH["not"]):
            ok, depth = self.conforms(negated)
            tests.append((SH.NotConstraintComponent, _negate(ok), depth))
        return tests

    def is_a(self, cls: rdflib.term.Node) -> Test:
        classes, t = self.classes(cls), self.var()
        return lambda x: f"EXISTS {{ {x} a {t} FILTER({t} IN ({', '.join(classes)})) }}"

    def conforms(self, shape: rdflib.term.Node) -> tuple[Test, int]:
        """A test that a node conforms to ``shape`` (sh:node, sh:or, qualified shapes), and
        how many steps from the node it reads."""
        self.check_known(shape)
        if self.one(shape, SH.sparql) is not None:
            raise UnsupportedShapeError(f"{shape}: SPARQL constraints in a nested shape")
        own = self.value_tests(shape)
        depth = max((d for _, _, d in own), default=0)
        path = self.one(shape, SH.path)
        if path is not None:
            return self.property_conforms(shape, path, [t for _, t, _ in own], depth)
        nested = [self.conforms(prop) for prop in self.g.objects(shape, SH.property)]
        depth = max([depth, *(d for _, d in nested)])
        return _join([*(t for _, t, _ in own), *(t for t, _ in nested)], " && "), depth

    def property_conforms(
        self, shape: rdflib.term.Node, path: rdflib.term.Node, own: list[Test], depth: int
    ) -> tuple[Test, int]:
        """A test that a node's values along ``path`` meet a nested property shape."""
        steps = _path_steps(self.g, path)
        if steps is None:
            raise UnsupportedShapeError(f"{shape}: a nested path of unbounded length")
        p, tests = path_text(self.g, path), []
        low, high = self.ints(shape, SH.minCount), self.ints(shape, SH.maxCount)
        has = self.one(shape, SH.hasValue)
        if low:
            if low > 1:
                raise UnsupportedShapeError(f"{shape}: nested sh:minCount above 1")
            tests.append(lambda x: f"EXISTS {{ {x} {p} [] }}")
        if high is not None:
            if high > 1:
                raise UnsupportedShapeError(f"{shape}: nested sh:maxCount above 1")
            a, b = self.var(), self.var()
            tests.append(
                (lambda x: f"NOT EXISTS {{ {x} {p} [] }}")
                if high == 0
                else (lambda x: f"NOT EXISTS {{ {x} {p} {a}, {b} FILTER(!sameTerm({a}, {b})) }}")
            )
        if has is not None:
            tests.append(lambda x: f"EXISTS {{ {x} {p} {has.n3()} }}")
        qualified = self.one(shape, SH.qualifiedValueShape)
        if qualified is not None:
            ok, inner = self.conforms(qualified)
            depth = max(depth, inner)
            least, most = (
                self.ints(shape, SH.qualifiedMinCount),
                self.ints(shape, SH.qualifiedMaxCount),
            )
            if (least or 0) > 1 or most not in (None, 0):
                raise UnsupportedShapeError(f"{shape}: nested qualified counts other than 1 or 0")
            v = self.var()
            some = f"EXISTS {{ {{x}} {p} {v} FILTER({_safe(ok(v))}) }}"
            if least:
                tests.append(lambda x: some.replace("{x}", x))
            if most == 0:
                tests.append(lambda x: "!" + some.replace("{x}", x))
        if own:
            every, v = _join(own, " && "), self.var()
            tests.append(lambda x: f"NOT EXISTS {{ {x} {p} {v} FILTER(!{_safe(every(v))}) }}")
        return _join(tests, " && "), steps + depth


Test = Callable[[str], str]


def _sorted(nodes: Iterable[rdflib.term.Node]) -> tuple[rdflib.term.Node, ...]:
    return tuple(sorted(nodes, key=lambda n: n.n3()))


def _safe(expression: str) -> str:
    """An expression that is false where SPARQL would raise an error."""
    return f"COALESCE(({expression}), false)"


def _join(tests: list[Test], op: str) -> Test:
    if not tests:
        return lambda x: "true"
    return lambda x: "(" + op.join(_safe(t(x)) for t in tests) + ")"


def _negate(test: Test) -> Test:
    return lambda x: f"!{_safe(test(x))}"


def _datatype(datatype: rdflib.term.Node) -> Test:
    if datatype == RDF.langString:
        return lambda x: f'isLiteral({x}) && LANG({x}) != ""'
    well_formed = ""
    if datatype in CASTABLE:  # an ill-formed literal fails its cast
        well_formed = " && COALESCE({d}(STR({x})) = {d}(STR({x})), false)"
    d = datatype.n3()
    return lambda x: (
        f'isLiteral({x}) && LANG({x}) = "" && DATATYPE({x}) = {d}' + well_formed.format(d=d, x=x)
    )


def _pattern(pattern: str, flags: rdflib.term.Node | None) -> Test:
    regex = rdflib.Literal(pattern).n3()
    extra = f", {rdflib.Literal(str(flags)).n3()}" if flags is not None else ""
    return lambda x: f"!isBlank({x}) && REGEX(STR({x}), {regex}{extra})"


def _languages(languages: list[rdflib.term.Node]) -> Test:
    ranges = [rdflib.Literal(str(lang)).n3() for lang in languages]
    return lambda x: (
        f"isLiteral({x}) && (" + " || ".join(f"LANGMATCHES(LANG({x}), {r})" for r in ranges) + ")"
        if ranges
        else "false"
    )


def _length(op: str, bound: int) -> Test:
    return lambda x: f"!isBlank({x}) && STRLEN(STR({x})) {op} {bound}"


def _compare(op: str, bound: rdflib.term.Node) -> Test:
    return lambda x: f"{x} {op} {bound.n3()}"


def _one_of(members: list[rdflib.term.Node]) -> Test:
    return lambda x: (
        "(" + " || ".join(f"sameTerm({x}, {m.n3()})" for m in members) + ")" if members else "false"
    )


def _by_reach(
    tests: list[tuple[rdflib.URIRef, Test, int]], steps: int
) -> list[tuple[list[tuple[rdflib.URIRef, Test]], int]]:
    """The value tests of one shape in one query, or two: those an incremental build may
    limit to the nodes a change affects (reach within ``MAX_REACH``), and the others."""
    groups: dict[bool, list[tuple[rdflib.URIRef, Test, int]]] = {}
    for component, ok, depth in tests:
        groups.setdefault(steps + depth <= MAX_REACH, []).append((component, ok, depth))
    return [([(c, ok) for c, ok, _ in group], steps + max(d for _, _, d in group))
            for group in groups.values()]  # fmt: skip


def _tested(
    values: str, value: str, tests: list[tuple[rdflib.URIRef, Test]], reach: int,
    common: dict[str, object],
) -> Check:  # fmt: skip
    """One query for the value tests of a shape: the rows are the values that fail one."""
    broken = [(component, f"!{_safe(ok(value))}") for component, ok in tests]
    body = f"{values} FILTER({' || '.join(b for _, b in broken)})"
    parts = tuple(broken) if len(broken) > 1 else ()
    return Check(component=broken[0][0], body=body, reach=reach, parts=parts, **common)  # type: ignore[arg-type]


def _counted(
    p: str, condition: str, bounds: list[tuple[rdflib.URIRef, str, int | None]], reach: int,
    common: dict[str, object],
) -> Iterator[Check]:  # fmt: skip
    """The checks of a lower and an upper bound on how many values (``condition`` limits
    which) a focus node has: one query for both."""
    given = [(component, sign, bound) for component, sign, bound in bounds if bound is not None]
    if len(given) == 1:
        component, sign, bound = given[0]
        body, group = _count(p, condition, bound, sign)
        yield Check(component=component, body=body, group=group, reach=reach, **common)  # type: ignore[arg-type]
    elif given:
        parts = tuple((c, f"COUNT(DISTINCT ?_q) {sign} {bound}") for c, sign, bound in given)
        body = f"OPTIONAL {{ ?this {p} ?_q {condition} }}"
        group = f"GROUP BY ?this HAVING ({' || '.join(b for _, b in parts)})"
        yield Check(component=given[0][0], body=body, group=group, reach=reach, parts=parts,
                    **common)  # type: ignore[arg-type]  # fmt: skip


def _count(p: str, condition: str, bound: int, sign: str) -> tuple[str, str]:
    """The body and GROUP BY of a constraint on how many values a focus node has."""
    if sign == "<" and bound == 1 and not condition:
        return f"FILTER NOT EXISTS {{ ?this {p} [] }}", ""
    body = f"OPTIONAL {{ ?this {p} ?_q {condition} }}"
    return body, f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_q) {sign} {bound})"
