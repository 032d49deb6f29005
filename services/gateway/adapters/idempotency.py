"""``Idempotency-Key`` on POST: the same key with the same request gets the same answer and
causes one effect; the same key with another request is refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


class KeyReused(Exception):
    """The key was used for a different request."""


class KeyInFlight(Exception):
    """The first request with this key has not finished yet."""


def fingerprint(method: str, path: str, body: bytes) -> bytes:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).digest()


class IdempotencyStore:
    """``in_flight_for``: how long a first request may take; a key still in flight after that
    was left by a gateway that died with the request, and a retry takes it over (it sends the
    same command ids, so what the first request did is not done twice)."""

    def __init__(self, pool: asyncpg.Pool, *, in_flight_for: float = 60.0) -> None:
        self._pool = pool
        self._in_flight_for = in_flight_for

    async def begin(self, owner: str, key: str, request: bytes) -> Replay | None:
        """None: go ahead (the key is now reserved). A Replay: answer with it."""
        inserted = await self._pool.fetchval(
            "INSERT INTO idempotency_keys (owner, key, request) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING true",
            owner,
            key,
            request,
        )
        if inserted:
            return None
        row = await self._pool.fetchrow(
            "SELECT request, status, response FROM idempotency_keys WHERE owner = $1 AND key = $2",
            owner,
            key,
        )
        if row is None:  # expired between the two statements: treat as new
            return await self.begin(owner, key, request)
        if bytes(row["request"]) != request:
            raise KeyReused(key)
        if row["status"] is None:
            if await self._take_over(owner, key):
                return None
            raise KeyInFlight(key)
        return Replay(row["status"], row["response"])

    async def _take_over(self, owner: str, key: str) -> bool:
        """Whether the key was in flight for longer than a request may take (now ours)."""
        taken = await self._pool.fetchval(
            "UPDATE idempotency_keys SET created_at = now() "
            "WHERE owner = $1 AND key = $2 AND status IS NULL "
            "AND created_at < now() - make_interval(secs => $3) RETURNING true",
            owner,
            key,
            self._in_flight_for,
        )
        return bool(taken)

    async def finish(self, owner: str, key: str, status: int, body: Any) -> None:
        await self._pool.execute(
            "UPDATE idempotency_keys SET status = $3, response = $4 WHERE owner = $1 AND key = $2",
            owner,
            key,
            status,
            body,
        )

    async def abandon(self, owner: str, key: str) -> None:
        """A request that failed unexpectedly (5xx) frees its key for a retry."""
        await self._pool.execute(
            "DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2", owner, key
        )

    async def purge(self, older_than_hours: int = 24) -> None:
        await self._pool.execute(
            "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)",
            older_than_hours,
        )
