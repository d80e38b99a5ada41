"""The release's checksums at serve start, in two parts, so that the first query is
answered sooner while nothing is ever served from a file not yet checked.

Hashing every file of a 1M-triple release (1.1 GB) took longer than the target for the
whole start (1 s to the first answer). A query reads only the store and the manifest (the
base IRI); the dumps, the browse and search index, the crosswalk and the reports are read
by other routes. So the server checks the store and the manifest before it listens, and
the other files after, on one thread (the other core answers queries meanwhile). Until
the second part has passed, every route except the query endpoint and ``/health`` waits
for it; if it fails, they answer 503 and the server stops, naming each damaged file (the
command exits 2, as when the first part fails).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from publish.integrity import verify
from publish.inuse import MANIFEST

#: what a query's answer is read from
QUERIED_PATHS = frozenset(("/sparql", "/health"))


def queried(name: str) -> bool:
    """A file that query answers are read from: the store's, and the manifest."""
    return name.startswith("store/") or name == MANIFEST


class ReleaseCheck:
    """The checksums of ``folder``, hashed in the background: ``queried`` first (on every
    core), then ``rest`` (on one thread)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="bomay-check")
        self.queried = thread.submit(verify, folder, queried)
        self.rest = thread.submit(verify, folder, lambda name: not queried(name), 1)
        thread.shutdown(wait=False)  # both still run, one after the other


class AfterCheck:
    """ASGI middleware: every route but the queries' waits until the release's other files
    have passed their check; 503 if they have not."""

    def __init__(self, app: ASGIApp, *, check: ReleaseCheck | None) -> None:
        self.app = app
        self.check = check  # None once passed (or with BOMAY_VERIFY_RELEASE=false)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check = self.check
        if check and scope["type"] == "http" and scope["path"] not in QUERIED_PATHS:
            problems = await asyncio.wrap_future(check.rest)
            if problems:
                damaged = PlainTextResponse(
                    f"release {check.folder.name} is damaged ({'; '.join(problems)}): "
                    "the service is stopping\n",
                    503,
                )
                await damaged(scope, receive, send)
                return
            self.check = None
        await self.app(scope, receive, send)
