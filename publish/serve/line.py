"""The line of queries waiting for a worker: fair between clients, and bounded.

A first-come line let the clients that send the most fill it: while costly queries held
the workers, a script sending one cheap lookup at a time was refused whenever the line
happened to be full of other clients' queries (``bench/abuse.py``). So the line counts
what each client address holds (queries running or waiting in the pool):

- a freed worker goes to the waiting query whose client has the fewest queries running,
  the oldest among equals, so one client's second query never delays another's first;
- when the line is full, a newcomer takes the place of the waiting query whose client
  holds the most, the youngest among equals, if that client holds more than the
  newcomer's does with it; the query it replaces gets 429;
- else a client's only query still joins, past the line's length: a client with nothing
  else in flight is never refused for a full line (it waits, like every query, at most the
  time limit). Only a further query of a client gets 429.

So the line's length bounds what clients queue beyond one query each; how many clients
wait with one is bounded by the connections the server accepts (``max_connections``,
uvicorn's ``limit_concurrency``), and each pays its wait from its query-time budget like
any query.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class PoolBusyError(Exception):
    """Every worker is busy and the waiting line is full (or gave this query's place to a
    client holding fewer queries)."""

    def __init__(self, message: str = "too many queries at once: try again shortly") -> None:
        super().__init__(message)


SHED = (
    "too many queries at once, and your address had the most of them in flight: its "
    "waiting query gave its place to another client's; try again shortly"
)


@dataclass(eq=False)
class Place(Generic[T]):
    """One query's place in line; its future gets the worker (or ``PoolBusyError``)."""

    client: str
    order: int
    future: asyncio.Future[T]


class FairLine(Generic[T]):
    """Queries waiting for a ``T`` (a worker), served fairly: ``capacity`` places, and
    past them one for each client's only query."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.holding: Counter[str] = Counter()  # per client: queries running or waiting
        self.running: Counter[str] = Counter()  # per client: queries that have a worker
        self._places: list[Place[T]] = []
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        return len(self._places)

    @contextlib.contextmanager
    def held(self, client: str) -> Iterator[None]:
        """Count one query of ``client`` for as long as it runs or waits."""
        self.holding[client] += 1
        try:
            yield
        finally:
            _decrement(self.holding, client)

    @contextlib.contextmanager
    def running_for(self, client: str) -> Iterator[None]:
        """One query of ``client`` has a worker (it was handed one, see ``hand``)."""
        try:
            yield
        finally:
            _decrement(self.running, client)

    def join(self, client: str) -> Place[T]:
        """A place in line for a query of ``client`` (already counted by ``held``); when
        the line is full, the place of a heavier client's waiting query, else a place past
        the end for a client's only query, else ``PoolBusyError``."""
        if len(self._places) >= self.capacity:
            heaviest = max(
                self._places, key=lambda p: (self.holding[p.client], p.order), default=None
            )
            if heaviest is not None and self.holding[heaviest.client] > self.holding[client]:
                self._places.remove(heaviest)
                heaviest.future.set_exception(PoolBusyError(SHED))
            elif self.holding[client] > 1:
                raise PoolBusyError
        place = Place(client, next(self._arrivals), asyncio.get_running_loop().create_future())
        self._places.append(place)
        return place

    def hand(self, worker: T) -> bool:
        """Give ``worker`` to the waiting query whose client has the fewest running (the
        oldest among equals); False when nobody waits."""
        if not self._places:
            return False
        place = min(self._places, key=lambda p: (self.running[p.client], p.order))
        self._places.remove(place)
        self.running[place.client] += 1
        place.future.set_result(worker)
        return True

    def leave(self, place: Place[T]) -> T | None:
        """Give up ``place`` (its wait timed out, or its client hung up): the worker handed
        to it meanwhile, if any, to be given to the next query."""
        if place in self._places:
            self._places.remove(place)
        if not place.future.done():
            place.future.cancel()
            return None
        if place.future.cancelled() or place.future.exception() is not None:
            return None
        _decrement(self.running, place.client)  # handed, never run
        return place.future.result()


def _decrement(counter: Counter[str], key: str) -> None:
    """One less for ``key``; a client with none left is forgotten (memory stays bounded)."""
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
