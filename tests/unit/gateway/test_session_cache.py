"""A gateway reuses a session it read for a moment, and never past a revocation or expiry."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.gateway.adapters.sessions import Principal, SessionStore, _hash


class FakePool:
    """The two statements SessionStore.get uses, over one in-memory table."""

    def __init__(self) -> None:
        self.rows: dict[bytes, dict[str, Any]] = {}
        self.reads = 0

    async def fetchrow(self, sql: str, token_hash: bytes, now: datetime, idle: datetime) -> Any:
        self.reads += 1
        row = self.rows.get(token_hash)
        if row and row["expires_at"] > now and row["last_seen_at"] > idle:
            return row
        return None

    async def execute(self, sql: str, *args: Any) -> str:
        if sql.startswith("DELETE FROM sessions WHERE token_hash"):
            self.rows.pop(args[0], None)
        elif sql.startswith("DELETE FROM sessions WHERE user_id"):
            for key in [k for k, r in self.rows.items() if r["user_id"] == args[0]]:
                del self.rows[key]
        return "OK 1"

    def add(self, token: str, user_id: uuid.UUID, *, expires_in: timedelta) -> None:
        now = datetime.now(UTC)
        principal = Principal(
            user_id, "partner", uuid.uuid4(), "a@b.example", "A", "none", "full", False
        )
        self.rows[_hash(token)] = {
            "principal": principal.as_json(),
            "csrf_token": "csrf",
            "refreshed_at": now,
            "token_hash": _hash(token),
            "last_seen_at": now,
            "expires_at": now + expires_in,
            "user_id": user_id,
        }


def _store(pool: FakePool, cache_seconds: float = 60) -> SessionStore:
    return SessionStore(
        pool,  # type: ignore[arg-type]
        idle=timedelta(minutes=30),
        absolute=timedelta(hours=12),
        cache_seconds=cache_seconds,
    )


async def test_a_session_is_read_once_then_reused() -> None:
    pool, user = FakePool(), uuid.uuid4()
    pool.add("tok", user, expires_in=timedelta(hours=1))
    store = _store(pool)
    assert (await store.get("tok")) is not None
    assert (await store.get("tok")) is not None
    assert pool.reads == 1


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(lambda store, user: store.delete_user(user), id="revoking-its-user"),
        pytest.param(lambda store, user: store.delete("tok"), id="signing-out"),
    ],
)
async def test_ending_a_session_ends_its_cached_copy_at_once(
    end: Callable[[SessionStore, uuid.UUID], Awaitable[None]],
) -> None:
    pool, user = FakePool(), uuid.uuid4()
    pool.add("tok", user, expires_in=timedelta(hours=1))
    store = _store(pool)
    assert await store.get("tok") is not None
    await end(store, user)
    assert await store.get("tok") is None


async def test_a_cached_session_is_not_honoured_past_its_expiry() -> None:
    pool = FakePool()
    pool.add("tok", uuid.uuid4(), expires_in=timedelta(milliseconds=50))
    store = _store(pool)
    assert await store.get("tok") is not None
    pool.rows[_hash("tok")]["expires_at"] = datetime.now(UTC) - timedelta(seconds=1)
    # the copy carries the old expiry; make the clock pass it
    store._cache.entries[_hash("tok")] = store._cache.entries[_hash("tok")].__class__(
        **{**store._cache.entries[_hash("tok")].__dict__, "expires_at": datetime.now(UTC)}
    )
    assert await store.get("tok") is None


async def test_another_instance_stops_honouring_a_revoked_session_after_cache_seconds() -> None:
    pool = FakePool()
    pool.add("tok", uuid.uuid4(), expires_in=timedelta(hours=1))
    store = _store(pool, cache_seconds=0)  # as if the 2 s had passed
    assert await store.get("tok") is not None
    pool.rows.clear()  # revoked by another gateway instance
    assert await store.get("tok") is None
