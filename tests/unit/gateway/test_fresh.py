"""The overview's per-partner answers: kept until an event names the partner."""

from __future__ import annotations

import asyncio
import uuid

import orjson

from services.gateway.adapters.fresh import FreshPerPartner


def _event(**data: object) -> bytes:
    return orjson.dumps({k: str(v) for k, v in data.items()})


async def test_an_answer_is_reused_until_an_event_names_the_partner() -> None:
    cache: FreshPerPartner[int] = FreshPerPartner(ttl=60)
    partner, other = uuid.uuid4(), uuid.uuid4()
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await cache.get(partner, fetch) == 1
    assert await cache.get(partner, fetch) == 1
    cache.on_event("t", {}, _event(partner_id=other))
    assert await cache.get(partner, fetch) == 1  # another partner's event changes nothing
    cache.on_event("t", {}, _event(partner_of_record=partner, customer_id=other))
    assert await cache.get(partner, fetch) == 2  # any mention of the partner drops it


async def test_an_answer_fetched_across_an_event_is_not_kept() -> None:
    cache: FreshPerPartner[str] = FreshPerPartner(ttl=60)
    partner = uuid.uuid4()
    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await release.wait()
        return "before the event"

    reading = asyncio.create_task(cache.get(partner, slow))
    await started.wait()
    cache.on_event("t", {}, _event(partner_id=partner))
    release.set()
    assert await reading == "before the event"

    async def fresh() -> str:
        return "after the event"

    assert await cache.get(partner, fresh) == "after the event"


async def test_ttl_and_keep_bound_what_is_reused() -> None:
    partner = uuid.uuid4()
    answers = iter(["a", "b", "c"])

    async def fetch() -> str:
        return next(answers)

    expiring: FreshPerPartner[str] = FreshPerPartner(ttl=0)
    assert await expiring.get(partner, fetch) == "a"
    assert await expiring.get(partner, fetch) == "b"
    picky: FreshPerPartner[str] = FreshPerPartner(ttl=60)
    assert await picky.get(partner, fetch, keep=lambda _: False) == "c"
