"""Pages and files for people and harvesters: home, dumps, the VoID/DCAT description."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import mimeparse
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from publish.integrity import CHECKSUMS
from publish.inuse import MANIFEST
from publish.rdf import serialize
from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.examples import TIMELINE, built_in
from publish.serve.execute import Answer, Job
from publish.serve.fairness import run_query
from publish.serve.render import local_path, render

router = APIRouter()
EXTRA_FILES = {
    "description.ttl": "text/turtle",
    "validation-report.ttl": "text/turtle",
    MANIFEST: "application/json",
    CHECKSUMS: "text/plain",
}
RESULTS_JSON = "application/sparql-results+json"
VOID_TYPES = ("application/rdf+xml", "application/ld+json", "application/n-triples", "text/turtle")


def dump_types(manifest: dict[str, Any]) -> dict[str, str]:
    """Every downloadable file of the release and its media type; gzip files are gzip."""
    types = {name: f["media_type"] for name, f in manifest["files"].items()}
    types = {n: "application/gzip" if n.endswith(".gz") else t for n, t in types.items()}
    return {**types, **EXTRA_FILES}


class DumpFiles(StaticFiles):
    """The release folder's dump files only (never the store), with ETag, Last-Modified,
    304 on conditional requests and HEAD, as Starlette's static files give them."""

    def __init__(self, folder: Path, types: dict[str, str]) -> None:
        super().__init__(directory=folder)
        self.types = types

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if path not in self.types:
            return "", None
        return super().lookup_path(path)

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        if isinstance(response, FileResponse):
            response.media_type = self.types[Path(full_path).name]
            response.headers["content-type"] = response.media_type
        return response


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, state: StateDep) -> HTMLResponse:
    return HTMLResponse(
        render(
            "home.html",
            request,
            state,
            sums=state.sums,
            questions=state.examples,
        )
    )


@router.get("/dumps/", response_class=HTMLResponse)
async def dumps(request: Request, state: StateDep) -> HTMLResponse:
    types = state.dumps.types
    files = [(n, t, (state.release_folder / n).stat().st_size) for n, t in sorted(types.items())]
    return HTMLResponse(render("dumps.html", request, state, files=files, sums=state.sums))


@router.api_route("/void", methods=["GET", "HEAD"])
@router.api_route("/.well-known/void", methods=["GET", "HEAD"])
async def void(request: Request, state: StateDep) -> Response:
    try:
        media_type = mimeparse.best_match(list(VOID_TYPES), request.headers.get("accept") or "*/*")
    except ValueError:
        media_type = ""
    if not media_type:
        return Response("offered: " + ", ".join(VOID_TYPES) + "\n", 406, media_type="text/plain")
    path = state.release_folder / "description.ttl"
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    fmt = ox.RdfFormat.from_media_type(media_type)
    body = serialize(triples, fmt) if fmt else b""
    return Response(
        b"" if request.method == "HEAD" else body, media_type=media_type, headers={"Vary": "Accept"}
    )


@router.get("/search")
async def search(
    request: Request, state: StateDep, q: str = "", fmt: Annotated[str, Query(alias="format")] = ""
) -> Response:
    """Labels matching ``q``; HTML for people, JSON with ``format=json`` or Accept JSON."""
    hits = (await state.labels()).search(q[:200]) if q.strip() else []
    wants_json = fmt == "json" or "application/json" in (request.headers.get("accept") or "")
    if wants_json:
        base = state.settings.base_iri
        items = [{"iri": h.iri, "label": h.label, "page": local_path(base, h.iri)} for h in hits]
        return JSONResponse({"query": q, "results": items})
    return HTMLResponse(render("search.html", request, state, q=q, hits=hits))


@router.get("/timeline", response_class=HTMLResponse)
async def timeline(request: Request, state: StateDep) -> HTMLResponse:
    """Every dated event, oldest first (competency question 14)."""
    query = built_in(TIMELINE).text  # shipped in the package: never missing
    answer = await run_query(
        state.pool, Job(query, RESULTS_JSON, 10_000), state.settings.query_timeout_s
    )
    rows = json.loads(answer.body)["results"]["bindings"] if isinstance(answer, Answer) else []
    lang = i18n.choose(request)
    # the question lists the Vietnamese labels
    translations = await state.translations(lang) if lang != i18n.DEFAULT else {}
    return HTMLResponse(
        render("timeline.html", request, state, rows=rows, translations=translations)
    )
