"""The worker pool below the HTTP layer: network isolation, time and memory limits, crashes."""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from conftest import Canary
from publish.serve.execute import Answer, Failure, Job
from publish.serve.workers import (
    QueryPool,
    QueryTimeoutError,
    Worker,
    WorkerConfig,
    WorkerLostError,
)
from publish.store import Release

JSON = "application/sparql-results+json"
ASK = Job("ASK { ?s ?p ?o }", JSON, 1)
# about 1 s: long enough to be demoted, short enough to finish; over three article and
# inference graphs, so its cost does not grow with the reference data
_G = "https://w3id.org/bomay/graph/"
LONG = Job(
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{_G}article-000> {{ ?a ?b ?c }} "
    f"GRAPH <{_G}article-001> {{ ?d ?e ?f }} GRAPH <{_G}inference/i-02> {{ ?g ?h ?i }} }}",
    JSON,
    10,
)
CROSS = Job("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a", JSON, 10)


@asynccontextmanager
async def pool_of_one(
    release: Release, memory_mb: int = 0, demote_after_s: float = math.inf
) -> AsyncIterator[QueryPool]:
    config = WorkerConfig(release.folder / "store", isolate=True, memory_mb=memory_mb)
    pool = QueryPool(config, workers=1, max_waiting=1, demote_after_s=demote_after_s)
    await pool.start()
    try:
        yield pool
    finally:
        await pool.close()


async def idle_worker(pool: QueryPool) -> Worker:
    """The pool's idle worker (reached into, to watch it from outside), once there is one:
    a replacement is started in the background (polled, bounded)."""
    for _ in range(3000):
        if pool._idle:
            return pool._idle[-1]
        await asyncio.sleep(0.01)
    raise AssertionError("no idle worker within 30 s")


def test_workers_cannot_reach_the_network_even_past_the_checker(
    release: Release, canary: Canary
) -> None:
    """A SERVICE query sent straight to a worker (no text check) still connects nowhere."""

    async def scenario() -> tuple[bool, Answer | Failure]:
        async with pool_of_one(release) as pool:
            query = f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"
            return pool.isolated, await pool.run(Job(query, JSON, 10), 10)

    isolated, answer = asyncio.run(scenario())
    assert isolated
    assert isinstance(answer, Failure) and "unreachable" in answer.message.lower()
    assert not canary.heard(settle_s=0)


def test_timeout_kills_and_replaces_the_worker(release: Release) -> None:
    async def scenario() -> Answer | Failure:
        async with pool_of_one(release) as pool:
            with pytest.raises(QueryTimeoutError):
                await pool.run(CROSS, 0.5)
            return await pool.run(ASK, 10)

    answer = asyncio.run(scenario())
    assert isinstance(answer, Answer) and b"true" in answer.body


def test_a_dead_idle_worker_is_reported_and_replaced(release: Release) -> None:
    async def scenario() -> Answer | Failure:
        async with pool_of_one(release) as pool:
            idle = pool._idle[-1]  # reach in: simulate a crash while idle
            idle.process.kill()
            idle.process.join()
            with pytest.raises(WorkerLostError):
                await pool.run(ASK, 10)
            return await pool.run(ASK, 30)

    answer = asyncio.run(scenario())
    assert isinstance(answer, Answer) and b"true" in answer.body


def test_memory_limit_stops_a_runaway_query_before_the_time_limit(release: Release) -> None:
    async def scenario() -> Answer | Failure:
        async with pool_of_one(release, memory_mb=1536) as pool:
            with pytest.raises(WorkerLostError):
                await pool.run(CROSS, 60)
            return await pool.run(ASK, 30)

    assert isinstance(asyncio.run(scenario()), Answer)


def test_a_long_query_drops_to_idle_priority_and_gets_a_fresh_thread(
    release: Release,
) -> None:
    async def scenario() -> tuple[int, int, Answer | Failure, Worker, Worker, int, int, bool]:
        async with pool_of_one(release, demote_after_s=0.05) as pool:
            first = await idle_worker(pool)  # reach in: to watch the worker from outside
            thread = first.tid
            before = os.sched_getscheduler(thread)
            running = asyncio.ensure_future(pool.run(LONG, 60))
            during = before
            for _ in range(1000):  # poll (bounded) until it is demoted or done
                during = os.sched_getscheduler(thread)
                if during == os.SCHED_IDLE or running.done():
                    break
                await asyncio.sleep(0.01)
            answer = await running
            after = await idle_worker(pool)  # once renewed
            policy = os.sched_getscheduler(after.tid)
            return before, during, answer, first, after, thread, policy, after.process.is_alive()

    before, during, answer, first, after, thread, policy_after, alive = asyncio.run(scenario())
    assert (before, during) == (os.SCHED_OTHER, os.SCHED_IDLE)
    assert isinstance(answer, Answer)  # it still finished, with its count
    assert int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]) > 0
    # the same process goes on (no fork: its store and cache stay), in a fresh thread at the
    # worker's priority
    assert after is first and alive and not after.demoted
    assert after.tid != thread and policy_after == os.SCHED_OTHER


def test_a_demoted_worker_whose_process_died_is_replaced(release: Release) -> None:
    """The renewal finds the process gone (killed between the answer and the renewal): the
    pool starts another, and answers."""

    async def scenario() -> tuple[Worker, Worker, Answer | Failure]:
        async with pool_of_one(release) as pool:
            first = await idle_worker(pool)
            first.demoted = True  # as if its last query had run long
            pool._idle.remove(first)
            first.reap()  # dead before the renewal asks it
            await pool._renew(first)
            after = await idle_worker(pool)
            return first, after, await pool.run(ASK, 30)

    first, after, answer = asyncio.run(scenario())
    assert after is not first and not first.process.is_alive()
    assert isinstance(answer, Answer) and b"true" in answer.body


def test_a_quick_query_keeps_its_worker_and_priority(release: Release) -> None:
    async def scenario() -> tuple[Worker, Worker, int]:
        async with pool_of_one(release, demote_after_s=5) as pool:
            first = await idle_worker(pool)
            await pool.run(ASK, 30)
            after = await idle_worker(pool)
            return first, after, os.sched_getscheduler(after.tid)

    first, after, scheduler = asyncio.run(scenario())
    assert after is first and after.tid == first.tid and not after.demoted
    assert scheduler == os.SCHED_OTHER


def test_the_other_workers_start_after_the_first_answer(release: Release) -> None:
    """One worker answers the first query alone (the start's critical path); the others
    start once it has, or at once when a query has to wait for it."""

    async def scenario() -> tuple[int, int, bool]:
        pool = QueryPool(WorkerConfig(release.folder / "store"), workers=3, max_waiting=4)
        await pool.start()
        try:
            before = len(pool._idle)
            await pool.run(ASK, 10)
            for _ in range(3000):  # bounded: they start in the background
                if len(pool._idle) == 3:
                    break
                await asyncio.sleep(0.01)
            after = len(pool._idle)
        finally:
            await pool.close()
        pool = QueryPool(WorkerConfig(release.folder / "store"), workers=3, max_waiting=4)
        await pool.start()
        try:  # a long first query: a lookup sent beside it is answered by another worker
            long = asyncio.get_running_loop().create_task(pool.run(LONG, 30))
            await asyncio.sleep(0)  # the long query takes the one worker
            await pool.run(ASK, 30)
            overtaken = not long.done()
            await long
        finally:
            await pool.close()
        return before, after, overtaken

    before, after, overtaken = asyncio.run(scenario())
    assert (before, after) == (1, 3)
    assert overtaken
