"""The release's checksums at serve start, in two parts, so that the first query is
answered sooner while nothing is ever served from a file not yet checked.

Hashing every file of a 1M-triple release (1.1 GB) took longer than the target for the
whole start (1 s to the first answer). A query reads only the store and the manifest (the
base IRI); the dumps, the browse and search index, the crosswalk and the reports are read
by other routes. So the server checks the store and the manifest before it listens, and
the other files once it has answered its first query (or a route that reads them is asked
first), on one thread: hashed at once, they took a core from the first answer (1.1 GB of
dumps at 1.37M triples). Until the second part has passed, every route except the query
endpoint and ``/health`` waits for it; if it fails, they answer 503 and the server stops,
naming each damaged file (the command exits 2, as when the first part fails).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
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
    """The checksums of ``folder``, hashed in the background: ``queried`` at once (on every
    core), ``rest`` (on one thread) from ``check_rest``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="bomay-check")
        self.queried = self._thread.submit(verify, folder, queried)
        self.rest: concurrent.futures.Future[list[str]] = concurrent.futures.Future()
        self._asked = threading.Lock()

    def check_rest(self) -> None:
        """Hash the files that queries do not read, after ``queried`` (the first call only)."""
        if not self._asked.acquire(blocking=False):
            return
        self._thread.submit(self._check_rest)
        self._thread.shutdown(wait=False)

    def _check_rest(self) -> None:
        if self.rest.set_running_or_notify_cancel():
            try:
                self.rest.set_result(verify(self.folder, lambda name: not queried(name), 1))
            except BaseException as error:  # pragma: no cover - verify reports what it finds
                self.rest.set_exception(error)


class AfterCheck:
    """ASGI middleware: every route but the queries' waits until the release's other files
    have passed their check (started by the first answer, or by the first request that
    waits for it); 503 if they have not."""

    def __init__(self, app: ASGIApp, *, check: ReleaseCheck | None) -> None:
        self.app = app
        self.check = check  # None once passed (or with BOMAY_VERIFY_RELEASE=false)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check = self.check
        if check and scope["type"] == "http" and scope["path"] in QUERIED_PATHS:
            try:
                await self.app(scope, receive, send)
            finally:
                check.check_rest()
            return
        if check and scope["type"] == "http":
            check.check_rest()
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
