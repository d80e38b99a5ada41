"""Decide, on the query text alone and before evaluation, whether a query may run.

pyoxigraph follows ``SERVICE`` to the network and its recursive parser overflows the stack
on a few thousand nested brackets, so the public endpoint must refuse such queries before
the engine sees them. This is a linear lexer, not a parser: it removes comments, strings
and IRIs (after decoding ``\\u`` escapes, as SPARQL requires), then looks at what is left.
Syntax errors are left to the engine, which reports them with its own message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

UPDATE_KEYWORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# One alternation, scanned left to right: what matters is only what is outside the first three.
_LEXEME = re.compile(
    # A string may be unterminated (the engine reports that): matching it to the end keeps
    # the scan linear instead of retrying it at every later position.
    r"""(?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:''')?|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\")?"""
    r"""|'(?:[^'\\\n\r]|\\.)*'?|"(?:[^"\\\n\r]|\\.)*"?)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<comment>\#[^\n\r]*)"""
    r"""|(?P<word>[?$]?[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(?::[\w\-.:%\u00B7\u00C0-\uFFFF]*)?|:[\w\-.:%\u00B7\u00C0-\uFFFF]*)"""
    r"""|(?P<open>[({\[])|(?P<close>[)}\]])""",
    re.DOTALL,
)


class QueryRefusedError(Exception):
    """A query the public endpoint will not run; the message is shown to the client."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    form: str
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    depth: int


def unescape(text: str) -> str:
    r"""Decode SPARQL codepoint escapes, which apply to the whole query text (§19.2).

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(decode, text)


def check_query(text: str, *, max_depth: int) -> CheckedQuery:
    """Refuse updates (403), SERVICE and deep nesting (400); return the form and FROM graphs."""
    depth = deepest = 0
    form: str | None = None
    prefixes: dict[str, str] = {}
    base: str | None = None
    pending: list[str] = []  # the keywords before the current token: PREFIX p: / FROM NAMED
    from_graphs: list[str] = []
    from_named: list[str] = []
    for match in _LEXEME.finditer(unescape(text)):
        kind, value = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > max_depth:
                raise QueryRefusedError(f"the query nests brackets deeper than {max_depth} levels")
            pending.clear()
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
            pending.clear()
            continue
        if kind in ("comment", "string"):
            continue
        iri = value[1:-1] if kind == "iri" else None
        word = value.upper() if kind == "word" else ""
        if word in UPDATE_KEYWORDS:
            raise QueryRefusedError(
                "this endpoint is read-only: SPARQL Update is not accepted", status=403
            )
        if word == "SERVICE":
            raise QueryRefusedError(
                "SERVICE is not allowed: this endpoint never fetches remote data"
            )
        if word in FORMS and form is None:
            form = word
        target = iri if iri is not None else _prefixed(value, prefixes) if kind == "word" else None
        if pending[:1] == ["PREFIX"] and len(pending) == 2 and iri is not None:
            prefixes[pending[1]] = urljoin(base, iri) if base else iri
        elif pending == ["BASE"] and iri is not None:
            base = urljoin(base, iri) if base else iri
        elif pending[:1] == ["FROM"] and target is not None and word != "NAMED":
            resolved = urljoin(base, target) if base and iri is not None else target
            (from_named if pending[1:] == ["NAMED"] else from_graphs).append(resolved)
        pending = _next_pending(pending, word, value)
    if form is None:
        raise QueryRefusedError("not a SPARQL query (SELECT, CONSTRUCT, ASK or DESCRIBE)")
    return CheckedQuery(form, tuple(from_graphs), tuple(from_named), deepest)


def _next_pending(pending: list[str], word: str, value: str) -> list[str]:
    if word in ("PREFIX", "BASE", "FROM"):
        return [word]
    if pending == ["FROM"] and word == "NAMED":
        return ["FROM", "NAMED"]
    if pending == ["PREFIX"] and value.endswith(":"):
        return ["PREFIX", value[:-1]]
    return []


def _prefixed(value: str, prefixes: dict[str, str]) -> str | None:
    """``ex:g`` → the full IRI, when ``ex`` was declared (else the engine reports it)."""
    if value.startswith(("?", "$")) or ":" not in value:
        return None
    prefix, local = value.split(":", 1)
    return prefixes[prefix] + local if prefix in prefixes else None
