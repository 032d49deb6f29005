"""asyncpg pool per service schema, and the SQL migration runner."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from shared.logging import get_logger
from shared.patience import PATIENCE, patiently

KERNEL_MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


async def init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name,
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
            schema="pg_catalog",
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset on release (asyncpg's default runs ``SELECT pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL`` every time: one more round trip per batch). asyncpg
    still rolls back a transaction left open and drops listeners before calling this. Our
    code leaves no session state on a pooled connection: no ``SET`` (``SET LOCAL`` ends
    with its transaction), no ``LISTEN`` (the relay has its own connection), advisory locks
    only transaction-scoped or unlocked explicitly (``migrate``), cursors only inside
    transactions."""


# While the server is down or still starting (refused, "not yet accepting connections" during
# crash recovery): a process started meanwhile waits for it instead of exiting.
UNREACHABLE = (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)


async def create_pool(
    dsn: str, schema: str, *, size: int = 5, patience: float = PATIENCE
) -> asyncpg.Pool:
    """A pool whose connections work in ``schema`` only: a service never names another's.
    A server that cannot be reached yet is waited for (``shared.patience``), so a service
    started during a database restart waits for it."""
    return await patiently(
        lambda: _create_pool(dsn, schema, size),
        unreachable=UNREACHABLE,
        patience=patience,
        event="database_unreachable",
        schema=schema,
    )


async def _create_pool(dsn: str, schema: str, size: int) -> asyncpg.Pool:
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await admin.close()
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=size,
        init=init_connection,
        reset=_keep_session,
        # UTC whatever the server's default: JSON built by PostgreSQL (row_to_json) writes
        # timestamps in the session's time zone.
        server_settings={
            "search_path": schema,
            "application_name": f"portal-{schema}",
            "timezone": "UTC",
        },
    )
    assert pool is not None
    return pool


def _lock_id(schema: str) -> int:
    return int.from_bytes(
        hashlib.sha256(f"migrate:{schema}".encode()).digest()[:8], "big", signed=True
    )


async def migrate(pool: asyncpg.Pool, schema: str, *folders: Path) -> list[str]:
    """Apply the kernel's then the service's ``*.sql`` files once each, in name order.

    An advisory lock lets two copies of a service start at once without racing.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _lock_id(schema))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            for folder in (KERNEL_MIGRATIONS, *folders):
                for path in sorted(folder.glob("*.sql")):
                    name = f"{folder.parent.name}/{path.name}"
                    if name in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(path.read_text())
                        await conn.execute("INSERT INTO schema_migrations(name) VALUES ($1)", name)
                    applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _lock_id(schema))
    return applied


Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
"""A connection as handlers see it: a plain one, or one lent by the pool."""


def row_dict(record: Any) -> dict[str, Any]:
    return dict(record) if record is not None else {}
