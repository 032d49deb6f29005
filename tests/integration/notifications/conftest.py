"""The notifications service's tables on a real PostgreSQL, without its process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.support.schemas import migrated_schema


@pytest.fixture
async def schema_pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh schema with the notifications migrations applied (each test starts
    empty, unseen by the stack's notifications service)."""
    async with migrated_schema(database, "notifications") as pool:
        yield pool
