"""The w3id.org rules, generated from the settings, run against a real server: every
minted IRI, the ontology's forms, the downloads and the endpoint reach what they name."""

from __future__ import annotations

import re

import httpx
import pytest

from conftest import make_settings, minted
from publish.settings import CANONICAL_BASE, Settings
from publish.store import Release
from publish.w3id import htaccess, is_local

RULE = re.compile(r"^RewriteRule (\S+) (\S+) \[R=(\d{3}),L\]$")


def rules(text: str) -> list[tuple[re.Pattern[str], str, int]]:
    found = [RULE.match(line) for line in text.splitlines()]
    return [(re.compile(m[1]), m[2], int(m[3])) for m in found if m]


def redirect(text: str, path: str) -> tuple[str, int]:
    """What Apache's mod_rewrite does with ``path`` (relative to the base): the first rule
    that matches, its $n replaced by the groups (the query string is kept by default)."""
    for pattern, target, status in rules(text):
        match = pattern.search(path)
        if match:
            return match.expand(re.sub(r"\$(\d)", r"\\g<\1>", target)), status
    raise AssertionError(f"no rule for {path}")


@pytest.fixture(scope="module")
def text(server: str, settings: Settings) -> str:
    return htaccess(settings.model_copy(update={"public_url": f"{server}/"}))


def test_every_minted_iri_reaches_its_description(text: str, server: str, release: Release) -> None:
    """Each IRI is sent, with a 303, to its own path on the server; tests/test_iris.py
    requests every such path, so here one IRI of each kind is followed."""
    followed: dict[str, str] = {}
    for iri in sorted(minted(release.folder, CANONICAL_BASE)):
        path = iri[len(CANONICAL_BASE) :]
        assert redirect(text, path) == (f"{server}/{path}", 303), iri
        followed.setdefault("/".join(path.split("/")[:2]), f"{server}/{path}")
    assert len(followed) > 20
    for target in followed.values():
        answer = httpx.get(target, headers={"Accept": "text/turtle"}, timeout=30)
        assert answer.status_code == 200, target


@pytest.mark.parametrize(
    ("path", "status", "accept"),
    [
        ("def", 303, "text/turtle"),
        ("def/", 303, "text/turtle"),
        ("def/0.1.0", 303, "text/turtle"),
        ("def.ttl", 303, "*/*"),
        ("void", 303, "text/turtle"),
        (".well-known/void", 303, "text/turtle"),
        ("dumps/bomay.trig", 302, "*/*"),
        ("", 307, "text/html"),
        ("timeline", 307, "text/html"),
    ],
)
def test_other_paths(text: str, path: str, status: int, accept: str) -> None:
    target, got = redirect(text, path)
    assert got == status
    assert httpx.get(target, headers={"Accept": accept}, timeout=30).status_code == 200


def test_a_versioned_download(text: str, release: Release) -> None:
    target, status = redirect(text, f"releases/{release.folder.name}/bomay.nq.gz")
    answer = httpx.get(target, timeout=30)
    assert status == 302 and answer.content == (release.folder / "bomay.nq.gz").read_bytes()


def test_the_endpoint_keeps_a_posted_query(text: str) -> None:
    """308: a client re-sends the POST, body and all, to the endpoint."""
    target, status = redirect(text, "sparql")
    assert status == 308
    request = httpx.Request("POST", "https://w3id.org/bomay/sparql", data={"query": "ASK {}"})
    resent = httpx.post(target, content=request.read(), headers=dict(request.headers))
    assert resent.status_code == 200 and resent.json()["boolean"] is True


def test_the_rules_follow_the_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    public = "https://bomay.example.org/sub/"
    settings = make_settings(tmp_path_factory.mktemp("w3id"), public_url=public)
    generated = htaccess(settings)
    assert all(target.startswith(public) for _, target, _ in rules(generated))
    assert f"Redirects for {CANONICAL_BASE} to {public}" in generated
    assert not is_local(public) and is_local("http://127.0.0.1:8000/")
