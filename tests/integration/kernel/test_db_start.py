"""A service started while its database is down or still starting waits for it (the pool is
tried again every half second, within a patience) instead of exiting: on a real PostgreSQL,
reached through a loopback relay that only starts listening a moment later."""

from __future__ import annotations

import asyncio
import time
import uuid
from urllib.parse import urlsplit

import pytest

from shared.db import create_pool
from tests.support.relay import relay
from tools.procs import free_port


async def test_a_pool_made_while_the_database_is_unreachable_waits_for_it(database: str) -> None:
    real = urlsplit(database)
    port = free_port()
    dsn = database.replace(f"{real.hostname}:{real.port}", f"127.0.0.1:{port}")
    started = time.monotonic()
    making = asyncio.create_task(create_pool(dsn, f"db_start_{uuid.uuid4().hex[:8]}"))
    await asyncio.sleep(1.2)  # refused all this while
    assert not making.done()
    server = await relay(port, (real.hostname or "127.0.0.1", real.port or 5432))
    try:
        pool = await asyncio.wait_for(making, 30)
        try:
            assert await pool.fetchval("SELECT 1") == 1
        finally:
            await pool.close()
    finally:
        server.close()
    assert time.monotonic() - started >= 1.2


async def test_a_database_that_stays_unreachable_fails_the_start_after_the_patience() -> None:
    dsn = f"postgresql://portal:portal@127.0.0.1:{free_port()}/portal"
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        await create_pool(dsn, "nowhere", patience=1.0)
    assert time.monotonic() - started >= 1.0
