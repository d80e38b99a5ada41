"""A pool of worker processes that evaluate queries and can be killed mid-query.

pyoxigraph cannot cancel a running query, so the only way to honour a time limit is to run
each query in a process that we may kill. Each worker opens the release's store read-only
once and answers jobs over a pipe; a worker that overruns is killed and replaced, and the
client gets 503. At most ``query_workers`` queries run at once and ``max_queued_queries``
wait; beyond that the pool refuses at once so the caller can answer 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TypeVar

from publish.serve.execute import Answer, Failure, Job, run
from publish.serve.fairness import query_slot
from publish.serve.isolation import cut_network
from publish.store import StoreSpec, open_store

log = logging.getLogger("bomay.workers")
T = TypeVar("T")
CONTEXT = mp.get_context("spawn")  # never fork a process that runs threads (uvicorn)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class PoolBusyError(Exception):
    """Every worker is busy and the waiting line is full."""


class QueryTimeoutError(Exception):
    """The query ran past the time limit; its worker was killed and replaced."""


class WorkerLostError(Exception):
    """The worker died while evaluating (an engine crash); it was replaced."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the worker
    """Ask Linux to kill this worker when the server dies, even by SIGKILL: an orphan would
    run its query to the end with nobody to answer and no time limit."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(
    spec: StoreSpec, conn: Connection, isolate: bool, memory_mb: int, nice: int
) -> None:  # pragma: no cover
    _die_with_parent()
    # below the server process: accepting, checking and answering requests gets the CPU
    # first, and the queries share what is left (after start-up, so a replacement for a
    # killed worker is ready soon)
    os.nice(nice)
    if memory_mb:  # a query that needs more aborts its own process, not the machine
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    isolated = cut_network() if isolate else False  # before the store starts its threads
    try:
        store = open_store(spec)
    except OSError as error:  # a remote store that is down or holds another release
        conn.send((f"failed: {error}", False))
        return
    conn.send(("ready", isolated))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(run(store, job))


class Worker:
    def __init__(self, spec: StoreSpec, *, isolate: bool, memory_mb: int, nice: int) -> None:
        self.conn, child = CONTEXT.Pipe()
        self.process: BaseProcess = CONTEXT.Process(
            target=_serve, args=(spec, child, isolate, memory_mb, nice), daemon=True
        )
        self.process.start()
        child.close()
        try:
            status, self.isolated = self.conn.recv()
        except EOFError as error:
            raise RuntimeError(
                f"a query worker exited while starting (exit code {self.process.exitcode}); "
                "is BOMAY_WORKER_MEMORY_MB too low?"
            ) from error
        if status != "ready":
            raise RuntimeError(f"a query worker could not open the store: {status}")

    def ask(self, job: Job, timeout_s: float) -> Answer | Failure:
        """Blocking: send a job and wait for its answer (called from a thread)."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout_s):
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout_s:g} s and was stopped"
                )
            answer: Answer | Failure = self.conn.recv()
        except (EOFError, OSError) as error:
            raise WorkerLostError(
                "the query stopped its worker process; it was replaced"
            ) from error
        return answer

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()


class QueryPool:
    def __init__(
        self,
        spec: StoreSpec,
        *,
        workers: int,
        max_waiting: int,
        isolate: bool,
        memory_mb: int = 0,
        nice: int = 0,
    ) -> None:
        self._spec = spec
        self._nice = nice
        self._isolate = isolate
        self._memory_mb = memory_mb
        self.isolated = False
        self._size = workers
        self._max_waiting = max_waiting
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._waiting = 0
        self._running = 0  # calls of run() not yet returned, waiting ones included
        self._replacing: set[asyncio.Task[None]] = set()
        # its own threads, one per worker waiting for an answer and one per worker starting:
        # asyncio's shared default (cores + 4) would cap the queries running at once below
        # ``workers`` and make the server's other blocking calls wait behind runaway queries
        self._threads = ThreadPoolExecutor(2 * workers, thread_name_prefix="bomay-pool")

    async def start(self) -> None:
        started = await asyncio.gather(*(self._spawn() for _ in range(self._size)))
        for worker in started:
            self._idle.put_nowait(worker)
        self.isolated = all(worker.isolated for worker in started)

    async def close(self) -> None:
        for task in list(self._replacing):
            await task
        while not self._idle.empty():
            self._idle.get_nowait().kill()
        self._threads.shutdown(wait=False)

    async def drain(self, timeout_s: float) -> None:
        """Wait (at most ``timeout_s``) until no query runs or waits in this pool."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self._running and loop.time() < deadline:
            await asyncio.sleep(0.05)

    async def run(self, job: Job, timeout_s: float) -> Answer | Failure:
        with query_slot():  # the client's share first: its 429 must not touch the pool
            self._running += 1
            try:
                return await self._run(job, timeout_s)
            finally:
                self._running -= 1

    async def _run(self, job: Job, timeout_s: float) -> Answer | Failure:
        if self._idle.empty() and self._waiting >= self._max_waiting:
            raise PoolBusyError
        self._waiting += 1
        try:
            # a bounded wait: if workers cannot be replaced, callers get 429, never a hang
            worker = await asyncio.wait_for(self._idle.get(), timeout_s)
        except TimeoutError as error:
            raise PoolBusyError from error
        finally:
            self._waiting -= 1
        try:
            answer = await self._in_thread(functools.partial(worker.ask, job, timeout_s))
        except BaseException:
            # a timeout, a dead worker or a cancelled request: the worker's state is unknown,
            # so stop it and answer at once; reaping it and its replacement happen in the
            # background, never on the event loop
            worker.process.kill()
            task = asyncio.get_running_loop().create_task(self._replace(worker))
            self._replacing.add(task)
            task.add_done_callback(self._replacing.discard)
            raise
        self._idle.put_nowait(worker)
        return answer

    async def _in_thread(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, call)

    async def _spawn(self) -> Worker:
        return await self._in_thread(
            functools.partial(
                Worker,
                self._spec,
                isolate=self._isolate,
                memory_mb=self._memory_mb,
                nice=self._nice,
            )
        )

    async def _replace(self, dead: Worker) -> None:
        await self._in_thread(dead.kill)
        for attempt in range(1, 6):
            try:
                self._idle.put_nowait(await self._spawn())
                return
            except Exception:  # a missing store, no memory: keep trying, but say so
                log.exception("could not start a query worker (attempt %d)", attempt)
                await asyncio.sleep(attempt)
