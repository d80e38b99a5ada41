"""Dereferenceable IRIs: ``{base}id/…`` and ``{base}def`` answer at the same path here.

Pattern: 200 with ``Content-Location`` (no 303 round trip), as "Cool URIs for the Semantic
Web" allows for information resources described in place. The representation is chosen by
a format suffix (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``) or by ``Accept``; every
answer says ``Vary: Accept`` and links its alternates. Paths are checked against the slug
grammar before any query is written, so a path can never inject SPARQL.
"""

from __future__ import annotations

import json
import re
from typing import Any

import mimeparse
import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from publish.iris import Iris
from publish.rdf import PREFIXES, serialize
from publish.serve import describe, i18n, unit_page
from publish.serve.deps import State, StateDep
from publish.serve.execute import Answer, Job
from publish.serve.fairness import run_query
from publish.serve.render import render

router = APIRouter()
SLUG_PATH = re.compile(r"[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*")
SUFFIXES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".html": "text/html",
}
#: ties go to the last type: a browser or a bare */* gets HTML
OFFERED = (
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-triples",
    "text/turtle",
    "text/html",
)
RESULTS_JSON = "application/sparql-results+json"
MAX_INBOUND = 200


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"])
async def resource(path: str, request: Request, state: StateDep) -> Response:
    return await _dereference(f"id/{path}", request, state)


@router.api_route("/def{suffix:path}", methods=["GET", "HEAD"])
async def ontology(suffix: str, request: Request, state: StateDep) -> Response:
    return await _dereference(f"def{suffix}", request, state)


async def _dereference(local: str, request: Request, state: StateDep) -> Response:
    stem, media_type = _split_suffix(local)
    if media_type is None:
        try:
            media_type = mimeparse.best_match(list(OFFERED), request.headers.get("accept") or "*/*")
        except ValueError:
            media_type = ""
    if not media_type:
        return Response(
            "offered: " + ", ".join(reversed(OFFERED)) + "\n", 406, media_type="text/plain"
        )
    if stem != "def" and not SLUG_PATH.fullmatch(stem):
        return await _not_found(request, state, stem)
    iri = state.settings.base_iri + stem
    labels = await _select(state, describe.labels_query(iri))
    lang = i18n.choose(request)
    statements = await _select(state, describe.statements_query(iri, lang))
    if not statements:
        return await _not_found(request, state, stem)
    headers = _headers(stem, media_type)
    if media_type == "text/html" and stem == "def":
        vocab = Iris(state.settings.base_iri).vocab
        terms = await _select(state, describe.terms_query(vocab))
        examples = state.manifest.get("term_examples", {})
        for term in terms:
            if example := examples.get(term["term"]["value"]):
                term["anExample"] = {"type": "uri", "value": example}
        page = describe.group(iri, labels, statements, [])
        html = render("ontology.html", request, state, page=page, terms=terms)
        return HTMLResponse(b"" if request.method == "HEAD" else html, headers=headers)
    if media_type == "text/html":
        inbound = await _select(state, describe.inbound_query(iri, MAX_INBOUND, lang))
        lineage = await _select(state, describe.lineage_query(iri, lang))
        page = describe.group(iri, labels, statements, inbound)
        title = page.labels.get(lang) or page.labels.get("vi") or stem
        unit = await unit_page.build(state, iri, title, lang)  # None unless a unit
        html = render("resource.html", request, state, page=page, lineage=lineage, unit=unit)
        return HTMLResponse(b"" if request.method == "HEAD" else html, headers=headers)
    if media_type == "application/trig":  # the statements in the graphs they come from
        quads = describe.to_quads(await _select(state, describe.quads_query(iri)))
        body = serialize(quads, ox.RdfFormat.TRIG, PREFIXES)
        return Response(
            b"" if request.method == "HEAD" else body, media_type=media_type, headers=headers
        )
    dataset = Iris(state.settings.base_iri).resource("dataset/bomay")
    answer = await run_query(
        state.pool,
        Job(describe.construct_query(iri, dataset), media_type, 100_000),
        state.settings.query_timeout_s,
    )
    if not isinstance(answer, Answer):  # pragma: no cover - the query is ours and valid
        return Response(answer.message, 500, media_type="text/plain")
    body = b"" if request.method == "HEAD" else answer.body
    return Response(body, media_type=media_type, headers=headers)


def _split_suffix(local: str) -> tuple[str, str | None]:
    for suffix, media_type in SUFFIXES.items():
        if local.endswith(suffix):
            return local[: -len(suffix)], media_type
    return local, None


def _headers(stem: str, media_type: str) -> dict[str, str]:
    location = next(f"/{stem}{s}" for s, m in SUFFIXES.items() if m == media_type)
    alternates = ", ".join(
        f'</{stem}{s}>; rel="alternate"; type="{m}"' for s, m in SUFFIXES.items()
    )
    return {"Content-Location": location, "Vary": "Accept", "Link": alternates}


async def _select(state: State, query: str) -> list[dict[str, Any]]:
    answer = await run_query(
        state.pool, Job(query, RESULTS_JSON, 10_000), state.settings.query_timeout_s
    )
    if not isinstance(answer, Answer):  # pragma: no cover - the queries are ours and valid
        raise RuntimeError(answer.message)
    bindings: list[dict[str, Any]] = json.loads(answer.body)["results"]["bindings"]
    return bindings


async def _not_found(request: Request, state: State, stem: str) -> Response:
    accept = request.headers.get("accept") or ""
    if "text/html" in accept:
        html = render("error.html", request, state, status=404, path=f"/{stem}")
        return HTMLResponse(html, status_code=404)
    return Response(f"/{stem} is not in this dataset\n", 404, media_type="text/plain")
