"""The gateway's rate limit on a real PostgreSQL: a sliding minute per client and bucket,
counted in the database, so two limiters on one database (two gateway instances) share it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from services.gateway.adapters.ratelimit import RateLimiter
from tests.support.schemas import migrated_schema

T0 = datetime(2026, 12, 3, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    async with migrated_schema(database, "gateway", size=8) as pool:
        yield pool


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_two_limiters_on_one_database_share_the_minute(pool: asyncpg.Pool) -> None:
    a, b = (RateLimiter(pool, "sign_in", per_minute=3) for _ in range(2))
    waits = [await limiter.check("198.51.100.7", at(n)) for n, limiter in enumerate((a, b, a, b))]
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == 57  # the first hit (second 0) leaves the minute at second 60
    # Another client and another bucket have their own counts.
    assert await b.check("198.51.100.8", at(3)) == 0
    assert await RateLimiter(pool, "public", per_minute=3).check("198.51.100.7", at(3)) == 0


async def test_the_window_slides_and_a_refused_hit_is_not_counted(pool: asyncpg.Pool) -> None:
    limiter = RateLimiter(pool, "public", per_minute=2)
    assert [await limiter.check("c", at(s)) for s in (0, 30)] == [0, 0]
    assert await limiter.check("c", at(45)) == 15  # refused: second 0 is still in the minute
    assert await limiter.check("c", at(59.9)) > 0
    assert await limiter.check("c", at(60)) == 0  # second 0 has left; the refusals never counted
    assert await limiter.check("c", at(61)) == 29  # seconds 30 and 60 are in the minute


async def test_concurrent_hits_let_exactly_the_limit_in(pool: asyncpg.Pool) -> None:
    limiters = [RateLimiter(pool, "sign_in", per_minute=5) for _ in range(4)]
    waits = await asyncio.gather(*(limiters[i % 4].check("burst", at(10)) for i in range(20)))
    assert sum(w == 0 for w in waits) == 5


async def test_purge_forgets_only_seconds_no_minute_reaches(pool: asyncpg.Pool) -> None:
    limiter = RateLimiter(pool, "public", per_minute=10)
    now = datetime.now(UTC)
    for seconds in (-600, -130, -5):
        await limiter.check("old", now + timedelta(seconds=seconds))
    await RateLimiter.purge(pool)
    assert await pool.fetchval("SELECT count(*) FROM rate_hits") == 1
