"""Answers the gateway keeps until an event names something they depend on.

The gateway already sees every event on the events topics (its command client reads them to
answer commands). A kept answer names the ids it depends on (the partner, the customer, the
user reading it); the first event that mentions any of them anywhere drops it, before the
command that caused the event returns to its sender, so a user always reads their own writes.

Three bounds on what is reused:

- ``settle``: an answer is not kept if one of its ids was named by an event less than
  ``settle`` seconds before the fetch began, or while it ran. The owner may still be applying
  another service's event to its local view (the directory's copy of a delegation), and the
  answer it gives meanwhile is not one to keep. In case the owner lags longer (a busy
  consumer), an event's ids are dropped again ``settle`` and ``5 * settle`` seconds later
  (events due within a quarter of ``settle`` of each other share one timer).
- ``ttl``: for what no event announces (an invitation passing its expiry time). An answer older
  than ``ttl`` is answered once more while one fetch replaces it in the background (so no reader
  waits for the refresh); older than twice ``ttl``, readers wait for a new one. At most
  ``refreshes`` background fetches run at once: answers kept together expire together, and a
  wave of refreshes would otherwise land on the owner all at once (in the read benchmark, the
  1,000 customer pages of the read set go stale together).
- ``size``: the number of answers kept; past it, all are forgotten.

Concurrent readers of one missing answer share one fetch, unless an event named one of its ids
after that fetch began.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from prometheus_client import Counter

T = TypeVar("T")
READS = Counter(
    "portal_gateway_kept_reads_total",
    "Reads of kept answers: hit (kept), stale (kept past its ttl, refreshing), miss (fetched)",
    ["result"],
)
_HIT, _STALE, _MISS = (READS.labels(r) for r in ("hit", "stale", "miss"))
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(slots=True)
class _Kept(Generic[T]):
    at: float
    answer: T
    refreshing: bool = False


@dataclass(slots=True)
class _Flight(Generic[T]):
    began: float
    ids: tuple[str, ...]
    task: asyncio.Task[T]


class Fresh(Generic[T]):
    def __init__(
        self,
        *,
        ttl: float = 5.0,
        settle: float = 2.0,
        size: int = 20_000,
        refreshes: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._settle = settle
        self._size = size
        self._clock = clock
        self._kept: dict[Hashable, _Kept[T]] = {}
        self._by_id: dict[str, set[Hashable]] = {}
        self._named_at: dict[str, float] = {}  # when an event last named each id
        self._due: dict[int, set[str]] = {}  # ids to drop again, by slot of loop time
        self._flights: dict[Hashable, _Flight[T]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._refresh_slots = asyncio.Semaphore(refreshes)

    async def get(
        self,
        key: Hashable,
        ids: Iterable[UUID],
        fetch: Callable[[], Awaitable[T]],
        *,
        keep: Callable[[T], bool] = lambda _: True,
        ttl: float | None = None,
    ) -> T:
        """The answer kept under ``key``, or ``fetch()``'s; ``ids``: what it depends on;
        ``keep``: whether an answer may be kept; ``ttl``: this answer's, if not the default."""
        names = tuple(str(i) for i in ids)
        kept = self._kept.get(key)
        if kept is not None:
            age = self._clock() - kept.at
            limit = self._ttl if ttl is None else ttl
            if age < limit:
                _HIT.inc()
                return kept.answer
            if age < 2 * limit:
                _STALE.inc()
                if not kept.refreshing:
                    kept.refreshing = True
                    self._refresh(key, lambda: self._fetch(key, names, fetch, keep))
                return kept.answer
        _MISS.inc()
        return await self._fetch(key, names, fetch, keep)

    def on_event(self, topic: str, headers: dict[str, str], value: bytes) -> None:
        """A bus listener: drop every answer that depends on an id the event mentions."""
        names = {found.decode() for found in _UUID.findall(value.lower())}
        self._drop(names, named=True)
        if self._settle > 0 and names:
            self._drop_again(self._settle, names)
            self._drop_again(5 * self._settle, names)

    def _drop_again(self, delay: float, names: set[str]) -> None:
        """Drop ``names`` once more ``delay`` seconds from now, or up to a quarter of
        ``settle`` later: the events due in one such slot share one timer (thousands of
        events a second would otherwise each hold two timers and their own set)."""
        loop = asyncio.get_running_loop()
        quantum = self._settle / 4
        slot = math.ceil((loop.time() + delay) / quantum)
        due = self._due.get(slot)
        if due is None:
            self._due[slot] = due = set()
            loop.call_at(slot * quantum, self._drop_slot, slot)
        due |= names

    def _drop_slot(self, slot: int) -> None:
        self._drop(self._due.pop(slot, set()))

    def _drop(self, names: set[str], *, named: bool = False) -> None:
        now = self._clock()
        for name in names:
            if named:
                self._named_at[name] = now
            for key in self._by_id.pop(name, ()):
                self._kept.pop(key, None)
        if len(self._named_at) > 4 * self._size:
            self._named_at = {
                name: at for name, at in self._named_at.items() if now - at < self._settle
            }

    def _refresh(self, key: Hashable, fetching: Callable[[], Awaitable[T]]) -> None:
        """``fetching()`` (the fetch of ``key``'s answer) in the background, a few at a
        time; a failed one drops the stale answer rather than keep it."""

        async def run() -> None:
            try:
                async with self._refresh_slots:
                    await fetching()
            except Exception:
                self._kept.pop(key, None)

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _fetch(
        self,
        key: Hashable,
        names: tuple[str, ...],
        fetch: Callable[[], Awaitable[T]],
        keep: Callable[[T], bool],
    ) -> T:
        flight = self._flights.get(key)
        if flight is None or self._named_since(flight.ids, flight.began):
            new = _Flight(self._clock(), names, asyncio.ensure_future(fetch()))
            new.task.add_done_callback(lambda _: self._land(key, new, keep))
            self._flights[key] = flight = new
        return await asyncio.shield(flight.task)

    def _land(self, key: Hashable, flight: _Flight[T], keep: Callable[[T], bool]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if flight.task.cancelled() or flight.task.exception() is not None:
            return
        answer = flight.task.result()
        if not keep(answer) or self._named_since(flight.ids, flight.began - self._settle):
            self._kept.pop(key, None)  # an older answer this one was to replace
            return
        if len(self._kept) >= self._size:
            self._kept.clear()
            self._by_id.clear()
        self._kept[key] = _Kept(flight.began, answer)
        for name in flight.ids:
            self._by_id.setdefault(name, set()).add(key)

    def _named_since(self, names: tuple[str, ...], since: float) -> bool:
        return any(self._named_at.get(name, -1e18) >= since for name in names)
