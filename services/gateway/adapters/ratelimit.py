"""A sliding-window rate limit per client and bucket, kept in the gateway's database: every
gateway instance counts the same hits, so a client gets its limit once, however many instances
its requests are spread over (and a restart forgets nothing)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg

# One statement per request: this second's hit is counted, then the minute's hits are summed;
# the count of this second is the row just written (the newest, even under concurrent hits),
# the earlier seconds are the committed ones. A refused hit is taken back (_TAKE_BACK).
_HIT = """
WITH hit AS (
    INSERT INTO rate_hits (bucket, client, second, hits) VALUES ($1, $2, $3, 1)
    ON CONFLICT (bucket, client, second) DO UPDATE SET hits = rate_hits.hits + 1
    RETURNING hits
)
SELECT (SELECT hits FROM hit) + COALESCE(SUM(hits), 0) AS recent,
       min(second) FILTER (WHERE hits > 0) AS oldest
FROM rate_hits
WHERE bucket = $1 AND client = $2
  AND second > $3::timestamptz - interval '60 seconds' AND second < $3
"""
_TAKE_BACK = """
UPDATE rate_hits SET hits = hits - 1
WHERE bucket = $1 AND client = $2 AND second = $3
"""
_PURGE = "DELETE FROM rate_hits WHERE second < now() - interval '2 minutes'"


class RateLimiter:
    """At most ``per_minute`` hits of one client in any 60 s of one bucket."""

    def __init__(self, pool: asyncpg.Pool, bucket: str, *, per_minute: int) -> None:
        self._pool = pool
        self._bucket = bucket
        self._limit = per_minute

    async def check(self, client: str, now: datetime | None = None) -> int:
        """0 when allowed (and counted); otherwise the seconds to wait (the refused hit is not
        counted, as a client that waits is let in again)."""
        second = (now or datetime.now(UTC)).replace(microsecond=0)
        async with self._pool.acquire() as connection:
            counted = await connection.fetchrow(_HIT, self._bucket, client, second)
            recent, oldest = counted or (0, None)
            if recent <= self._limit:
                return 0
            await connection.execute(_TAKE_BACK, self._bucket, client, second)
        # Let in again once the oldest counted second has left the minute.
        return max(1, math.ceil(((oldest or second) - second).total_seconds() + 60))

    @staticmethod
    async def purge(pool: asyncpg.Pool) -> None:
        """Forget the seconds no window reaches any more."""
        await pool.execute(_PURGE)
