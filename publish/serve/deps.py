"""The state a request handler needs, as one typed FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from publish.serve.metrics import Metrics
from publish.serve.workers import QueryPool
from publish.settings import Settings


@dataclass
class State:
    settings: Settings
    manifest: dict[str, Any]
    release_folder: Path
    pool: QueryPool
    metrics: Metrics

    @property
    def release_id(self) -> str:
        return self.release_folder.name


def get_state(request: Request) -> State:
    state: State = request.app.state.bomay
    return state


StateDep = Annotated[State, Depends(get_state)]
