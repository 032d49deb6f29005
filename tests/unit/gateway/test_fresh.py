"""Answers the gateway keeps: reused until an event names an id they depend on."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import orjson

from services.gateway.adapters.fresh import Fresh


def _event(**data: object) -> bytes:
    return orjson.dumps({k: str(v) for k, v in data.items()})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _counter() -> tuple[list[int], Callable[[], Awaitable[int]]]:
    calls: list[int] = []

    async def fetch() -> int:
        calls.append(len(calls) + 1)
        return len(calls)

    return calls, fetch


async def test_an_answer_is_reused_until_an_event_names_an_id_it_depends_on() -> None:
    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=60, settle=1, clock=clock)
    partner, customer, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        return calls

    key = ("customer", customer)
    assert await cache.get(key, (customer, partner), fetch) == 1
    assert await cache.get(key, (customer, partner), fetch) == 1
    cache.on_event("t", {}, _event(partner_id=other))
    assert await cache.get(key, (customer, partner), fetch) == 1  # another's event: no change
    cache.on_event("t", {}, _event(partner_of_record=partner, customer_id=other))
    assert await cache.get(key, (customer, partner), fetch) == 2  # any mention drops it
    clock.now += 2
    assert await cache.get(key, (customer, partner), fetch) == 3
    assert await cache.get(key, (customer, partner), fetch) == 3
    cache.on_event("t", {}, _event(customer_id=customer))
    assert await cache.get(key, (customer, partner), fetch) == 4


async def test_readers_keys_are_apart() -> None:
    cache: Fresh[str] = Fresh(ttl=60, settle=0)
    alice, bob, customer = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    async def as_alice() -> str:
        return "alice's view"

    async def as_bob() -> str:
        return "bob's view"

    assert await cache.get(("c", customer, alice), (customer, alice), as_alice) == "alice's view"
    assert await cache.get(("c", customer, bob), (customer, bob), as_bob) == "bob's view"
    cache.on_event("t", {}, _event(user_id=bob))  # bob's roles changed

    async def bob_again() -> str:
        return "bob's new view"

    assert await cache.get(("c", customer, alice), (customer, alice), as_bob) == "alice's view"
    assert await cache.get(("c", customer, bob), (customer, bob), bob_again) == "bob's new view"


async def test_an_answer_fetched_across_an_event_is_not_kept() -> None:
    cache: Fresh[str] = Fresh(ttl=60, settle=0)
    partner = uuid.uuid4()
    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await release.wait()
        return "before the event"

    reading = asyncio.create_task(cache.get("k", (partner,), slow))
    await started.wait()
    cache.on_event("t", {}, _event(partner_id=partner))
    release.set()
    assert await reading == "before the event"

    async def fresh() -> str:
        return "after the event"

    assert await cache.get("k", (partner,), fresh) == "after the event"


async def test_an_answer_is_not_kept_while_an_event_settles() -> None:
    """The owner may still be applying another service's event to its own view."""
    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=60, settle=2, clock=clock)
    customer = uuid.uuid4()
    calls, fetch = _counter()
    cache.on_event("t", {}, _event(customer_id=customer))
    clock.now += 1
    assert await cache.get("k", (customer,), fetch) == 1
    assert await cache.get("k", (customer,), fetch) == 2
    clock.now += 1.5
    assert await cache.get("k", (customer,), fetch) == 3
    assert await cache.get("k", (customer,), fetch) == 3
    assert calls == [1, 2, 3]


async def test_concurrent_readers_share_one_fetch_unless_an_event_came_after_it_began() -> None:
    cache: Fresh[int] = Fresh(ttl=60, settle=0)
    partner = uuid.uuid4()
    release = asyncio.Event()
    calls = 0

    async def slow() -> int:
        nonlocal calls
        calls += 1
        mine = calls
        await release.wait()
        return mine

    first = [asyncio.create_task(cache.get("k", (partner,), slow)) for _ in range(5)]
    for _ in range(3):
        await asyncio.sleep(0)
    assert calls == 1
    cache.on_event("t", {}, _event(partner_id=partner))
    after = asyncio.create_task(cache.get("k", (partner,), slow))
    for _ in range(3):
        await asyncio.sleep(0)
    assert calls == 2  # a reader after the event does not get the answer begun before it
    release.set()
    assert [await t for t in first] == [1] * 5
    assert await after == 2


async def test_past_ttl_the_old_answer_is_served_once_while_one_fetch_replaces_it() -> None:
    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=5, settle=0, clock=clock)
    partner = uuid.uuid4()
    calls, fetch = _counter()
    assert await cache.get("k", (partner,), fetch) == 1
    clock.now += 6
    assert await cache.get("k", (partner,), fetch) == 1
    assert await cache.get("k", (partner,), fetch) == 1
    for _ in range(5):
        await asyncio.sleep(0)  # the refresh runs and lands
    assert calls == [1, 2]  # one refresh in the background, not one per reader
    assert await cache.get("k", (partner,), fetch) == 2
    clock.now += 11  # twice the ttl: the reader waits for a new answer
    assert await cache.get("k", (partner,), fetch) == 3


async def test_ttl_zero_and_keep_bound_what_is_reused() -> None:
    partner = uuid.uuid4()
    answers = iter(["a", "b", "c"])

    async def fetch() -> str:
        return next(answers)

    expiring: Fresh[str] = Fresh(ttl=0, settle=0)
    assert await expiring.get("k", (partner,), fetch) == "a"
    assert await expiring.get("k", (partner,), fetch) == "b"
    picky: Fresh[str] = Fresh(ttl=60, settle=0)
    assert await picky.get("k", (partner,), fetch, keep=lambda _: False) == "c"


async def test_a_read_can_have_its_own_ttl() -> None:
    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=60, settle=0, clock=clock)
    partner = uuid.uuid4()
    _, fetch = _counter()
    assert await cache.get("short", (partner,), fetch, ttl=5) == 1
    assert await cache.get("long", (partner,), fetch) == 2
    clock.now += 11
    assert await cache.get("short", (partner,), fetch, ttl=5) == 3  # past twice its own ttl
    assert await cache.get("long", (partner,), fetch) == 2


async def test_a_failed_fetch_is_not_kept() -> None:
    cache: Fresh[int] = Fresh(ttl=60, settle=0)
    partner = uuid.uuid4()

    async def failing() -> int:
        raise LookupError("not found")

    for _ in range(2):
        try:
            await cache.get("k", (partner,), failing)
        except LookupError:
            pass
        else:
            raise AssertionError("the error should reach every reader")

    async def works() -> int:
        return 7

    assert await cache.get("k", (partner,), works) == 7


async def test_an_events_ids_are_dropped_again_later_for_an_owner_that_lags() -> None:
    """An answer kept after ``settle`` may still predate the owner applying the event."""
    cache: Fresh[int] = Fresh(ttl=60, settle=0.02)
    customer = uuid.uuid4()
    calls, fetch = _counter()
    cache.on_event("t", {}, _event(customer_id=customer))
    await asyncio.sleep(0.03)  # past settle (and its first drop): this answer is kept
    assert await cache.get("k", (customer,), fetch) == 1
    assert await cache.get("k", (customer,), fetch) == 1
    await asyncio.sleep(0.09)  # 5 * settle after the event: dropped once more
    assert await cache.get("k", (customer,), fetch) == 2
    assert calls == [1, 2]


async def test_a_burst_of_events_shares_a_few_timers() -> None:
    """The gateway sees thousands of events a second: their later drops are grouped."""
    cache: Fresh[int] = Fresh(ttl=60, settle=2)  # slots of 0.5 s: the burst spans one or two
    customers = [uuid.uuid4() for _ in range(1000)]
    for customer in customers:
        cache.on_event("t", {}, _event(customer_id=customer))
    assert len(cache._due) <= 4  # two drops each, every one in one of a few slots
    assert sum(len(ids) for ids in cache._due.values()) == 2 * len(customers)


async def test_hits_and_misses_are_counted_for_operators() -> None:
    from prometheus_client import REGISTRY

    def count(result: str) -> float:
        value = REGISTRY.get_sample_value("portal_gateway_kept_reads_total", {"result": result})
        return value or 0.0

    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=5, settle=0, clock=clock)
    _, fetch = _counter()
    before = {r: count(r) for r in ("hit", "stale", "miss")}
    await cache.get("k", (uuid.uuid4(),), fetch)
    await cache.get("k", (uuid.uuid4(),), fetch)
    clock.now += 6
    await cache.get("k", (uuid.uuid4(),), fetch)
    assert {r: count(r) - before[r] for r in before} == {"hit": 1, "stale": 1, "miss": 1}


async def test_background_refreshes_run_a_few_at_a_time() -> None:
    """Answers kept together expire together: their refreshes must not all hit the owner."""
    clock = Clock()
    cache: Fresh[int] = Fresh(ttl=5, settle=0, refreshes=2, clock=clock)
    partner = uuid.uuid4()
    running = peak = 0
    release = asyncio.Event()

    async def slow() -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1
        return 1

    async def first() -> int:
        return 0

    for k in range(10):
        await cache.get(k, (partner,), first)
    clock.now += 6
    assert [await cache.get(k, (partner,), slow) for k in range(10)] == [0] * 10  # stale
    for _ in range(5):
        await asyncio.sleep(0)
    assert (running, peak) == (2, 2)
    release.set()
    for _ in range(50):
        await asyncio.sleep(0)
    assert peak == 2
    assert [await cache.get(k, (partner,), first) for k in range(10)] == [1] * 10
