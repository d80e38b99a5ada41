"""Dereferenceable IRIs: every IRI a release mints answers at the same path here.

``{base}id/…`` (the data, and the dataset's description: catalogue, distributions…),
``{base}def`` (the ontology, also as ``def/`` and at its version IRI ``def/0.1.0``) and
``{base}graph/…`` (each named graph, described by the catalogue and, for an inference, by
itself). ``/void`` answers with the whole description of the dataset.

Pattern: 200 with ``Content-Location`` (no 303 round trip), as "Cool URIs for the Semantic
Web" allows for information resources described in place. The representation is chosen by
a format suffix (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.trig``, ``.html``) or by
``Accept``; every answer says ``Vary: Accept`` and links its alternates. Paths are checked
against the slug grammar before any query is written, so a path can never inject SPARQL.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from publish.layout import DESCRIPTION
from publish.rdf import PREFIXES, serialize
from publish.serve import describe, i18n, resource_page, unit_page
from publish.serve.deps import State, StateDep
from publish.serve.errors import EngineError, NotFoundError
from publish.serve.execute import Answer, Job
from publish.serve.negotiate import DOCUMENT, SUFFIXES, best, split_suffix
from publish.serve.render import render

router = APIRouter()
#: slugs, and a version's dots (``dataset/reference/vietnam-provinces-0.6.0``)
SLUG_PATH = re.compile(r"(id|graph)/[a-z0-9][a-z0-9.-]*(?:/[a-z0-9][a-z0-9.-]*)*")
ONTOLOGY_PATH = re.compile(r"def(/[0-9][0-9a-z.-]*)?")
MAX_INBOUND = 200
MAX_CONTENTS = 300  # statements of a graph shown on its page
MAX_TRIPLES = 100_000


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"])
async def resource(path: str, request: Request, state: StateDep) -> Response:
    return await dereference(f"id/{path}", request, state)


@router.api_route("/graph/{path:path}", methods=["GET", "HEAD"])
async def graph(path: str, request: Request, state: StateDep) -> Response:
    return await dereference(f"graph/{path}", request, state)


@router.api_route("/def{suffix:path}", methods=["GET", "HEAD"])
async def ontology(suffix: str, request: Request, state: StateDep) -> Response:
    stem, media_type = split_suffix(f"def{suffix}")
    if stem == "def/":  # the namespace's own IRI, as some clients write it
        stem = "def"
    return await dereference(stem + _suffix_of(media_type), request, state)


@router.api_route("/void", methods=["GET", "HEAD"])
@router.api_route("/.well-known/void", methods=["GET", "HEAD"])
async def void(request: Request, state: StateDep) -> Response:
    """The description of the dataset: the whole VoID/DCAT document for machines, the
    dataset's page for people."""
    media_type = best(DOCUMENT, request.headers.get("accept"))
    if media_type == "text/html":
        return await dereference(state.iris.dataset[len(state.settings.base_iri) :], request, state)
    path = state.release_folder / DESCRIPTION
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    fmt = ox.RdfFormat.from_media_type(media_type)
    body = serialize(triples, fmt, PREFIXES) if fmt is not None else b""
    return _answer(request, body, media_type, {"Vary": "Accept"})


async def dereference(local: str, request: Request, state: State) -> Response:
    """The representation of ``{base}{local}`` (``local`` may end with a format suffix)."""
    stem, media_type = split_suffix(local)
    if media_type is None:
        media_type = best(DOCUMENT, request.headers.get("accept"))
    if not (SLUG_PATH.fullmatch(stem) or ONTOLOGY_PATH.fullmatch(stem)):
        raise NotFoundError(f"/{stem}")
    iri = state.settings.base_iri + stem
    headers = {**_headers(stem, media_type), **_cache(request, state, stem, media_type)}
    if request.headers.get("if-none-match") == headers["ETag"]:  # before any query
        return Response(status_code=304, headers=headers)
    statements = await state.rows(describe.statements_query(iri))
    if not statements:
        raise NotFoundError(f"/{stem}")
    if media_type == "text/html":
        return _answer(request, await _page(iri, statements, request, state), media_type, headers)
    if media_type == "application/trig":  # the statements in the graphs they come from
        quads = describe.to_quads(await state.select(describe.quads_query(iri), MAX_TRIPLES))
        return _answer(request, serialize(quads, ox.RdfFormat.TRIG, PREFIXES), media_type, headers)
    answer = await state.run(
        Job(describe.construct_query(iri, state.iris.dataset), media_type, MAX_TRIPLES)
    )
    if not isinstance(answer, Answer):  # pragma: no cover - the query is ours and valid
        raise EngineError(500, answer.message)
    return _answer(request, answer.body, media_type, headers)


async def _page(
    iri: str, statements: list[dict[str, Any]], request: Request, state: State
) -> bytes:
    lang = i18n.choose(request)
    vocab = state.iris.vocab
    sources = await state.sources(lang)
    names = state.names()
    statements = [*statements, *await state.rows(describe.inline_query(iri))]
    names.add(statements, lang, p="plabel", o="olabel", bp="bplabel", bo="bolabel")
    if iri == state.iris.ontology:  # its terms, rather than the hundred that point at it
        page = resource_page.build(iri, lang, vocab, statements, [], [], sources)
        terms = await state.rows(describe.terms_query(vocab))
        reused = await state.rows(describe.reused_terms_query(state.iris.graph("labels")))
        term_labels = {
            row["term"]["value"]: row[key]["value"]
            for row in (*terms, *reused)
            for key in ("vi", "en")[:: 1 if lang == "en" else -1]  # the page's language last
            if key in row
        }
        return render("ontology.html", request, state, page=page, terms=terms, reused=reused,
                      term_labels=term_labels).encode()  # fmt: skip
    links = names.add(await state.rows(describe.inbound_query(iri)), lang, p="plabel",
                      s="slabel")  # fmt: skip
    inbound = first_inbound(links)
    context = names.add(await state.rows(describe.context_query(iri, vocab)), lang,
                        event="eventLabel", other="otherLabel")  # fmt: skip
    page = resource_page.build(iri, lang, vocab, statements, inbound, context, sources)
    page.inbound_full = len(links) > MAX_INBOUND
    if state.iris.is_graph(iri):
        contents = await state.rows(describe.contents_query(iri, MAX_CONTENTS))
        names.add(contents, lang, s="slabel", p="plabel", o="olabel")
        page.contents = resource_page.contents(contents, lang)
    unit = await unit_page.build(state, iri, page.title.value, lang)  # None unless a unit
    return render("resource.html", request, state, page=page, unit=unit).encode()


def first_inbound(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first ``MAX_INBOUND`` links by property, then by the label of what links."""

    def key(row: dict[str, Any]) -> tuple[str, str, str]:
        label = row.get("slabel", {}).get("value", "")
        return row["p"]["value"], label.casefold(), row["s"]["value"]

    return sorted(rows, key=key)[:MAX_INBOUND]


def _answer(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    if media_type == "text/html":
        return HTMLResponse(b"" if request.method == "HEAD" else body, headers=headers)
    content = b"" if request.method == "HEAD" else body
    return Response(content, media_type=media_type, headers=headers)


def _suffix_of(media_type: str | None) -> str:
    return next((s for s, m in SUFFIXES.items() if m == media_type), "")


def _cache(request: Request, state: State, stem: str, media_type: str) -> dict[str, str]:
    """The answer's ETag, from the release and what of the request shapes the answer (the
    resource, the format, the query string, the page's language), and how long to keep it:
    a client asking again gets 304 before any query is run."""
    key = [state.release_id, stem, media_type, request.url.query, i18n.choose(request)]
    tag = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
    return {
        "ETag": f'"{tag}"',
        "Cache-Control": f"public, max-age={state.settings.cache_max_age_s}",
    }


def _headers(stem: str, media_type: str) -> dict[str, str]:
    alternates = ", ".join(
        f'</{stem}{s}>; rel="alternate"; type="{m}"' for s, m in SUFFIXES.items()
    )
    location = f"/{stem}{_suffix_of(media_type)}"
    return {"Content-Location": location, "Vary": "Accept", "Link": alternates}
