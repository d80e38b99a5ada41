"""A pool of worker processes that evaluate queries and can be killed mid-query.

pyoxigraph cannot cancel a running query, so the only way to honour a time limit is to run
each query in a process that we may kill. Each worker opens the release's store read-only
once and answers jobs over a socket pair; a worker that overruns is killed and replaced, and the
client gets 503. At most ``query_workers`` queries run at once and ``max_queued_queries``
wait, in a line that is fair between client addresses (``line``); beyond that the pool
refuses at once so the caller can answer 429.

Workers share the host's cores, and a few runaway queries would otherwise take as much CPU
as all the cheap ones together. So a query still running after ``demote_after_s`` has its
worker dropped to the idle scheduling class: it gets only the CPU that nobody else wants,
and the cheap queries overtake it. Linux schedules threads, so a worker process answers
in a thread of its own and only that thread is demoted. A thread may not raise its own
priority back, so once its query ends the socket goes to a fresh thread of the same process:
no fork, and the store and its block cache stay warm (replacing the process cost a fork,
the store opened again and some 2,400 page faults per query of the competency mix).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import functools
import gc
import io
import json
import logging
import math
import multiprocessing as mp
import os
import resource
import signal
import socket
import struct
import sys
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from publish.serve.execute import Answer, Failure, Job, run
from publish.serve.isolation import cut_network
from publish.serve.line import FairLine, Place, PoolBusyError
from publish.settings import Settings
from publish.store import SparqlStore, StoreSpec, open_store

log = logging.getLogger("bomay.workers")
T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
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


def start_fork_server() -> None:
    """Start the fork server now, not at the first worker: it spends a few hundred
    milliseconds importing the program, which can overlap the server's own start-up."""
    forkserver.ensure_running()


def _demote(tid: int) -> None:
    """To the idle CPU class: the thread ``tid`` (both calls take a thread's id on Linux)."""
    if not tid:  # never 0: that would demote the server itself
        return
    with contextlib.suppress(OSError):  # it has just exited, or the platform refuses
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        else:  # pragma: no cover - not Linux
            os.setpriority(os.PRIO_PROCESS, tid, 19)


class QueryTimeoutError(Exception):
    """The query ran past the time limit; its worker was killed and replaced."""


class WorkerLostError(Exception):
    """The worker died while evaluating (an engine crash); it was replaced."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the worker
    """Ask Linux to kill this worker when its parent, the fork server, dies; the fork server
    ends when the server does, even by SIGKILL (its pipe from the server closes). An orphan
    would run its query to the end with nobody to answer and no time limit.

    Every child of the fork server inherits the write end of that pipe (so that it could
    start processes of its own): a worker busy with a query kept the pipe open, hence the
    fork server alive, hence itself. Workers start nothing, so they close it."""
    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        forkserver._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# Jobs and answers cross a socket pair, each as a JSON header and a body, each after its
# length: no pickles (the body is the answer as the client gets it, copied once). Not a
# multiprocessing Connection: the server waits for answers on its event loop (asyncio
# streams), since a thread per query cost more than the rest of a small query's handling.
LENGTH = struct.Struct("!II")


def _frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return LENGTH.pack(len(head), len(body)) + head + body


def _job_frame(job: Job) -> bytes:
    return _frame(dataclasses.asdict(job))


def _answer_frame(outcome: Answer | Failure) -> bytes:
    if isinstance(outcome, Failure):
        return _frame({"failure": dataclasses.asdict(outcome)})
    header = dataclasses.asdict(outcome)
    body = header.pop("body")
    return _frame({"answer": header}, body)


RENEW: dict[str, Any] = {"renew": True}  # to a demoted worker: a fresh thread, please


def _read_blocking(channel: io.BufferedIOBase) -> dict[str, Any] | None:  # pragma: no cover
    """The next header from the server (a job or ``RENEW``), or None when it has closed its
    end (in the worker)."""
    lengths = channel.read(LENGTH.size)
    if len(lengths) < LENGTH.size:
        return None
    head, _ = LENGTH.unpack(lengths)
    fields: dict[str, Any] = json.loads(channel.read(head))
    return fields


def _job(fields: dict[str, Any]) -> Job:  # pragma: no cover - in the worker
    for name in ("default_graphs", "named_graphs"):  # JSON has lists, the job tuples
        if fields[name] is not None:
            fields[name] = tuple(fields[name])
    return Job(**fields)


async def _read(reader: asyncio.StreamReader) -> tuple[dict[str, Any], bytes]:
    """The next header and body from a worker (IncompleteReadError if it died)."""
    head, size = LENGTH.unpack(await reader.readexactly(LENGTH.size))
    header: dict[str, Any] = json.loads(await reader.readexactly(head))
    return header, await reader.readexactly(size) if size else b""


def _outcome(header: dict[str, Any], body: bytes) -> Answer | Failure:
    if "failure" in header:
        return Failure(**header["failure"])
    return Answer(body=body, **header["answer"])


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker process of a pool starts with: the store to open, network
    isolation, the memory limit and the niceness (``from_settings``)."""

    spec: StoreSpec
    isolate: bool = False
    memory_mb: int = 0  # address-space limit; 0: none
    nice: int = 0

    @classmethod
    def from_settings(cls, settings: Settings, spec: StoreSpec) -> WorkerConfig:
        # a remote store needs the network: its workers cannot be isolated (remote_store)
        isolate = settings.isolate_query_workers and settings.store != "remote"
        return cls(spec, isolate, settings.worker_memory_mb, settings.worker_nice)


def _serve(config: WorkerConfig, sock: socket.socket) -> None:  # pragma: no cover
    _die_with_parent()
    # what the fork server imported is never garbage: keep the collector off it (a full
    # collection would walk, and copy, every page this process shares with the fork server)
    gc.freeze()
    # below the server process: accepting, checking and answering requests gets the CPU
    # first, and the queries share what is left (after start-up, so a replacement for a
    # killed worker is ready soon)
    os.nice(config.nice)
    if config.memory_mb:  # a query that needs more aborts its own process, not the machine
        limit = config.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    isolated = cut_network() if config.isolate else False  # before the store's threads
    with sock, sock.makefile("rwb") as channel:
        try:
            store = open_store(config.spec)
        except OSError as error:  # a remote store that is down or holds another release
            channel.write(_frame({"failed": str(error)}))
            return
        # the main thread only starts the threads that answer, each at the worker's priority
        while _in_a_fresh_thread(functools.partial(_answer, store, channel, isolated)):
            pass


def _in_a_fresh_thread(call: Callable[[], bool]) -> bool:  # pragma: no cover - in the worker
    """``call()`` in a new thread; False if it raised (the socket is gone: the worker ends)."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join()
    return bool(result and result[0])


def _answer(  # pragma: no cover - a thread of the worker process
    store: SparqlStore, channel: io.BufferedRWPair, isolated: bool
) -> bool:
    """Answer jobs until the server closes its end (False) or asks for a fresh thread
    (True). The ready frame names the thread, for the server to demote it."""
    channel.write(_frame({"ready": isolated, "tid": threading.get_native_id()}))
    channel.flush()
    while (fields := _read_blocking(channel)) is not None:
        if fields == RENEW:
            return True
        channel.write(_answer_frame(run(store, _job(fields))))
        channel.flush()
    return False


class Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self, process: BaseProcess, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.tid = 0  # the thread answering now, for the demotion
        self.demoted = False  # its thread dropped to idle priority by a long query: to renew
        self.isolated = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    @classmethod
    def launch(cls, config: WorkerConfig) -> Worker:
        """Blocking (a thread's job): fork the process; ``ready`` waits for its store."""
        ours, theirs = socket.socketpair()
        process = CONTEXT.Process(target=_serve, args=(config, theirs), daemon=True)
        with theirs:
            try:
                process.start()
            except BaseException:
                ours.close()
                raise
        return cls(process, ours)

    async def ready(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(sock=self.sock)
        await self._ready()

    async def _ready(self) -> None:
        """Read the ready frame of the worker's (new) thread."""
        if self._reader is None:
            raise RuntimeError("_ready() before ready()")
        try:
            status, _ = await _read(self._reader)
        except asyncio.IncompleteReadError as error:
            raise RuntimeError(
                "a query worker exited while starting; is BOMAY_WORKER_MEMORY_MB too low?"
            ) from error
        if "ready" not in status:
            raise RuntimeError(f"a query worker could not open the store: {status['failed']}")
        self.isolated = bool(status["ready"])
        self.tid = int(status["tid"])

    async def ask(self, job: Job, timeout_s: float, demote_after_s: float) -> Answer | Failure:
        if self._reader is None or self._writer is None:
            raise RuntimeError("ask() before ready()")
        # the answer is read in the caller's task, under one deadline, and the demotion is a
        # timer: no task and no wait of its own per query (they cost the event loop more
        # than the rest of the hop)
        loop = asyncio.get_running_loop()
        demotion = (
            loop.call_later(demote_after_s, self._demote) if demote_after_s < timeout_s else None
        )
        try:
            self._writer.write(_job_frame(job))
            await self._writer.drain()
            async with asyncio.timeout(timeout_s):
                result = _outcome(*await _read(self._reader))
        except TimeoutError as error:  # before OSError, of which it is a subclass
            raise QueryTimeoutError(
                f"the query ran longer than {timeout_s:g} s and was stopped"
            ) from error
        except (asyncio.IncompleteReadError, OSError) as error:
            raise WorkerLostError(
                "the query stopped its worker process; it was replaced"
            ) from error
        finally:
            if demotion is not None:
                demotion.cancel()
        return result

    def _demote(self) -> None:
        """The query has run ``demote_after_s``: its thread to the idle CPU class (see the
        module)."""
        if self.process.is_alive():  # else its thread id may be another's by now
            _demote(self.tid)
        self.demoted = True

    async def renew(self) -> None:
        """After a demoted query: the socket goes to a fresh thread of the same process, at
        the worker's priority (``WorkerLostError`` if the process has ended)."""
        if self._writer is None:
            raise RuntimeError("renew() before ready()")
        try:
            self._writer.write(_frame(RENEW))
            await self._writer.drain()
            await self._ready()
        except (asyncio.IncompleteReadError, OSError, RuntimeError) as error:
            raise WorkerLostError("a query worker ended") from error
        self.demoted = False

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
        config: WorkerConfig,
        *,
        workers: int,
        max_waiting: int,
        demote_after_s: float = math.inf,
    ) -> None:
        self._config = config
        self._demote_after_s = demote_after_s
        self.isolated = False
        self._size = workers
        self._filled = workers == 1  # the others start after the first answer (``_fill``)
        self._idle: list[Worker] = []  # never while a query waits: see _release
        self._line: FairLine[Worker] = FairLine(max_waiting)
        self._running = 0  # calls of run() not yet returned, waiting ones included
        self._replacing: set[asyncio.Task[None]] = set()
        self._closed = asyncio.Event()
        # its own threads, to start and reap workers: never asyncio's shared default, so that
        # replacing many killed workers cannot delay the server's other blocking calls
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="bomay-pool")

    async def start(self) -> None:
        """Start one worker, and the others in the background once it has answered (or a
        second query waits): a server answers its first query as soon as one worker is
        ready, without the others starting beside it on the same cores (each of them is
        checked the same way as a replacement: isolated, or stopped and tried again)."""
        first = await self._spawn()
        self.isolated = first.isolated
        self._release(first)

    def _fill(self) -> None:
        """Start the pool's other workers (after its first answer, or when a query has to
        wait before it)."""
        if not self._filled:
            self._filled = True
            for _ in range(self._size - 1):
                self._background(self._add())

    async def _add(self) -> None:
        await self._replace(None)

    async def close(self) -> None:
        self._closed.set()  # replacements still retrying give up
        for task in list(self._replacing):
            await task
        idle, self._idle = self._idle, []
        await asyncio.gather(*(self._stop(worker) for worker in idle))
        self._threads.shutdown(wait=False)

    async def drain(self, timeout_s: float) -> None:
        """Wait (at most ``timeout_s``) until no query runs or waits in this pool."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self._running and loop.time() < deadline:
            await asyncio.sleep(0.05)

    async def run(self, job: Job, timeout_s: float, client: str = "") -> Answer | Failure:
        """Answer ``job`` in a worker, for ``client`` (its address: the line is fair between
        clients; callers that serve a client go through ``fairness.run_query``, which holds
        the client's slot and charges its budget)."""
        self._running += 1
        try:
            with self._line.held(client):
                return await self._run(job, timeout_s, client)
        finally:
            self._running -= 1

    async def _run(self, job: Job, timeout_s: float, client: str) -> Answer | Failure:
        worker = await self._worker_for(client, timeout_s)
        with self._line.running_for(client):
            try:
                answer = await worker.ask(job, timeout_s, self._demote_after_s)
            except BaseException:
                # a timeout, a dead worker or a cancelled request: the worker's state is
                # unknown, so stop it and answer at once
                self._retire(worker)
                raise
            finally:
                self._fill()
        if worker.demoted:
            self._background(self._renew(worker))
        else:
            self._release(worker)
        return answer

    async def _worker_for(self, client: str, timeout_s: float) -> Worker:
        """An idle worker, or one handed over in line (``PoolBusyError`` when the line is
        full, gives this place to a lighter client, or the wait passes ``timeout_s``: if
        workers cannot be replaced, callers get 429, never a hang)."""
        if self._idle:
            self._line.running[client] += 1  # given back by _run's running_for
            return self._idle.pop()
        self._fill()  # a query waits before the first answer: the others are needed now
        place = self._line.join(client)
        try:
            done, _ = await asyncio.wait({place.future}, timeout=timeout_s)
        except BaseException:  # the client hung up while its query waited
            self._leave(place)
            raise
        if not done:
            self._leave(place)
            raise PoolBusyError
        return place.future.result()  # PoolBusyError if another client took the place

    def _leave(self, place: Place[Worker]) -> None:
        handed = self._line.leave(place)
        if handed is not None:
            self._release(handed)

    def _release(self, worker: Worker) -> None:
        """A worker is free: to the next query in line, else idle."""
        if not self._line.hand(worker):
            self._idle.append(worker)

    def _retire(self, worker: Worker) -> None:
        """Kill a worker now; reaping it and starting its replacement happen in the
        background, never blocking the event loop."""
        worker.kill()
        self._background(self._replace(worker))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def _in_thread(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, call)

    async def _spawn(self) -> Worker:
        worker = await self._in_thread(functools.partial(Worker.launch, self._config))
        try:
            await worker.ready()
        except BaseException:
            await self._stop(worker)
            raise
        return worker

    async def _renew(self, worker: Worker) -> None:
        """Back to work at the worker's priority, in a fresh thread (after the answer has
        gone: the client does not wait for it); replaced if that fails."""
        try:
            await worker.renew()
        except WorkerLostError:
            log.warning("a demoted query worker could not be renewed; replacing it")
            self._retire(worker)
            return
        self._release(worker)

    async def _stop(self, worker: Worker) -> None:
        worker.hang_up()
        await self._in_thread(worker.reap)

    async def _replace(self, dead: Worker | None) -> None:
        """Start a worker in place of ``dead`` (or a new one), until one starts or the pool
        closes: giving up would shrink the pool for good (a remote store down for a while)."""
        if dead is not None:
            await self._stop(dead)
        attempt = 0
        while not self._closed.is_set():
            try:
                worker = await self._spawn()
                if self._config.isolate and not worker.isolated:
                    await self._stop(worker)
                    raise RuntimeError("the new worker could not be cut off the network")
                self._release(worker)
                return
            except Exception:  # a missing store, no memory: keep trying, but say so
                attempt += 1
                log.exception("could not start a query worker (attempt %d)", attempt)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closed.wait(), min(attempt, RESPAWN_BACKOFF_MAX_S))
