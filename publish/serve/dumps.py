"""The release's files for download: ``/dumps/`` (the current release) and
``/releases/{id}/{file}`` (any release still on disk: the versioned download URLs the
catalogue gives), with ETag, Last-Modified, 304 and HEAD as Starlette's static files give
them. Only the files a release lists are served, never its store.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from publish.integrity import CHECKSUMS
from publish.inuse import MANIFEST
from publish.layout import CHANGES, DCAT_AP_REPORT, DESCRIPTION
from publish.serve.deps import State, StateDep
from publish.serve.errors import NotFoundError

router = APIRouter()
#: files of a release besides its distributions (which its manifest lists)
EXTRA_FILES = {
    DESCRIPTION: "text/turtle",
    DCAT_AP_REPORT: "text/turtle",
    CHANGES: "application/json",
    MANIFEST: "application/json",
    CHECKSUMS: "text/plain",
}
RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{12}")


def dump_types(manifest: dict[str, Any], folder: Path) -> dict[str, str]:
    """Every downloadable file of the release and its media type; gzip files are gzip."""
    types = {name: f["media_type"] for name, f in manifest["files"].items()}
    types = {n: "application/gzip" if n.endswith(".gz") else t for n, t in types.items()}
    extra = {n: t for n, t in EXTRA_FILES.items() if (folder / n).is_file()}
    return {**types, **extra}


class DumpFiles(StaticFiles):
    """One release folder's listed files only (never the store)."""

    def __init__(self, folder: Path, types: dict[str, str]) -> None:
        super().__init__(directory=folder)
        self.types = types

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if path not in self.types:
            return "", None
        return super().lookup_path(path)

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        if isinstance(response, FileResponse):
            response.media_type = self.types[Path(full_path).name]
            response.headers["content-type"] = response.media_type
        return response


def release_files(folder: Path) -> DumpFiles:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return DumpFiles(folder, dump_types(manifest, folder))


@lru_cache(maxsize=16)
def _kept(folder: Path) -> DumpFiles:
    """An older release's files (releases never change once written)."""
    return release_files(folder)


async def current_dumps(scope: Scope, receive: Receive, send: Send) -> None:
    """``/dumps``: the files of whichever release the server serves now."""
    state: State = scope["app"].state.bomay
    await state.dumps(scope, receive, send)


@router.api_route("/releases/{release_id}/{name}", methods=["GET", "HEAD"])
async def versioned(release_id: str, name: str, request: Request, state: StateDep) -> Response:
    """A file of a given release, as long as that release is kept (``keep_releases``)."""
    if release_id == state.release_id:
        files = state.dumps
    else:
        folder = state.settings.release_dir / "releases" / release_id
        if not RELEASE_ID.fullmatch(release_id) or not (folder / MANIFEST).is_file():
            raise NotFoundError(request.url.path)
        files = _kept(folder)
    if name not in files.types:
        raise NotFoundError(request.url.path)
    return await files.get_response(name, request.scope)
