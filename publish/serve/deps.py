"""The state a request handler needs, as one typed FastAPI dependency."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from publish.serve.examples import Example
from publish.serve.execute import Answer, Job
from publish.serve.metrics import Metrics
from publish.serve.search import LABELS_QUERY, LabelIndex
from publish.serve.workers import QueryPool
from publish.settings import Settings

if TYPE_CHECKING:  # pages imports this module
    from publish.serve.pages import DumpFiles


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

    _labels: LabelIndex | None = None

    @property
    def release_id(self) -> str:
        return self.release_folder.name

    async def labels(self) -> LabelIndex:
        """The search index, built on first use from the release (it is immutable)."""
        if self._labels is None:
            job = Job(LABELS_QUERY, "application/sparql-results+json", 1_000_000)
            answer = await self.pool.run(job, self.settings.query_timeout_s)
            rows = (
                json.loads(answer.body)["results"]["bindings"] if isinstance(answer, Answer) else []
            )
            self._labels = LabelIndex([(r["s"]["value"], r["label"]["value"]) for r in rows])
        return self._labels


async def get_state(request: Request) -> State:
    # async, though it awaits nothing: FastAPI runs a plain function dependency in a thread,
    # and that hand-over cost more than the rest of a small query's handling
    state: State = request.app.state.bomay
    return state


StateDep = Annotated[State, Depends(get_state)]
