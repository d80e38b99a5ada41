"""The query editor page: YASGUI shipped in the package, the competency questions as examples.

Without JavaScript the page is a plain form that sends the query to ``/sparql``; with it,
``static/query.js`` turns the form into YASGUI. Everything it loads comes from this server.
YASGUI speaks English only: on a Vietnamese page the script puts ``i18n.EDITOR_WORDS`` in
place of its words as it draws them (a ``{1}`` in a phrase stands for a number or name it fills in).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from publish.iris import Iris
from publish.rdf import PREFIXES
from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.render import render

router = APIRouter()
STATIC = Path(__file__).resolve().parent.parent / "static"
#: the page loads scripts, styles and data only from this server
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
)


@router.get("/query", response_class=HTMLResponse)
async def query_page(request: Request, state: StateDep, example: str = "") -> HTMLResponse:
    examples = state.examples
    lang = i18n.choose(request)
    chosen = next((e for e in examples if e.name == example), examples[0] if examples else None)
    config = {
        "endpoint": "/sparql",
        "base": state.settings.base_iri,
        # display only: the table shows <{base}id/agency/…> as id:agency/…
        "prefixes": {
            **PREFIXES,
            "bomay": Iris(state.settings.base_iri).vocab,
            "id": state.settings.base_iri + "id/",
        },
        "examples": {e.name: e.text for e in examples},
        "lang": lang,
        # YASGUI's English → the page's words (none to change on an English page)
        "words": {en: vi for vi, en in i18n.EDITOR_WORDS.values()} if lang == "vi" else {},
    }
    html = render("query.html", request, state, examples=examples, chosen=chosen, config=config)
    return HTMLResponse(html, headers={"Content-Security-Policy": POLICY})
