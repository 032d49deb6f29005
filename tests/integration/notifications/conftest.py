"""The notifications service's tables on a real PostgreSQL, without its process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shared.db import create_pool, migrate

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "notifications" / "migrations"


@pytest.fixture
async def schema_pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh schema with the notifications migrations applied, dropped after the
    test: a schema of its own, so the stack's notifications service (if running) never sees
    these rows and each test starts empty."""
    schema = f"notif_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(database, schema, size=4)
    await migrate(pool, schema, MIGRATIONS)
    yield pool
    await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()
