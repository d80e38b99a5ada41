"""Pages for people: home, the downloads, search, the timeline and what changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.examples import TIMELINE, built_in
from publish.serve.lists import WORDS
from publish.serve.render import local_path, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, state: StateDep) -> HTMLResponse:
    """What the data is and where to begin: search, the lists, the timeline, the editor."""
    counts = (await state.lists()).counts()
    words = i18n.table(WORDS, i18n.choose(request))
    return HTMLResponse(
        render("home.html", request, state, counts=counts, w=words, questions=state.examples)
    )


@router.get("/dumps/", response_class=HTMLResponse)
async def dumps(request: Request, state: StateDep) -> HTMLResponse:
    types = state.dumps.types
    files = [(n, t, (state.release_folder / n).stat().st_size) for n, t in sorted(types.items())]
    return HTMLResponse(render("dumps.html", request, state, files=files, sums=state.sums))


@router.get("/changes", response_class=HTMLResponse)
async def changes(request: Request, state: StateDep) -> HTMLResponse:
    """What changed since the previous release, in words (the downloads hold each triple)."""
    return HTMLResponse(render("changes.html", request, state, changes=state.changes))


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
    """Every dated event, oldest first (competency question 14, shipped in the package)."""
    rows = await state.select(built_in(TIMELINE, state.settings.base_iri).text)
    lang = i18n.choose(request)
    # the question lists the Vietnamese labels
    translations = await state.translations(lang) if lang != i18n.DEFAULT else {}
    return HTMLResponse(
        render("timeline.html", request, state, rows=rows, translations=translations)
    )
