"""Hypothesis strategies for input from outside: Vietnamese words, Accept headers, SPARQL
token soup (for the property tests and the HTTP fuzzer)."""

from __future__ import annotations

from hypothesis import strategies as st

from publish.serve.negotiate import RDF, RESULTS

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
words = st.text(VIETNAMESE + VIETNAMESE.upper() + " -0123456789", min_size=1, max_size=40)
media_ranges = st.sampled_from(
    [*RESULTS, *RDF, "*/*", "text/*", "application/*", "text/html", "image/png", "", ";;", "a/b"]
)
accept_headers = st.one_of(
    st.text(max_size=80),
    st.lists(
        st.tuples(media_ranges, st.one_of(st.none(), st.floats(0, 1), st.text(max_size=5))),
        max_size=5,
    ).map(lambda items: ", ".join(m if q is None else f"{m};q={q}" for m, q in items)),
)
# SPARQL-ish token soup: keywords, brackets, operators, escapes, IRIs and strings
SPARQL_TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "PREFIX", "BASE",
    "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "AS", "ORDER", "BY",
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "WITH", "service", "SeRvIcE", "\\u0053ERVICE",
    "{", "}", "(", ")", "[", "]", "<<", ">>", "<", ">", "<=", "!", "!=", "&&", "||", "+", "*",
    ".", ";", ",", "^^", "a", "?s", "?p", "?o", "$x", "ex:", "ex:p", "_:b", "1", "true",
    "<http://127.0.0.1:9/>", "<urn:x>", "'s'", '"s"', "'''x'''", '"', "'", "#", "\n", "\\",
    "\\u007B", "\\U0000007D", "\\u", "@vi",
]  # fmt: skip
queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SPARQL_TOKENS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(SPARQL_TOKENS), max_size=60).map("".join),
)
