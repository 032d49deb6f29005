"""End-to-end: the whole stack, driven through the gateway's HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import BOOTSTRAP
from tools.procs import ServiceProcess
from tools.seed import seed


@pytest.fixture(scope="session")
async def seeded(stack: dict[str, ServiceProcess]) -> list[str]:
    """The demo catalogue and partner, seeded exactly as ``make run`` does."""
    return await seed(BOOTSTRAP)


@pytest.fixture
async def api(
    stack: dict[str, ServiceProcess], seeded: list[str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=30) as client:
        yield client
