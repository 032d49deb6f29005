"""A service's tables on the real PostgreSQL without its process: a fresh schema of the run's
database with the service's migrations applied, dropped afterwards. A schema of its own, so the
stack's process of that service (if running) never sees these rows and each test starts empty."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg

from shared.db import create_pool, migrate
from tools.procs import ROOT


@contextlib.asynccontextmanager
async def migrated_schema(
    database: str, service: str, size: int = 4
) -> AsyncIterator[asyncpg.Pool]:
    schema = f"{service[:5]}_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(database, schema, size=size)
    try:
        await migrate(pool, schema, ROOT / "services" / service / "migrations")
        yield pool
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()
