"""The state a request handler needs, as one typed FastAPI dependency.

``State`` is one served release: its settings, manifest, files, examples, and the worker
pool that answers its queries. Handlers query it through ``run`` (an answer in a format)
and ``select`` (rows), which apply the time limit; nothing else talks to the pool.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pyoxigraph as ox
from fastapi import Depends, Request

from publish.build.browse import read_browse_index
from publish.build.labels import read_labels
from publish.iris import Iris
from publish.serve.examples import Example
from publish.serve.execute import Answer, Failure, Job
from publish.serve.fairness import run_query
from publish.serve.lists import Lists
from publish.serve.metrics import Metrics
from publish.serve.names import Names
from publish.serve.provenance import Source, sources, sources_query
from publish.serve.ratelimit import charge
from publish.serve.search import LabelIndex
from publish.serve.workers import QueryPool
from publish.settings import Settings
from publish.store import OxigraphStore

if TYPE_CHECKING:  # dumps imports this module for the dependency
    from publish.serve.dumps import DumpFiles

RESULTS_JSON = "application/sparql-results+json"


@dataclass
class State:
    settings: Settings
    manifest: dict[str, Any]
    release_folder: Path
    pool: QueryPool
    metrics: Metrics
    dumps: DumpFiles  # the release's files under /dumps
    examples: list[Example]  # the competency questions, read once per served release
    sums: dict[str, str]  # file name → SHA-256 of the release's files, read once too
    changes: dict[str, Any] | None  # what changed since the previous release (changes.json)

    _labels: LabelIndex | None = None
    _sources: dict[str, dict[str, Source]] = field(default_factory=dict)
    _lists: Lists | None = None
    _browse: dict[str, Any] | None = None
    _names: Names | None = None
    _store: OxigraphStore | None = None  # the release's store, opened here for the pages

    @property
    def release_id(self) -> str:
        return self.release_folder.name

    @property
    def iris(self) -> Iris:
        return Iris(self.settings.base_iri)

    async def run(self, job: Job) -> Answer | Failure:
        """One query on a worker for the client being answered: within the time limit, in
        one of its query slots, charged to its query-time budget (``fairness.run_query``)."""
        return await run_query(self.pool, job, self.settings.query_timeout_s)

    async def select(self, query: str, max_rows: int = 10_000) -> list[dict[str, Any]]:
        """The rows of one of the service's own SELECT queries, as SPARQL JSON bindings."""
        answer = await self.run(Job(query, RESULTS_JSON, max_rows))
        if not isinstance(answer, Answer):  # the queries are ours: a failure is a bug
            raise RuntimeError(f"the service's own query failed: {answer.message}")
        rows: list[dict[str, Any]] = json.loads(answer.body)["results"]["bindings"]
        return rows

    async def rows(self, query: str) -> list[dict[str, Any]]:
        """The rows of one of the pages' own queries, as SPARQL JSON bindings.

        On the release's own store they are read in this process, in a thread (pyoxigraph
        lets go of the GIL while it evaluates and writes): no hop to a worker, no wait in
        the line behind the public's queries, no rows written one by one in Python. The
        time is charged to the client as a worker's would be. Only a worker can be stopped
        at the time limit, but these queries are ours: written from checked IRIs, bounded by
        their patterns and LIMITs. On a remote store, through the workers like any query.
        """
        if self.settings.store != "oxigraph":
            return await self.select(query)
        started = time.perf_counter()
        try:
            return await asyncio.to_thread(self._rows_here, query)
        finally:
            charge(time.perf_counter() - started)

    def _rows_here(self, query: str) -> list[dict[str, Any]]:
        if self._store is None:
            self._store = OxigraphStore(self.release_folder / "store")
        result = self._store.query(query)
        if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - ours are SELECTs
            raise TypeError("a page's query must be a SELECT")
        body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        rows: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
        return rows

    def names(self) -> Names:
        """The names pages give resources (``labels.json``), read once per release."""
        if self._names is None:
            self._names = Names(read_labels(self.release_folder))
        return self._names

    def _index(self) -> dict[str, Any]:
        """The release's ``browse.json``, read once (lists and search are made from it)."""
        if self._browse is None:
            self._browse = read_browse_index(self.release_folder)
        return self._browse

    async def labels(self) -> LabelIndex:
        """The search index, built on first use from the release (it is immutable)."""
        if self._labels is None:
            self._labels = LabelIndex(self._index()["search"])
        return self._labels

    async def lists(self) -> Lists:
        """The lists to browse, read from the release's ``browse.json`` on first use."""
        if self._lists is None:
            self._lists = Lists(self._index(), self.settings.base_iri)
        return self._lists

    async def sources(self, lang: str) -> dict[str, Source]:
        """What each named graph is, as pages cite it, once per release and language."""
        if lang not in self._sources:
            rows = await self.rows(sources_query(self.iris.vocab, lang))
            self._sources[lang] = sources(rows, self.iris.graph(""))
        return self._sources[lang]


async def get_state(request: Request) -> State:
    # async, though it awaits nothing: FastAPI runs a plain function dependency in a thread,
    # and that hand-over cost more than the rest of a small query's handling
    state: State = request.app.state.bomay
    return state


StateDep = Annotated[State, Depends(get_state)]
