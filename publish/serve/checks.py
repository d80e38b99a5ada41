r"""Decide, on the query text alone and before evaluation, whether a query may run.

pyoxigraph follows ``SERVICE`` to the network, and its recursive parser overflows the stack
on a few thousand nested brackets (or ``<<`` triple terms, or ``!`` operators), so the
public endpoint refuses such queries before the engine sees them. Once evaluation starts
it is too late: the request has gone out, or the worker has crashed.

This is a linear lexer with a stack, not a parser: it must not recurse on what it checks.
It cannot simply delete whatever looks like ``<…>``, ``'…'`` or ``# …``, because the engine
is context-sensitive where a lexer is not: ``?a<'>'`` is a comparison with a string, not an
IRI followed by a quote, and deleting the wrong one would hide a ``SERVICE`` behind it. So
the scanner keeps just enough context (is this bracket an expression or a pattern, and does
the ``<`` follow an operand?) to read ``<`` as the engine does.

SPARQL (§19.2) decodes ``\u`` escapes in the whole text before parsing; pyoxigraph 0.5 only
decodes them inside strings and IRIs. The two readings split strings differently
(``"a\u005c" SERVICE …`` hides SERVICE in one of them), so both are checked, and either
one can refuse. Keywords are matched as the engine matches them, without word boundaries:
it reads ``1SERVICE``, ``trueSERVICE``, ``SERVICE:x`` and ``SERVICESILENT`` as SERVICE.
Syntax errors are left to the engine, which reports them with its own message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

UPDATE_KEYWORDS = frozenset(
    ("insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with")
)
FORMS = frozenset(("select", "construct", "ask", "describe"))

READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
NO_SERVICE = "SERVICE is not allowed: this endpoint never fetches remote data"
NOT_A_QUERY = "not a SPARQL query (SELECT, CONSTRUCT, ASK or DESCRIBE)"
SERVICE_WORD = (
    "the word SERVICE may not appear anywhere in a query, not even in a string or a name: "
    "this endpoint never fetches remote data"
)

# VARNAME characters (SPARQL 1.1 grammar, [166]); names add '-', '.', ':', '%' and '\x' escapes.
_NAME = (
    "A-Za-z0-9_\u00b7\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u037d\u037f-\u1fff\u200c\u200d"
    "\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Every alternative is possessive and starts on a distinct character, so a scan is linear.
# Spaces and comments before a token are skipped in the same match.
_TOKEN = re.compile(
    rf"""
    (?:[ \t\r\n]++|\#[^\r\n]*+)*+
    (?:
      (?P<string>'''(?:[^'\\]++|\\.|'(?!''))*+'''|\"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\")
    | (?P<unterminated>'''|\"\"\")
    | (?P<short>'(?:[^'\\\r\n]++|\\.)*+'|"(?:[^"\\\r\n]++|\\.)*+")
    | (?P<var>[?$][{_NAME}]++)
    | (?P<name>(?:[{_NAME}\-.:%]++|\\.)++)
    | (?P<lt><)
    | (?P<punct>>>|!=|&&|\|\||\^\^|.)
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_IRIREF = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>")
_PN_LOCAL = re.compile(rf"(?:[{_NAME}:]|{_PLX})(?:[{_NAME}\-.:]|{_PLX})*+")
_BLANK_LABEL = re.compile(rf"[{_NAME}][{_NAME}\-.]*+")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_SERVICE_ANYWHERE = re.compile("service", re.IGNORECASE)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Kinds of open bracket. Only in an expression can '<' be "less than".
_BRACE, _BRACKET, _EXPR, _GROUP, _TRIPLE = range(5)
# Clauses in which a '(' after an operand starts an expression; the rest are _OTHER.
_SELECT, _ORDER, _OTHER = range(3)
_CLAUSE_WORDS = {
    "select": _SELECT,
    "by": _ORDER,
    "having": _ORDER,
    "where": _OTHER,
    "from": _OTHER,
    "limit": _OTHER,
    "offset": _OTHER,
    "values": _OTHER,
    "construct": _OTHER,
    "describe": _OTHER,
    "ask": _OTHER,
}
_OPENERS = {"{": _BRACE, "[": _BRACKET, "<<": _TRIPLE}
_CONSTRAINT_WORDS = frozenset(("filter", "having", "by", "asc", "desc"))


class QueryRefusedError(Exception):
    """A query that the public endpoint will not run; the message is shown to the client."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 400 bad request; 403 for update attempts (read-only service)


@dataclass(frozen=True)
class CheckedQuery:
    """What the endpoint needs to know about a query it has agreed to run."""

    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE
    from_graphs: tuple[str, ...]  # absolute IRIs named by FROM (not NAMED), in order
    from_named_graphs: tuple[str, ...]  # absolute IRIs named by FROM NAMED
    depth: int  # deepest nesting of ( { [ (and << and ! operators), for diagnostics and tests


def check_query(text: str, *, max_depth: int, max_tokens: int | None = None) -> CheckedQuery:
    """Refuse updates (403), SERVICE, deep nesting and long chains (400); return the form and
    FROM graphs.

    ``max_tokens`` bounds the terms, operators and brackets of a query: the engine builds a
    flat chain (``?x + 1 + 1 …``, ``… || …``, ``MINUS {…} MINUS {…} …``, a long collection)
    into a tree as deep as the chain is long, and a few thousand links overflow its stack.

    >>> check_query("PREFIX ex: <http://ex/> SELECT * FROM ex:g { ?s ?p (?o) }", max_depth=9)
    CheckedQuery(form='SELECT', from_graphs=('http://ex/g',), from_named_graphs=(), depth=2)
    """
    decoded = unescape(text)
    if _SERVICE_ANYWHERE.search(text) or _SERVICE_ANYWHERE.search(decoded):
        # Fail closed: the lexer below tracks pyoxigraph's grammar, but a review found
        # readings where the two disagree; no query needs the word, so none may carry it.
        raise QueryRefusedError(SERVICE_WORD)
    spec = _Scanner(decoded, max_depth, max_tokens)
    spec.scan()
    depth = spec.deepest
    if decoded != text:  # pyoxigraph's own reading, which leaves escapes in place
        engine = _Scanner(text, max_depth, max_tokens)
        engine.scan()
        depth = max(depth, engine.deepest)
    if spec.form is None:
        raise QueryRefusedError(NOT_A_QUERY)
    if spec.from_clauses != len(spec.from_graphs) + len(spec.from_named):
        # an unresolved FROM would otherwise fall back to the union of all graphs
        raise QueryRefusedError("a FROM graph could not be resolved to an absolute IRI")
    return CheckedQuery(spec.form, tuple(spec.from_graphs), tuple(spec.from_named), depth)


def unescape(text: str) -> str:
    r"""Decode SPARQL codepoint escapes over the whole text, as §19.2 says; leave bad ones.

    >>> unescape(r"\u0053ERVICE \U0001F600 \u12 \uD800")
    'SERVICE 😀 \\u12 \\uD800'
    """

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(decode, text)


def mentions_service(name: str) -> bool:
    """Whether the engine could read the keyword SERVICE inside this run of name characters.

    Only a variable, or the local part of a prefixed name, really hides the word: the
    engine matches keywords without word boundaries, and backtracks from ``SERVICE:x``.

    >>> [mentions_service(n) for n in ("ex:service", "SERVICES", "service:x", "1SERVICE")]
    [False, False, True, True]
    """
    low = name.translate(_LOWER)
    while "service" in low:
        colon = low.find(":")
        if colon < 0:
            at = low.find("service")
            rest = low[at + 7 :]
            return at > 0 or not rest or rest.startswith("silent") or "service" in rest
        head, tail = low[:colon], low[colon + 1 :]
        if "service" in head:
            return True
        local = (_BLANK_LABEL if head == "_" else _PN_LOCAL).match(tail)
        low = tail[len(local.group().rstrip(".")) if local else 0 :]
    return False


class _Scanner:
    """One left-to-right pass: tokens, a bracket stack, and the few keywords that matter."""

    def __init__(self, text: str, max_depth: int, max_tokens: int | None = None) -> None:
        self.text = text
        self.max_depth = max_depth
        self.max_tokens = self.tokens_left = max_tokens
        self.stack: list[tuple[int, int, int]] = []  # (kind, cost, clause to restore)
        self.depth = self.deepest = self.bangs = 0
        self.clause = _OTHER
        self.prev: tuple[str, str] = ("", "")  # the last two significant tokens (kind, text)
        self.prev2: tuple[str, str] = ("", "")
        self.form: str | None = None
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}
        self.expect = ""  # the declaration being read: prefix, prefix-iri, base, from, named
        self.prefix_name = ""
        self.from_graphs: list[str] = []
        self.from_named: list[str] = []
        self.from_clauses = 0

    def scan(self) -> None:
        """Read the whole text once; raise on the first thing the endpoint refuses."""
        text, pos = self.text, 0
        while True:
            match = _TOKEN.match(text, pos)
            kind = (match.lastgroup if match else None) or "end"
            if kind in ("end", "unterminated") or match is None:
                return  # the engine rejects an unclosed long string: nothing after it matters
            pos = match.start(kind)
            self._count()
            if kind == "lt":
                kind, value = self._angle(pos)
            else:
                kind, value = ("string" if kind == "short" else kind), match.group(kind)
            pos += len(value)
            if kind == "punct":
                self._punct(value)
            elif kind == "name":
                self._name(value)
                self._declaration(kind, value)
            else:
                if kind != "iri":  # a function name (a name or an IRI) keeps '!' for its '('
                    self.bangs = 0
                if self.expect:
                    self._declaration(kind, value)
            self.prev2, self.prev = self.prev, (kind, value)

    def _count(self) -> None:
        if self.tokens_left is None:
            return
        if self.tokens_left == 0:
            raise QueryRefusedError(
                f"the query has more than {self.max_tokens} terms, operators and brackets, "
                "the most this endpoint accepts (a long flat chain such as '?x + 1 + 1 …' "
                "would exhaust the engine's parser)"
            )
        self.tokens_left -= 1

    def _angle(self, pos: int) -> tuple[str, str]:
        """Read '<' as the engine does: less-than after an operand in an expression."""
        text = self.text
        if self.stack and self.stack[-1][0] == _EXPR and _ends_operand(self.prev, self.prev2):
            return "punct", "<=" if text.startswith("<=", pos) else "<"
        iri = _IRIREF.match(text, pos)
        if iri is not None:
            return "iri", iri.group()
        return "punct", "<<" if text.startswith("<<", pos) else "<"

    def _punct(self, value: str) -> None:
        """Brackets move the stack; a run of '!' counts as nesting until its operand."""
        if value in "({[" or value == "<<":
            self._open(self._bracket_kind(value))
        elif value in ")}]" or (value == ">>" and self.stack and self.stack[-1][0] == _TRIPLE):
            self.bangs = 0
            if self.stack:
                kind, cost, clause = self.stack.pop()
                self.depth -= cost
                if kind == _BRACE:
                    self.clause = clause
        elif value == "!":
            self.bangs += 1
            self._measure(self.depth + self.bangs)
        else:
            self.bangs = 0
        self.expect = ""

    def _bracket_kind(self, value: str) -> int:
        """Whether a bracket opens a pattern or an expression, from the tokens before it."""
        if value != "(":
            return _OPENERS[value]
        kind, text = self.prev
        low = text.translate(_LOWER)
        if (self.stack and self.stack[-1][0] == _EXPR) or (
            kind == "name" and ":" not in low and low not in ("a", "values", "true", "false")
        ):
            return _EXPR  # nested, or after FILTER, BIND, a function, IN, SELECT, BY…
        if kind in ("var", "iri", "name") or text == ")":
            if self.clause in (_SELECT, _ORDER):
                return _EXPR  # SELECT ?a (… AS ?b), ORDER BY ?a (…), GROUP BY ex:f(…)
            if kind != "var" and self.prev2[1].translate(_LOWER) in _CONSTRAINT_WORDS:
                return _EXPR  # FILTER ex:f(…)
        return _GROUP  # a collection, a path group, a VALUES row, a triple term

    def _open(self, kind: int) -> None:
        cost = 1 + self.bangs  # '!(' nests twice in the engine's parser
        self.bangs = 0
        clause = self.clause
        if kind == _BRACE:
            if clause == _SELECT and not (self.stack and self.stack[-1][0] == _EXPR):
                clause = _OTHER  # the WHERE group ends the projection
            self.clause = _OTHER
        self.stack.append((kind, cost, clause))
        self.depth += cost
        self._measure(self.depth)

    def _measure(self, depth: int) -> None:
        if depth > self.max_depth:
            raise QueryRefusedError(
                f"the query nests brackets deeper than {self.max_depth} levels, "
                "the most this endpoint accepts"
            )
        self.deepest = max(self.deepest, depth)

    def _name(self, value: str) -> None:
        """Keywords: SERVICE anywhere the engine might see it, the rest as whole words."""
        low = value.translate(_LOWER)
        if "service" in low and mentions_service(value):
            raise QueryRefusedError(NO_SERVICE)
        if low in UPDATE_KEYWORDS:
            raise QueryRefusedError(READ_ONLY, status=403)
        if low in FORMS and self.form is None:
            self.form = low.upper()
        if low in _CLAUSE_WORDS:
            self.clause = _CLAUSE_WORDS[low]

    def _declaration(self, kind: str, value: str) -> None:
        """Follow PREFIX p: <iri>, BASE <iri> and FROM [NAMED] <iri> or p:local."""
        expect, self.expect = self.expect, ""
        low = value.translate(_LOWER) if kind == "name" else ""
        if low in ("prefix", "base", "from"):
            self.expect = low
        elif expect == "prefix" and kind == "name" and value.find(":") == len(value) - 1:
            self.prefix_name, self.expect = value[:-1], "prefix-iri"
        elif expect == "prefix-iri" and kind == "iri":
            self.prefixes[self.prefix_name] = self._absolute(value[1:-1]) or value[1:-1]
        elif expect == "base" and kind == "iri":
            self.base = self._absolute(value[1:-1])
        elif expect == "from" and low == "named":
            self.expect = "named"
        elif expect in ("from", "named"):
            self.from_clauses += 1
            graph = self._graph(kind, value)
            if graph is not None:
                (self.from_named if expect == "named" else self.from_graphs).append(graph)

    def _graph(self, kind: str, value: str) -> str | None:
        """The absolute IRI a FROM names, or None when the engine will report it instead."""
        if kind == "iri":
            return self._absolute(value[1:-1])
        prefix, colon, local = value.partition(":") if kind == "name" else ("", "", "")
        if not colon or prefix not in self.prefixes:
            return None  # not a prefixed name, or an undeclared prefix the engine reports
        matched = _PN_LOCAL.match(local)
        local = re.sub(r"\\(.)", r"\1", matched.group().rstrip(".")) if matched else ""
        return self._absolute(self.prefixes[prefix] + local)

    def _absolute(self, iri: str) -> str | None:
        if _ABSOLUTE.match(iri):
            return iri
        joined = urljoin(self.base, iri) if self.base else ""
        return joined if _ABSOLUTE.match(joined) else None  # urljoin knows only some schemes


def _ends_operand(prev: tuple[str, str], prev2: tuple[str, str]) -> bool:
    """Whether the last token can end an operand, so that a '<' after it compares."""
    kind, text = prev
    if kind in ("var", "string", "iri") or text == ")":
        return True
    if kind != "name":
        return False
    low = text.translate(_LOWER)
    return ":" in low or low[0] in "0123456789." or low in ("true", "false") or prev2[1] == "@"
