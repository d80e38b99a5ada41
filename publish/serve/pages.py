"""Pages for people: home, the downloads, search, the timeline and what changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.lists import TIMELINE, Group, group, pager
from publish.serve.negotiate import wants_json
from publish.serve.render import local_path, render
from publish.serve.search import PAGE_SIZE

router = APIRouter()
MAX_QUERY = 200
#: lines of the timeline per page, and the size of a run of one day's changes shown as one
TIMELINE_PAGE = 100
GROUP_AT = 10


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, state: StateDep) -> HTMLResponse:
    """What the data is and where to begin: search, the lists, the timeline, the editor."""
    counts = (await state.lists()).counts()
    words = i18n.table(i18n.LIST_WORDS, i18n.choose(request))
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
    request: Request,
    state: StateDep,
    q: str = "",
    kind: str = "",
    page: int = 1,
    fmt: Annotated[str, Query(alias="format")] = "",
) -> Response:
    """Names matching ``q``, by kind, paged; HTML for people, JSON with ``format=json`` or
    Accept JSON."""
    lang = i18n.choose(request)
    results = (await state.labels()).search(q[:MAX_QUERY], lang, kind, page)
    if wants_json(request.headers.get("accept"), fmt):
        base = state.settings.base_iri
        items = [
            {"iri": h.iri, "label": h.label.value, "lang": h.label.lang, "kind": h.kind,
             "matched": h.matched.value, "page": local_path(base, h.iri)}
            for h in results.hits
        ]  # fmt: skip
        return JSONResponse({"query": q, "kind": kind, "total": results.total,
                             "page": results.page, "pages": results.pages,
                             "kinds": dict(results.kinds), "results": items})  # fmt: skip
    words = i18n.table(i18n.LIST_WORDS, lang)
    return HTMLResponse(
        render(
            "search.html",
            request,
            state,
            q=q,
            kind=kind,
            results=results,
            w=words,
            pager=pager(results.page, results.pages),
            page_size=PAGE_SIZE,
        )
    )


@router.get("/timeline", response_class=HTMLResponse)
async def timeline(request: Request, state: StateDep, page: int = 1) -> HTMLResponse:
    """Every dated event and directive, oldest first, filtered by year, kind and province;
    a day's many changes of one kind (the 2025 reorganisation of units) as one line."""
    lang = i18n.choose(request)
    filters = {k: v for k, v in request.query_params.items() if k in TIMELINE.facets and v}
    lists = await state.lists()
    view, every = lists.view("timeline", lang, filters, "", "date", 1)
    lines = every if "kind" in filters else group(every, lists, lang, GROUP_AT)
    pages = max(1, -(-len(lines) // TIMELINE_PAGE))
    page = min(max(page, 1), pages)
    words = i18n.table(i18n.LIST_WORDS, lang)
    shown = [
        line if isinstance(line, Group) else lists.row(line, TIMELINE.columns, lang, words)
        for line in lines[(page - 1) * TIMELINE_PAGE : page * TIMELINE_PAGE]
    ]
    return HTMLResponse(
        render(
            "timeline.html",
            request,
            state,
            view=view,
            lines=shown,
            w=words,
            page=page,
            pages=pages,
            pager=pager(page, pages),
            filters=filters,
        )
    )
