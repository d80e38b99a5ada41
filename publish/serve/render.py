"""Jinja2 rendering with escaping always on (templates are ``*.html``, autoescape=True)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from publish.layout import DATASET_QUADS
from publish.rdf import TERM_PREFIXES
from publish.serve import i18n

if TYPE_CHECKING:  # the error pages render too, and the state's module needs them
    from publish.serve.deps import State

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


#: a prefixed name (``bomay:asOf``, ``org:linkedTo``) written in a note or definition
PREFIXED_NAME = re.compile(rf"\b(?:{'|'.join(map(re.escape, TERM_PREFIXES))}):[A-Za-z_][\w-]*\w")


def terms(text: str) -> Markup:
    """Text with each prefixed name it mentions set as code: a curator's note may name a
    term (``no schema:startDate here``), and a reader should see it is one, not prose.

    >>> str(terms("no schema:startDate <here>"))
    'no <code>schema:startDate</code> &lt;here&gt;'
    """
    escaped = str(escape(text))
    return Markup(PREFIXED_NAME.sub(lambda m: f"<code>{m.group()}</code>", escaped))  # noqa: S704


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["terms"] = terms
    return env


def local_path(base: str, iri: str) -> str:
    """A published IRI as a link on this server (other IRIs are left as they are)."""
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def term_link(vocab: str, iri: str) -> str | None:
    """Where a property or class is explained on this server: the ontology page, at the
    term's own anchor (``/def#Agency``) or, for a reused vocabulary's term, at its prefixed
    name (``/def#skos:prefLabel``, listed there from ``ontology/labels.ttl``).

    >>> term_link("https://w3id.org/bomay/def#", "http://www.w3.org/ns/org#Post")
    '/def#org:Post'
    """
    if iri.startswith(vocab):
        return "/def#" + iri[len(vocab) :]
    for prefix, namespace in TERM_PREFIXES.items():
        if iri.startswith(namespace) and prefix != "bomay" and len(iri) > len(namespace):
            return f"/def#{prefix}:{iri[len(namespace) :]}"
    return None


def render(template: str, request: Request, state: State, **context: Any) -> str:
    base = state.settings.base_iri
    vocab = state.iris.vocab

    def local(iri: str) -> str:
        return local_path(base, iri)

    def short(iri: str) -> str:
        return (
            iri[len(base) :] if iri.startswith(base) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        )

    def url_with(**changes: object) -> str:
        """This page's URL with parameters changed (None drops one; the language is the
        cookie's, so it is left out)."""
        params = {k: v for k, v in request.query_params.items() if k != "lang"}
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = str(value)
        return f"{request.url.path}?{urlencode(params)}" if params else request.url.path

    lang = i18n.choose(request)
    other = next(code for code in i18n.LANGUAGES if code != lang)
    common = {
        "manifest": state.manifest,
        "release": state.release_id,
        "lang": lang,
        "other_lang": other,
        "switch_url": i18n.switch_url(request, other),
        "t": i18n.words(lang),
        "term_link": lambda iri: term_link(vocab, iri),
        "url_with": url_with,
        "public_url": state.settings.public_url,
        "permalink": state.settings.public_url.rstrip("/")
        + str(request.url.path)
        + (f"?{request.url.query}" if request.url.query else ""),
        "release_file": f"{state.settings.public_url}releases/{state.release_id}/{DATASET_QUADS}",
    }
    return (
        environment()
        .get_template(template)
        .render(request=request, local=local, short=short, **common, **context)
    )
