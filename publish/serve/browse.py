"""``/browse``: the lists (``lists``) as pages for people, and each view as CSV or JSON.

The CSV and JSON hold every row of the view (its filters and order), not only the page shown.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.errors import NotFoundError
from publish.serve.lists import LINKED, LISTS, PAGE_SIZE, Row, View, pager
from publish.serve.render import render

router = APIRouter()
MAX_QUERY = 200
#: parameters that are not filters
CONTROLS = ("q", "sort", "page", "format", "lang")


@router.get("/browse", response_class=HTMLResponse)
async def lists(request: Request, state: StateDep) -> HTMLResponse:
    lang = i18n.choose(request)
    counts = (await state.lists()).counts()
    html = render(
        "browse_index.html", request, state, counts=counts, w=i18n.table(i18n.LIST_WORDS, lang)
    )
    return HTMLResponse(html)


@router.get("/browse/{kind}")
async def browse(
    kind: str,
    request: Request,
    state: StateDep,
    q: str = "",
    sort: str = "",
    page: int = 1,
    fmt: Annotated[str, Query(alias="format")] = "",
) -> Response:
    """One list: HTML for people, or the whole view as ``format=csv`` or ``format=json``."""
    if kind not in LISTS:
        raise NotFoundError(request.url.path)
    lang = i18n.choose(request)
    filters = {
        name: value for name, value in request.query_params.items()
        if name not in CONTROLS and value
    }  # fmt: skip
    all_lists = await state.lists()
    view, every = all_lists.view(kind, lang, filters, q[:MAX_QUERY], sort, page)
    if fmt in ("csv", "json"):
        words = i18n.table(i18n.LIST_WORDS, lang)
        rows = [all_lists.row(i, LISTS[kind].columns, lang, words) for i in every]
        return _download(kind, view, rows, fmt)
    words = i18n.table(i18n.LIST_WORDS, lang)
    return HTMLResponse(
        render(
            "browse.html",
            request,
            state,
            view=view,
            spec=LISTS[kind],
            w=words,
            filters=filters,
            pager=pager(view.page, view.pages),
            page_size=PAGE_SIZE,
        )
    )


def _download(kind: str, view: View, rows: list[Row], fmt: str) -> Response:
    columns = LISTS[kind].columns
    if fmt == "json":
        return JSONResponse({
            "list": kind,
            "total": view.total,
            "sort": view.sort,
            "items": [
                {"iri": r.iri, "page": r.page, "label": r.label.value,
                 **{c: [{"label": x.text.value, **({"iri": x.link} if x.link else {})}
                        if c in LINKED else x.text.value for x in r.cells[c]] for c in columns}}
                for r in rows
            ],
        })  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["iri", "label", *columns])
    for r in rows:
        cells = ("; ".join(x.text.value for x in r.cells[c]) for c in columns)
        writer.writerow([r.iri, r.label.value, *cells])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )
