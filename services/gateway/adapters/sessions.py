"""Server-side sessions: the cookie holds 256 random bits, the table only their hash.

Each gateway keeps what it read of a session for ``cache_seconds`` (2 s by default), so a
page's reads cost no database round trip. Revocation stays prompt: signing out, disabling a
user or resetting a password deletes the rows and this process's copies at once, and any
other gateway instance stops honouring its copy within ``cache_seconds``. Idle and absolute
expiry are checked on every request against the copy's own clocks.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the directory knows them."""

    user_id: UUID
    company_kind: str  # "partner" or "customer"
    company_id: UUID
    email: str
    display_name: str
    company_role: str
    supported_access: str
    must_change_password: bool

    @classmethod
    def from_directory(cls, data: dict[str, Any]) -> Principal:
        return cls(
            user_id=UUID(str(data["user_id"])),
            company_kind=str(data["company_kind"]),
            company_id=UUID(str(data["company_id"])),
            email=str(data["email"]),
            display_name=str(data["display_name"]),
            company_role=str(data["company_role"]),
            supported_access=str(data["supported_access"]),
            must_change_password=bool(data["must_change_password"]),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": str(self.user_id),
            "company_kind": self.company_kind,
            "company_id": str(self.company_id),
            "email": self.email,
            "display_name": self.display_name,
            "company_role": self.company_role,
            "supported_access": self.supported_access,
            "must_change_password": self.must_change_password,
        }


@dataclass(frozen=True)
class Session:
    principal: Principal
    csrf_token: str
    refreshed_at: datetime
    token_hash: bytes


@dataclass(frozen=True)
class _Cached:
    session: Session
    read_at: float  # monotonic
    expires_at: datetime
    last_seen_at: datetime


@dataclass
class _Cache:
    """This process's copies of sessions it read, each honoured for ``seconds`` after the
    read and while its own idle and absolute clocks allow; at most ``size`` of them."""

    seconds: float
    size: int
    entries: dict[bytes, _Cached] = field(default_factory=dict)

    def get(self, token_hash: bytes, now: datetime, idle: timedelta) -> Session | None:
        entry = self.entries.get(token_hash)
        if entry is None:
            return None
        fresh = time.monotonic() - entry.read_at < self.seconds
        alive = now < entry.expires_at and now - entry.last_seen_at < idle
        if fresh and alive:
            return entry.session
        del self.entries[token_hash]
        return None

    def remember(self, session: Session, expires_at: datetime, last_seen_at: datetime) -> None:
        if len(self.entries) >= self.size:
            self.entries.clear()  # a burst of new sessions: start over rather than track age
        self.entries[session.token_hash] = _Cached(
            session, time.monotonic(), expires_at, last_seen_at
        )

    def forget(self, token_hash: bytes) -> None:
        self.entries.pop(token_hash, None)

    def forget_user(self, user_id: UUID) -> None:
        for token_hash in [
            h for h, e in self.entries.items() if e.session.principal.user_id == user_id
        ]:
            del self.entries[token_hash]


TOUCH_AFTER = timedelta(minutes=1)


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SessionStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        idle: timedelta,
        absolute: timedelta,
        cache_seconds: float = 2.0,
        cache_size: int = 10_000,
    ) -> None:
        self._pool = pool
        self._idle = idle
        self._absolute = absolute
        self._cache = _Cache(cache_seconds, cache_size)

    async def create(self, principal: Principal) -> tuple[str, Session]:
        """A brand-new session (never reuse one from before sign-in: no fixation)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        await self._pool.execute(
            "INSERT INTO sessions (token_hash, user_id, principal, csrf_token, created_at, "
            "last_seen_at, refreshed_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $5, $6)",
            _hash(token),
            principal.user_id,
            principal.as_json(),
            csrf,
            now,
            now + self._absolute,
        )
        return token, Session(principal, csrf, now, _hash(token))

    async def get(self, token: str) -> Session | None:
        now = datetime.now(UTC)
        cached = self._cache.get(_hash(token), now, self._idle)
        if cached is not None:
            return cached
        row = await self._pool.fetchrow(
            "SELECT principal, csrf_token, refreshed_at, token_hash, last_seen_at, expires_at "
            "FROM sessions "
            "WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
            _hash(token),
            now,
            now - self._idle,
        )
        if row is None:
            return None
        last_seen = row["last_seen_at"]
        if now - last_seen > TOUCH_AFTER:
            # Reads stay reads: the idle clock is moved at most once a minute.
            await self._pool.execute(
                "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
                row["token_hash"],
                now,
            )
            last_seen = now
        session = Session(
            Principal.from_directory(row["principal"]),
            row["csrf_token"],
            row["refreshed_at"],
            bytes(row["token_hash"]),
        )
        self._cache.remember(session, row["expires_at"], last_seen)
        return session

    async def refresh(self, session: Session, principal: Principal) -> Session:
        now = datetime.now(UTC)
        await self._pool.execute(
            "UPDATE sessions SET principal = $2, refreshed_at = $3 WHERE token_hash = $1",
            session.token_hash,
            principal.as_json(),
            now,
        )
        self._cache.forget(session.token_hash)
        return Session(principal, session.csrf_token, now, session.token_hash)

    async def delete(self, token: str) -> None:
        self._cache.forget(_hash(token))
        await self._pool.execute("DELETE FROM sessions WHERE token_hash = $1", _hash(token))

    async def delete_user(self, user_id: UUID) -> None:
        self._cache.forget_user(user_id)
        await self._pool.execute("DELETE FROM sessions WHERE user_id = $1", user_id)

    async def purge_expired(self) -> int:
        result = await self._pool.execute(
            "DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - $1::interval",
            self._idle,
        )
        return int(result.split()[-1])
