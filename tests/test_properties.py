"""Property-based tests of the pieces that take outside input: for any input, they answer or
refuse in the documented way, and never fail in an undocumented one."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume, example, given
from hypothesis import strategies as st

from publish.iris import Iris, fold, slugify
from publish.serve.checks import QueryRefusedError, check_query, unescape
from publish.serve.negotiate import CANONICAL, RDF, RESULTS, NotAcceptableError, choose
from publish.serve.resources import SLUG_PATH
from publish.serve.search import LabelIndex, folded_words, normalise
from publish.settings import CANONICAL_BASE
from strategies import accept_headers, queries, words


@given(accept=st.one_of(st.none(), accept_headers), fmt=st.one_of(st.none(), st.text(max_size=12)))
@example(accept="*/*;q=nan", fmt=None)
def test_negotiation_offers_only_what_it_can_write(accept: str | None, fmt: str | None) -> None:
    for rdf, offered in ((False, RESULTS), (True, RDF)):
        try:
            chosen = choose(accept, fmt, rdf=rdf)
        except NotAcceptableError as error:
            assert error.offered and str(error).startswith("none of the accepted")
            continue
        assert chosen in {CANONICAL.get(m, m) for m in offered}


@given(media_type=st.sampled_from(RESULTS))
def test_an_exact_accept_gets_that_type(media_type: str) -> None:
    assert choose(media_type, None, rdf=False) == CANONICAL.get(media_type, media_type)


@given(text=st.one_of(words, st.text(max_size=60)))
def test_slugs_are_safe_path_segments_and_stable(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*)?", slug)
    assert slugify(slug) == slug
    assert slugify(unicodedata.normalize("NFD", text)) == slug
    if slug:
        assert SLUG_PATH.fullmatch(f"id/agency/{slug}/{slug}")


@given(text=words)
def test_folding_drops_every_vietnamese_mark(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert fold(unicodedata.normalize("NFD", text)) == folded == fold(folded)
    assert slugify(text.upper()) == slugify(text)


@given(path=st.text(max_size=40), base=st.sampled_from([CANONICAL_BASE, "http://mirror.test/b/"]))
def test_rebasing_moves_only_the_canonical_base(path: str, base: str) -> None:
    iris = Iris(base)
    assert iris.rebase(CANONICAL_BASE + path) == base + path
    assert iris.rebase("http://elsewhere.test/" + path) == "http://elsewhere.test/" + path


@given(path=st.text(max_size=60))
@example(path="../../etc/passwd")
@example(path="agency/%2e%2e/x")
def test_only_slug_paths_reach_a_query(path: str) -> None:
    """What a path may put into generated SPARQL: lower-case letters, digits, '-', '/'."""
    if SLUG_PATH.fullmatch(path):
        assert set(path) <= set("abcdefghijklmnopqrstuvwxyz0123456789-/")
        assert ".." not in path and "//" not in path


@given(text=st.text(max_size=80))
def test_search_normalisation_is_idempotent_and_folded(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert all(re.fullmatch(r"[a-z0-9]+", w) for w in folded_words(text))


@given(label=words, query=st.text(max_size=40))
def test_search_finds_a_label_by_its_own_words_and_never_fails(label: str, query: str) -> None:
    index = LabelIndex(
        [["urn:x", "other", [[label, "vi", 0]]], ["urn:y", "other", [["khác", "vi", 0]]]]
    )
    index.search(query, "vi")  # any text: an answer, never an error
    assume(folded_words(label))
    hits = index.search(unicodedata.normalize("NFD", label.upper()), "vi").hits
    assert hits and hits[0].iri == "urn:x"


@given(text=queries)
@example(text="SELECT * WHERE { \\u0053ERVICE <http://x/> { } }")
def test_query_checks_accept_or_refuse_never_fail(text: str) -> None:
    try:
        checked = check_query(text, max_depth=8, max_tokens=40)
    except QueryRefusedError as error:
        assert error.status in (400, 403) and error.message
        return
    assert "service" not in text.lower() and "service" not in unescape(text).lower()
    assert checked.depth <= 8
    assert checked.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


@given(text=queries, at=st.integers(0, 200), word=st.sampled_from(["SERVICE", "\\u0073ervice"]))
def test_the_word_service_anywhere_is_refused(text: str, at: int, word: str) -> None:
    at = min(at, len(text))
    try:
        check_query(text[:at] + word + text[at:], max_depth=64)
    except QueryRefusedError:
        return
    raise AssertionError("accepted a query naming SERVICE")


@given(
    depth=st.integers(1, 200),
    opener=st.sampled_from(["{", "(", "[", "<<", "!("]),
    limit=st.integers(1, 100),
)
def test_nesting_is_refused_past_the_limit(depth: int, opener: str, limit: int) -> None:
    closer = {"{": "}", "(": ")", "[": "]", "<<": ">>", "!(": ")"}[opener]
    body = opener * depth + "?x" + closer * depth
    text = f"SELECT * WHERE {{ FILTER {body} }}" if opener in ("(", "!(") else f"ASK {{ {body} }}"
    try:
        checked = check_query(text, max_depth=limit)
    except QueryRefusedError as error:
        assert "nests" in error.message
        return
    assert checked.depth <= limit
