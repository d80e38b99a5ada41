"""The one interface between the service and its SPARQL engine.

Everything that serves data (CLI queries now, the HTTP service later) goes through
``SparqlStore``; results are pyoxigraph's result types, which a remote backend can produce
too with ``pyoxigraph.parse_query_results``. The default graph is the union of all named
graphs unless the caller names the graphs it wants.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from publish.inuse import MANIFEST
from publish.remote_store import RemoteSpec, RemoteStore
from publish.settings import Settings

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class NoReleaseError(Exception):
    """There is no built release to serve (or only one an older bomay built)."""


#: what a release's store holds; 2: the default graph is the merge of the named graphs;
#: 3: beside it, ``labels.json``, the names the pages give resources
STORE_LAYOUT = 3


class SparqlStore(Protocol):
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult: ...


class OxigraphStore:
    """The embedded store of a release, opened read-only."""

    def __init__(self, path: Path) -> None:
        self._store = ox.Store.read_only(str(path))

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        # without FROM, the store's own default graph: the merge of every named graph, built
        # as a set at release time (see build.release.merged_default_graph)
        return self._store.query(
            sparql,
            default_graph=None
            if default_graphs is None
            else [ox.NamedNode(g) for g in default_graphs],
            named_graphs=None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs],
            base_iri=base_iri,
        )


@dataclass
class Release:
    """A finished release; its store is opened only when something queries it here (the
    HTTP service queries through its worker processes and never opens it in-process)."""

    folder: Path
    manifest: dict[str, Any]

    @cached_property
    def store(self) -> SparqlStore:
        return OxigraphStore(self.folder / "store")


#: How a process opens the store of a release: a folder, or the address of a remote server.
StoreSpec = Path | RemoteSpec


def store_spec(settings: Settings, release: Release) -> StoreSpec:
    """The backend ``settings.store`` chooses, for this release."""
    if settings.store == "oxigraph":
        return release.folder / "store"
    if settings.remote_endpoint is None:
        raise ValueError("BOMAY_STORE=remote needs BOMAY_REMOTE_ENDPOINT")
    return RemoteSpec(
        endpoint=settings.remote_endpoint,
        graphs=tuple(release_graphs(release.manifest)),
        release_id=release.folder.name,
        timeout_s=settings.query_timeout_s,
        max_bytes=settings.remote_max_response_mb << 20,
        dataset=settings.remote_dataset,
    )


def open_store(spec: StoreSpec) -> SparqlStore:
    return RemoteStore(spec) if isinstance(spec, RemoteSpec) else OxigraphStore(spec)


def release_graphs(manifest: dict[str, Any]) -> list[str]:
    """The named graphs of a release, from its manifest."""
    return [str(row["g"]) for row in manifest["stats"]["graphs"]]


def open_release(settings: Settings) -> Release:
    folder = settings.current_release
    if not (folder / MANIFEST).is_file():
        raise NoReleaseError(f"no release in {settings.release_dir} (run `bomay build`)")
    folder = folder.resolve()
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("store_layout") != STORE_LAYOUT:
        raise NoReleaseError(
            f"the release in {folder} was built by an older bomay (its store lacks the "
            "merged default graph or the names pages show): run `bomay build`"
        )
    return Release(folder, manifest)
