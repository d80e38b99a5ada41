"""Serve the current release, and move to a new one while running, dropping no request.

A build swaps the ``current`` symlink; a running server looks at it every
``release_poll_s`` seconds. When it points elsewhere, the server checks the new release
(checksums), starts a worker pool on it, and then replaces its state in one assignment:
requests that started before keep the state (release, pool) they read, and finish on it;
new requests get the new one. The old pool is closed once its last query has returned,
and only then is the old release's lock dropped, so pruning cannot remove it earlier.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from pathlib import Path
from typing import IO

from fastapi import FastAPI

from publish.integrity import read_sums, verify
from publish.inuse import hold
from publish.layout import CHANGES
from publish.serve.deps import State
from publish.serve.dumps import release_files
from publish.serve.examples import read_examples
from publish.serve.metrics import Metrics
from publish.serve.workers import QueryPool, WorkerConfig
from publish.settings import Settings
from publish.store import NoReleaseError, open_release, store_spec

log = logging.getLogger("bomay.switch")


async def serve_current(settings: Settings, metrics: Metrics) -> tuple[State, IO[bytes]]:
    """The state of a server for the current release, and the lock that pins the release."""
    release = open_release(settings)  # refuses to start without a release
    # the release's IRIs are under the base it was built with, whatever the setting says now
    settings = settings.model_copy(update={"base_iri": release.manifest["base_iri"]})
    lock = hold(release.folder)
    config = WorkerConfig.from_settings(settings, store_spec(settings, release))
    pool = QueryPool(
        config,
        workers=settings.query_workers,
        max_waiting=settings.max_queued_queries,
        # a remote store evaluates elsewhere: idle priority here would only recycle workers
        demote_after_s=math.inf if settings.store == "remote" else settings.demote_query_after_s,
    )
    try:
        await pool.start()
        if config.isolate and not pool.isolated:
            await pool.close()
            raise RuntimeError(
                "query workers could not be cut off the network (unshare was refused); "
                "refusing to start. Set BOMAY_ISOLATE_QUERY_WORKERS=false to run with the "
                "query checker as the only guard against SERVICE"
            )
    except BaseException:
        lock.close()
        raise
    examples = read_examples(Path(settings.queries_dir), settings.base_iri)
    sums = {name: digest for digest, name in read_sums(release.folder)}
    summary = release.folder / CHANGES
    changes = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else None
    state = State(
        settings, release.manifest, release.folder, pool, metrics,
        release_files(release.folder), examples, sums, changes,
    )  # fmt: skip
    return state, lock


class ReleaseWatcher:
    """Polls ``current`` and switches the app's state to a new release when it appears."""

    def __init__(self, app: FastAPI, settings: Settings, lock: IO[bytes]) -> None:
        self.app = app
        self.settings = settings
        self.lock = lock
        self.refused: Path | None = None  # a damaged release, not checked again
        self.retiring: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.release_poll_s)
            try:
                await self.check()
            except Exception:  # a failed switch keeps the running release
                log.exception("could not switch to the new release")

    async def check(self) -> None:
        old: State = self.app.state.bomay
        target = self.settings.current_release.resolve()
        if target in (old.release_folder, self.refused):
            return
        if self.settings.verify_release:
            problems = await asyncio.to_thread(verify, target)
            if problems:
                self.refused = target
                log.error("not switching to damaged release %s: %s", target.name, problems)
                return
        try:
            new, lock = await serve_current(self.settings, old.metrics)
        except NoReleaseError as error:  # built by an older bomay: say so once
            self.refused = target
            log.error("not switching to release %s: %s", target.name, error)
            return
        self.app.state.bomay = new
        log.info("switched from release %s to %s", old.release_id, new.release_id)
        task = asyncio.get_running_loop().create_task(self._retire(old, self.lock))
        self.retiring.add(task)
        task.add_done_callback(self.retiring.discard)
        self.lock = lock

    async def _retire(self, old: State, lock: IO[bytes]) -> None:
        """Close the old pool once requests that read the old state are done with it."""
        await asyncio.sleep(self.settings.query_timeout_s)  # handlers may run a few queries
        await old.pool.drain(self.settings.query_timeout_s)
        await old.pool.close()
        lock.close()

    async def close(self) -> None:
        for task in list(self.retiring):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.lock.close()
