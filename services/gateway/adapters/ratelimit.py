"""A sliding-window rate limit per client and bucket, in memory (one gateway process; behind
several copies the limit is per copy, which the README states)."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, *, per_minute: int) -> None:
        self._limit = per_minute
        self._window = 60.0
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, client: str, now: float | None = None) -> int:
        """0 when allowed (and counted); otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        hits = self._hits[client]
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= self._limit:
            return max(1, math.ceil(hits[0] + self._window - now))
        hits.append(now)
        if len(self._hits) > 100_000:  # forget idle clients rather than grow without bound
            for key in [k for k, v in self._hits.items() if not v][:50_000]:
                del self._hits[key]
        return 0
