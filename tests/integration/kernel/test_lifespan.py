"""The lifespan every process has, on a real PostgreSQL: its periodic work runs on its clock,
and what that work holds open (a mail server's connections, an HTTP client) is closed once
at shutdown, after the last step."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from shared.runtime import Periodic, lifespan
from shared.settings import ServiceSettings
from tests.support.wait import eventually


@contextlib.asynccontextmanager
async def _nothing(app: FastAPI, pool: asyncpg.Pool) -> AsyncIterator[None]:
    yield


async def test_periodic_work_is_closed_once_at_shutdown_after_its_last_step(
    database: str, tmp_path: Path
) -> None:
    steps: list[int] = []
    closed: list[int] = []  # how many steps had run when it was closed

    async def step(pool: asyncpg.Pool) -> None:
        steps.append(1)

    async def close() -> None:
        closed.append(len(steps))

    run = lifespan(
        f"lifespan_{uuid.uuid4().hex[:8]}",
        ServiceSettings(database_url=database),
        tmp_path,
        _nothing,
        [Periodic("ticks", 0.01, step, close), Periodic("no-close", 0.01, step)],
    )
    async with run(FastAPI()):

        async def ticked() -> bool:
            return len(steps) >= 4

        await eventually(ticked)
        assert closed == []  # not while it runs
    assert closed == [len(steps)]
