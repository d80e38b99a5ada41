"""Jinja2 rendering with escaping always on (templates are ``*.html``, autoescape=True)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader

from publish.serve import i18n

if TYPE_CHECKING:  # the error pages render too, and the state's module needs them
    from publish.serve.deps import State

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)


def local_path(base: str, iri: str) -> str:
    """A published IRI as a link on this server (other IRIs are left as they are)."""
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def render(template: str, request: Request, state: State, **context: Any) -> str:
    base = state.settings.base_iri

    def local(iri: str) -> str:
        return local_path(base, iri)

    def short(iri: str) -> str:
        return (
            iri[len(base) :] if iri.startswith(base) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        )

    lang = i18n.choose(request)
    other = next(code for code in i18n.LANGUAGES if code != lang)
    common = {
        "manifest": state.manifest,
        "release": state.release_id,
        "lang": lang,
        "other_lang": other,
        "switch_url": i18n.switch_url(request, other),
        "t": i18n.words(lang),
    }
    return (
        environment()
        .get_template(template)
        .render(request=request, local=local, short=short, **common, **context)
    )
