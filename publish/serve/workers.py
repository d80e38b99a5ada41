"""A pool of worker processes that evaluate queries and can be killed mid-query.

pyoxigraph cannot cancel a running query, so the only way to honour a time limit is to run
each query in a process that we may kill. Each worker opens the release's store read-only
once and answers jobs over a socket pair; a worker that overruns is killed and replaced, and the
client gets 503. At most ``query_workers`` queries run at once and ``max_queued_queries``
wait; beyond that the pool refuses at once so the caller can answer 429.

Workers share the host's cores, and a few runaway queries would otherwise take as much CPU
as all the cheap ones together. So a query still running after ``demote_after_s`` has its
worker dropped to the idle scheduling class: it gets only the CPU that nobody else wants,
and the cheap queries overtake it. A process may not raise its own priority back, so a
demoted worker is replaced once its query ends (a fork, some 30 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gc
import io
import logging
import math
import multiprocessing as mp
import os
import pickle
import resource
import signal
import socket
import struct
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import forkserver
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from publish.serve.execute import Answer, Failure, Job, run
from publish.serve.fairness import query_slot
from publish.serve.isolation import cut_network
from publish.store import StoreSpec, open_store

log = logging.getLogger("bomay.workers")
T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ALIVE_FD = "_forkserver_alive_fd"  # multiprocessing.forkserver's keep-alive pipe
RESPAWN_BACKOFF_MAX_S = 30  # the longest pause between attempts to replace a worker


def _forkserver() -> mp.context.ForkServerContext:
    """Workers come from a fork server: a single-threaded process started once, which has
    already imported the program and forks a worker in milliseconds.

    Never fork the server itself (uvicorn runs threads). Spawning was safe but slow: each
    child imported the ``bomay`` command and everything it imports, about a second of CPU per
    worker, and under abuse every killed worker's replacement took that CPU from the queries
    being answered. A forked child still re-runs the main script to rebuild its
    ``__main__`` (CPython's fork server cannot preload it: it is never told the path), so
    the fork server preloads what that script imports: then it is a lookup in sys.modules.
    """
    context = mp.get_context("forkserver")
    context.set_forkserver_preload([__name__, "publish.cli"])
    return context


CONTEXT = _forkserver()


def _demote(pid: int | None) -> None:
    if not pid:  # never 0: that would demote the server itself
        return
    with contextlib.suppress(OSError):  # it has just exited, or the platform refuses
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        else:  # pragma: no cover - not Linux
            os.setpriority(os.PRIO_PROCESS, pid, 19)


class PoolBusyError(Exception):
    """Every worker is busy and the waiting line is full."""

    def __init__(self, message: str = "too many queries at once: try again shortly") -> None:
        super().__init__(message)


class QueryTimeoutError(Exception):
    """The query ran past the time limit; its worker was killed and replaced."""


class WorkerLostError(Exception):
    """The worker died while evaluating (an engine crash); it was replaced."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the worker
    """Ask Linux to kill this worker when its parent, the fork server, dies; the fork server
    ends when the server does, even by SIGKILL (its pipe from the server closes). An orphan
    would run its query to the end with nobody to answer and no time limit."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # every child of the fork server inherits the pipe that keeps the fork server alive: a
    # worker busy with a query would keep its own parent alive after the server was killed,
    # and so never get that signal (found with a query that does not hit the memory limit)
    keep_alive = getattr(forkserver._forkserver, ALIVE_FD, None)
    if keep_alive is not None:
        with contextlib.suppress(OSError):
            os.close(keep_alive)
        setattr(forkserver._forkserver, ALIVE_FD, None)


# Jobs and answers cross a socket pair as pickles, each after its length. Not a
# multiprocessing Connection: the server waits for answers on its event loop (asyncio
# streams), since a thread per query cost more than the rest of a small query's handling.
LENGTH = struct.Struct("!Q")


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(data)) + data


def _read_blocking(channel: io.BufferedIOBase) -> Job | None:  # pragma: no cover - in the worker
    """The next job, or None when the server has closed its end."""
    head = channel.read(LENGTH.size)
    if len(head) < LENGTH.size:
        return None
    job: Job = pickle.loads(channel.read(LENGTH.unpack(head)[0]))  # noqa: S301 - our server
    return job


async def _read(reader: asyncio.StreamReader) -> Any:
    """The next message from a worker (raises IncompleteReadError if it died)."""
    (size,) = LENGTH.unpack(await reader.readexactly(LENGTH.size))
    return pickle.loads(await reader.readexactly(size))  # noqa: S301 - our own worker


def _serve(
    spec: StoreSpec, sock: socket.socket, isolate: bool, memory_mb: int, nice: int
) -> None:  # pragma: no cover
    _die_with_parent()
    # what the fork server imported is never garbage: keep the collector off it (a full
    # collection would walk, and copy, every page this process shares with the fork server)
    gc.freeze()
    # below the server process: accepting, checking and answering requests gets the CPU
    # first, and the queries share what is left (after start-up, so a replacement for a
    # killed worker is ready soon)
    os.nice(nice)
    if memory_mb:  # a query that needs more aborts its own process, not the machine
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    isolated = cut_network() if isolate else False  # before the store starts its threads
    with sock, sock.makefile("rwb") as channel:
        try:
            store = open_store(spec)
        except OSError as error:  # a remote store that is down or holds another release
            channel.write(_frame((f"failed: {error}", False)))
            return
        channel.write(_frame(("ready", isolated)))
        channel.flush()
        while (job := _read_blocking(channel)) is not None:
            channel.write(_frame(run(store, job)))
            channel.flush()


class Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self, process: BaseProcess, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.demoted = False  # dropped to idle priority by a long query: to be replaced
        self.isolated = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    @classmethod
    def launch(cls, spec: StoreSpec, *, isolate: bool, memory_mb: int, nice: int) -> Worker:
        """Blocking (a thread's job): fork the process; ``ready`` waits for its store."""
        ours, theirs = socket.socketpair()
        process = CONTEXT.Process(
            target=_serve, args=(spec, theirs, isolate, memory_mb, nice), daemon=True
        )
        with theirs:
            try:
                process.start()
            except BaseException:
                ours.close()
                raise
        return cls(process, ours)

    async def ready(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(sock=self.sock)
        try:
            status, self.isolated = await _read(self._reader)
        except asyncio.IncompleteReadError as error:
            raise RuntimeError(
                "a query worker exited while starting; is BOMAY_WORKER_MEMORY_MB too low?"
            ) from error
        if status != "ready":
            raise RuntimeError(f"a query worker could not open the store: {status}")

    async def ask(self, job: Job, timeout_s: float, demote_after_s: float) -> Answer | Failure:
        if self._reader is None or self._writer is None:
            raise RuntimeError("ask() before ready()")
        try:
            self._writer.write(_frame(job))
            await self._writer.drain()
            answer = asyncio.ensure_future(_read(self._reader))
            try:
                done, _ = await asyncio.wait({answer}, timeout=min(demote_after_s, timeout_s))
                if not done and demote_after_s < timeout_s:
                    if self.process.is_alive():  # else its pid may be another's by now
                        _demote(self.process.pid)
                    self.demoted = True
                    done, _ = await asyncio.wait({answer}, timeout=timeout_s - demote_after_s)
                if not done:
                    raise QueryTimeoutError(
                        f"the query ran longer than {timeout_s:g} s and was stopped"
                    )
                result: Answer | Failure = answer.result()
            finally:
                answer.cancel()
        except (asyncio.IncompleteReadError, OSError) as error:
            raise WorkerLostError(
                "the query stopped its worker process; it was replaced"
            ) from error
        return result

    def hang_up(self) -> None:
        """Close the server's end (on the event loop, which owns the stream)."""
        if self._writer is not None:
            self._writer.transport.abort()
        else:
            self.sock.close()

    def kill(self) -> None:
        """Kill the process unless it has ended: the fork server reaps its children, so the
        pid of one that has ended may already be another process's."""
        if self.process.is_alive():
            self.process.kill()

    def reap(self) -> None:
        """Blocking (a thread's job): kill the process and wait for it to end."""
        self.kill()
        self.process.join(timeout=5)


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
        demote_after_s: float = math.inf,
    ) -> None:
        self._spec = spec
        self._demote_after_s = demote_after_s
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
        self._closed = asyncio.Event()
        # its own threads, to start and reap workers: never asyncio's shared default, so that
        # replacing many killed workers cannot delay the server's other blocking calls
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="bomay-pool")

    async def start(self) -> None:
        started = await asyncio.gather(*(self._spawn() for _ in range(self._size)))
        for worker in started:
            self._idle.put_nowait(worker)
        self.isolated = all(worker.isolated for worker in started)

    async def close(self) -> None:
        self._closed.set()  # replacements still retrying give up
        for task in list(self._replacing):
            await task
        idle = [self._idle.get_nowait() for _ in range(self._idle.qsize())]
        await asyncio.gather(*(self._stop(worker) for worker in idle))
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
            answer = await worker.ask(job, timeout_s, self._demote_after_s)
        except BaseException:
            # a timeout, a dead worker or a cancelled request: the worker's state is unknown,
            # so stop it and answer at once
            self._retire(worker)
            raise
        if worker.demoted:
            self._retire(worker)
        else:
            self._idle.put_nowait(worker)
        return answer

    def _retire(self, worker: Worker) -> None:
        """Kill a worker now; reaping it and starting its replacement happen in the
        background, never blocking the event loop."""
        worker.kill()
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def _in_thread(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, call)

    async def _spawn(self) -> Worker:
        launch = functools.partial(
            Worker.launch,
            self._spec,
            isolate=self._isolate,
            memory_mb=self._memory_mb,
            nice=self._nice,
        )
        worker = await self._in_thread(launch)
        try:
            await worker.ready()
        except BaseException:
            await self._stop(worker)
            raise
        return worker

    async def _stop(self, worker: Worker) -> None:
        worker.hang_up()
        await self._in_thread(worker.reap)

    async def _replace(self, dead: Worker) -> None:
        """Start a worker in place of ``dead``, until one starts or the pool closes: giving
        up would shrink the pool for good (a remote store down for a while, say)."""
        await self._stop(dead)
        attempt = 0
        while not self._closed.is_set():
            try:
                worker = await self._spawn()
                if self._isolate and not worker.isolated:
                    await self._stop(worker)
                    raise RuntimeError("the new worker could not be cut off the network")
                self._idle.put_nowait(worker)
                return
            except Exception:  # a missing store, no memory: keep trying, but say so
                attempt += 1
                log.exception("could not start a query worker (attempt %d)", attempt)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closed.wait(), min(attempt, RESPAWN_BACKOFF_MAX_S))
