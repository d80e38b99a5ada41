r"""The public endpoint's pre-evaluation checks: forms, SERVICE, updates, nesting, FROM.

The check must agree with how pyoxigraph reads a query, not with how a query looks: the
engine matches keywords without word boundaries, reads ``<`` by context and leaves ``\u``
escapes outside strings alone. Queries that hid SERVICE from a plain lexer are kept here,
with a test showing that the engine really would have followed them.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from publish.serve.checks import (
    CheckedQuery,
    QueryRefusedError,
    check_query,
    mentions_service,
    unescape,
)

MIB = 1 << 20
ENDPOINT = "<http://127.0.0.1:1/>"  # a port the engine's HTTP client refuses to open
REMOTE = "{ ?a ?b ?c }"


def check(text: str, max_depth: int = 64) -> CheckedQuery:
    return check_query(text, max_depth=max_depth)


def refusal(text: str, max_depth: int = 64) -> QueryRefusedError:
    with pytest.raises(QueryRefusedError) as caught:
        check_query(text, max_depth=max_depth)
    return caught.value


# --- forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://ex/>\n# an ASK in a comment\nSELECT ?s { ?s ex:p ?o }", "SELECT"),
        (
            "# SELECT in a comment\nPREFIX ex: <http://ex/>\nCONSTRUCT { ?s ?p ?o } WHERE {}",
            "CONSTRUCT",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://ex/> PREFIX : <#> ask { ?s ?p ?o }", "ASK"),
        ("  # DESCRIBE\n\nAsK{}", "ASK"),
        ("PREFIX select: <http://ex/> DESCRIBE select:x", "DESCRIBE"),
        (
            "PREFIX ex: <http://ex/> describe <http://ex/a> ?x WHERE { ?x ex:ask 'SELECT' }",
            "DESCRIBE",
        ),
        ("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }", "SELECT"),
        (
            "PREFIX ex: <http://ex/> SELECT ?ask ?construct { ?ask ex:describe ?construct }",
            "SELECT",
        ),
        ("SELECT*{}", "SELECT"),
    ],
)
def test_form_is_the_first_query_keyword(text: str, form: str) -> None:
    assert check(text).form == form


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "# SELECT * WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://ex/>",
        "'SELECT * WHERE {}'",
        "?select ex:ask <http://ex/describe> $construct",
        "SELECTS * WHERE {}",
    ],
)
def test_text_without_a_query_form_is_not_a_query(text: str) -> None:
    error = refusal(text)
    assert error.status == 400
    assert str(error) == "not a SPARQL query (SELECT, CONSTRUCT, ASK or DESCRIBE)"


def test_refusal_carries_message_and_status() -> None:
    error = QueryRefusedError("no")
    assert (error.message, error.status, str(error)) == ("no", 400, "no")
    assert QueryRefusedError("read-only", status=403).status == 403


# --- SERVICE -----------------------------------------------------------------------------

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { SERV\u0049CE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { \U00000053ervice <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment line\nSERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE {\n  ?s ?p ?o . # SERVICE in a comment\n  SERVICE ?endpoint { ?s ?p ?o }\n}",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE {SERVICE<http://example.org/sparql>{?s ?p ?o}}",
    "SELECT * WHERE { OPTIONAL { { SELECT * { SERVICE <http://x/> {} } } } }",
    "PREFIX ex: <http://ex/> ASK { FILTER EXISTS { SERVICE ex:endpoint { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o } VALUES ?x { 1 } # fine\n; SERVICE",
]

# Each of these made pyoxigraph 0.5 open a connection, and each passed a plain lexer.
ENGINE_FOLLOWS = [
    # keywords without word boundaries: after a number or a boolean, before a name
    f"SELECT * WHERE {{ BIND(1 AS ?z) FILTER(true)SERVICE {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ BIND(1 AS ?z).SERVICE {ENDPOINT} {REMOTE} }}",
    f"PREFIX : {ENDPOINT} SELECT * WHERE {{ SERVICE:x {REMOTE} }}",
    f"PREFIX ex: {ENDPOINT} SELECT * WHERE {{ SERVICEex:x {REMOTE} }}",
    # '<' compares inside an expression, so the quote after it opens a string
    f"SELECT * WHERE {{ BIND(1<'>' AS ?z) SERVICE {ENDPOINT} {REMOTE} FILTER(?z != '') }}",
    f"SELECT (1<'>' AS ?z) WHERE {{ SERVICE {ENDPOINT} {REMOTE} FILTER(?z != '') }}",
    f"SELECT * WHERE {{ BIND('x'@en<'>' AS ?z) SERVICE {ENDPOINT} {REMOTE} FILTER(?z != '') }}",
    # the engine leaves \u alone outside strings, so this string ends after the backslash
    r'SELECT * WHERE { BIND("a\u005c" AS ?z) SERVICE ' + f'{ENDPOINT} {REMOTE} FILTER(?z != "") }}',
    # an escaped quote in a prefixed name opens no string
    f"PREFIX ex: <http://ex/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) SERVICE {ENDPOINT} "
    f"{REMOTE} FILTER(?z != ex:b\\') }}",
]

ALSO_READ_AS_SERVICE = [
    f"SELECT * WHERE {{ ?s ?p 1SERVICE {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ ?s ?p 1.5e3SERVICE {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ ?s ?p falseSERVICE {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ ?s ?p 'x'SERVICE {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ SERVICESILENT {ENDPOINT} {REMOTE} }}",
    f"SELECT * WHERE {{ SERVICE?x {REMOTE} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>') SERVICE {ENDPOINT} {REMOTE} FILTER(?o != '') }}",
    f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (1<'>') (?z != '') SERVICE {ENDPOINT}",
    f"SELECT * WHERE {{ ?o ?p ?o FILTER(?o<?o)#>'''\nSERVICE {ENDPOINT} {REMOTE} }} # '''",
    # §19.2 decodes \u0022 before parsing, so SERVICE is outside the strings
    r'SELECT * WHERE { ?s ?p "\u0022 SERVICE <http://x/> {} \u0022" }',
]


@pytest.mark.parametrize("text", SERVICE_QUERIES + ENGINE_FOLLOWS + ALSO_READ_AS_SERVICE)
def test_service_is_refused(text: str) -> None:
    error = refusal(text)
    assert error.status == 400
    assert "never fetches remote data" in str(error)


@pytest.mark.parametrize("text", ENGINE_FOLLOWS)
def test_the_engine_would_have_followed_these(text: str) -> None:
    """Why the check is stricter than word boundaries: pyoxigraph tries to connect."""
    with pytest.raises(OSError, match="port 1"):
        list(ox.Store().query(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, 'SERVICE')) }",
        'SELECT * WHERE { ?s ?p "service <http://x/> { ?a ?b ?c }" }',
        "SELECT * WHERE { ?s ?p '''line one\nSERVICE <http://x/> {{{{\nline three''' }",
        'SELECT * WHERE { ?s ?p """a "quoted" SERVICE ""\n{{{{ """ }',
        r"SELECT * WHERE { ?s ?p 'it\'s a SERVICE { {' }",
        r'SELECT * WHERE { ?s ?p "say \"SERVICE\" {{ \\" }',
        "SELECT * WHERE { ?s <http://example.org/service> ?o }",
        "SELECT * WHERE { ?s <http://example.org/def#SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { ?a ?b ?c }",
        "# SERVICE\nSELECT * WHERE { ?s ?p ?o }",
        "SELECT ?service WHERE { ?service ?p $SERVICE }",
        "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:service ex:SERVICE }",
        "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:a.service ex:service-desk }",
        "SELECT * WHERE { _:service ?p ?o }",
        "SELECT * WHERE { ?s ?p SERVICES }",  # a longer word; the engine reports the error
        "SELECT * WHERE { ?s <http://x/it's> ?o FILTER(?o != 'SERVICE') }",
    ],
)
def test_service_anywhere_is_refused_fail_closed(text: str) -> None:
    """Even where the engine would not read SERVICE, the word is refused (fail closed)."""
    assert "never fetches" in str(refusal(text))


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("SERVICE", True),
        ("service", True),
        ("ex:service", False),
        ("ex:a.SERVICE", False),
        ("_:service", False),
        ("SERVICES", False),
        ("SERVICEsilent", True),
        ("service:x", True),
        ("SERVICEex:x", True),
        ("trueSERVICE", True),
        ("1SERVICE", True),
        ("ex:-SERVICE", True),
        ("ex:a%zzSERVICE", True),
        ("ex:a%20SERVICE", False),
        ("ex:serve", False),
    ],
)
def test_mentions_service(name: str, service: bool) -> None:
    assert mentions_service(name) is service


# --- updates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "insert data { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:b ex:c }",
        "DELETE DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE{?s ?p ?o}WHERE{?s ?p ?o}",
        "LOAD <http://x>",
        "LOAD SILENT <http://x> INTO GRAPH <http://g>",
        "CLEAR ALL",
        "DROP GRAPH <http://g>",
        "CREATE GRAPH <http://g>",
        "ADD DEFAULT TO <http://g>",
        "MOVE <http://a> TO <http://b>",
        "COPY <http://a> TO <http://b>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "# a comment\nDrop All",
        r"\u0044ROP ALL",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    ],
)
def test_updates_are_refused_as_read_only(text: str) -> None:
    error = refusal(text)
    assert error.status == 403
    assert "read-only" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?insert $load WHERE { ?insert ?p $load }",
        "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:delete ex:with ; ex:add-on ex:copy }",
        "SELECT * WHERE { ?s ?p 'DROP ALL' } # CLEAR ALL",
        "SELECT * WHERE { ?s <http://ex/load> <http://ex/move#create> }",
        "SELECT * WHERE { ?s ?p LOADS }",
    ],
)
def test_update_words_elsewhere_are_not_keywords(text: str) -> None:
    check(text)


# --- '<' is an IRI only where the engine reads one ----------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("SELECT * WHERE { ?x ?p ?y FILTER(?x < 3 && ?y > 2) }", 2),
        ("SELECT * WHERE { ?x ?p ?y FILTER(?x<3&&?y>2) }", 2),
        ("SELECT * WHERE { ?x ?p ?y FILTER(?x<(((1)))&&?y>2) }", 5),
        ("SELECT * WHERE { ?x ?p ?y FILTER(?y<'a' || ?y>'b#c') }", 2),
        ("SELECT * WHERE { ?x ?p ?y FILTER('x'@en < 'y') }", 2),
        ("SELECT * WHERE { ?x a <http://x/(((> FILTER(?x IN (<http://x#a>, <http://x#b>)) }", 3),
        ("SELECT (COUNT(DISTINCT <http://x#a>) AS ?n) WHERE { ?s ?p ?o }", 2),
        ("SELECT * WHERE { ?s ?p (<http://x#a> <http://x#b>) }", 2),
        ("SELECT * WHERE { VALUES (?a ?b) { (<http://x#a> <http://x#b>) } }", 3),
        ("PREFIX ex: <http://ex/> SELECT * WHERE { FILTER ex:f(?a < <http://x#b>) }", 2),
    ],
)
def test_less_than_is_not_an_iri(text: str, depth: int) -> None:
    assert check(text).depth == depth


# --- nesting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("ASK {}", 1),
        ("SELECT * WHERE { ?s ?p ?o }", 1),
        ("SELECT * WHERE { { ?s ?p (?o) } }", 3),
        ("SELECT * WHERE { ?s ?p [ ?q ( 1 2 ) ] }", 3),
        ("SELECT * WHERE { ?s ?p '(((([[[[{{{{' }", 1),
        ("SELECT * WHERE { ?s ?p <http://x/(((([[[[> }", 1),
        ("# {{{{\nASK { } # ((((", 1),
        ("SELECT * WHERE { } } ) ] { ( ) }", 2),
        (")))}}} ASK { }", 1),
        ("ASK { FILTER(!BOUND(?x)) }", 4),
        ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", 2),
    ],
)
def test_depth(text: str, depth: int) -> None:
    assert check(text).depth == depth


@pytest.mark.parametrize("limit", [1, 2, 10, 64])
def test_depth_limit_is_inclusive(limit: int) -> None:
    assert check("ASK " + "{" * limit + "}" * limit, limit).depth == limit
    error = refusal("ASK " + "{" * (limit + 1) + "}" * (limit + 1), limit)
    assert error.status == 400
    assert str(limit) in str(error)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("{", "}"),
        ("(", ")"),
        ("[", "]"),
        ("{ ?s ?p (", ") }"),
        ("<< ", " ?p ?o >>"),  # triple terms recurse in the engine's parser too
        ("!", ""),  # and so does '!'
    ],
)
def test_five_thousand_nested_brackets_are_refused(opening: str, closing: str) -> None:
    text = "SELECT * WHERE { ?s ?p ?o FILTER(" + opening * 5000 + "1" + closing * 5000 + ") }"
    error = refusal(text, max_depth=64)
    assert error.status == 400
    assert "64" in str(error)


# --- FROM, FROM NAMED, PREFIX and BASE ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "graphs", "named"),
    [
        (
            "SELECT * FROM <http://ex/g1> FROM <http://ex/g2> FROM NAMED <http://ex/n> {}",
            ("http://ex/g1", "http://ex/g2"),
            ("http://ex/n",),
        ),
        (
            "PREFIX ex: <http://ex/> SELECT * FROM ex:g FROM NAMED ex:n WHERE {}",
            ("http://ex/g",),
            ("http://ex/n",),
        ),
        (
            "PREFIX : <http://ex/> SELECT * from :g from named :n {}",
            ("http://ex/g",),
            ("http://ex/n",),
        ),
        (
            "BASE <http://ex/base/> SELECT * FROM <g> FROM NAMED <../n> WHERE {}",
            ("http://ex/base/g",),
            ("http://ex/n",),
        ),
        ("BASE <http://ex/> PREFIX p: <sub/> SELECT * FROM p:g {}", ("http://ex/sub/g",), ()),
        ("PREFIX p: <http://a/> PREFIX p: <http://b/> ASK FROM p:g {}", ("http://b/g",), ()),
        (r"PREFIX ex: <http://ex/> SELECT * FROM ex:a\&b {}", ("http://ex/a&b",), ()),
        (r"SELECT * FROM <http://ex/\u0067> {}", ("http://ex/g",), ()),
        ("CONSTRUCT { ?s ?p ?o } FROM NAMED <urn:x:n> WHERE {}", (), ("urn:x:n",)),
        ("SELECT * # FROM <http://ex/x>\nWHERE { ?s ?p 'FROM <http://ex/y>' }", (), ()),
        ("PREFIX from: <http://ex/> SELECT * WHERE { ?s from:p ?from }", (), ()),
    ],
)
def test_from_graphs(text: str, graphs: tuple[str, ...], named: tuple[str, ...]) -> None:
    checked = check(text)
    assert (checked.from_graphs, checked.from_named_graphs) == (graphs, named)


# --- escapes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        (r"\u0053ERVICE", "SERVICE"),
        (r"\U00000053", "S"),
        (r"caf\u00E9", "café"),
        (r"\u005Cu0041", r"\u0041"),  # one pass, as §19.2 says
        (r"\u12 \uXYZW", r"\u12 \uXYZW"),
        (r"\U00110000", r"\U00110000"),  # beyond Unicode
        (r"\uD800", r"\uD800"),  # a lone surrogate
        ("no escapes", "no escapes"),
    ],
)
def test_unescape(text: str, decoded: str) -> None:
    assert unescape(text) == decoded


# --- size: linear, and no catastrophic backtracking ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p '" + "x" * MIB + "' }",
        "SELECT * WHERE { ?s ?p '''" + "SERV {{\n" * (MIB // 9) + "''' }",
        "SELECT * WHERE { ?s ?p <http://x/" + "a" * MIB + "> }",
        "SELECT * WHERE { ?s ?p ?o } # " + "x" * MIB,
        "SELECT * WHERE { ?s ?p ?o . " + "ex:a." * (MIB // 5) + "}",
        "SELECT * WHERE { ?s ?p ?o " + "?s ?p ?o . " * (MIB // 11) + "}",
        "SELECT * WHERE { ?s ?p '''" + "x'" * (MIB // 2),  # never closed
        "SELECT * WHERE { ?s ?p " + "'\\" * (MIB // 2) + " }",
        "SELECT * WHERE { ?s ?p " + "<" + "a" * MIB + " }",
    ],
)
def test_a_mebibyte_query_is_checked(text: str) -> None:
    assert check(text).form == "SELECT"


def test_a_mebibyte_of_nested_brackets_is_refused() -> None:
    assert refusal("SELECT * WHERE " + "{" * MIB, max_depth=64).status == 400


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM nope:g WHERE {}",  # undeclared prefix
        "SELECT * FROM <g> WHERE {}",  # relative, and no BASE to resolve it
        "BASE <tag:bomay,2026:> SELECT * FROM <g> WHERE {}",  # a base urljoin cannot use
    ],
)
def test_unresolved_from_is_refused_not_widened_to_the_union(text: str) -> None:
    assert "could not be resolved" in str(refusal(text))
