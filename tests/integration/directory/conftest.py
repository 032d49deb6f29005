"""The directory's tests need only the directory process: start just that one, so a
half-built neighbour service cannot stop them (real broker and database all the same)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from shared.contracts.topics import NAMESPACE
from tests.conftest import ARTIFACTS, stack_env
from tools.procs import ServiceProcess, start_stack


@pytest.fixture(scope="session")
def stack(database: str, topics: list[str]) -> Iterator[dict[str, ServiceProcess]]:
    # A short sweep interval lets the trial-expiry tests finish in seconds.
    env = {**stack_env(database), "PORTAL_SUBSCRIPTION_SWEEP_INTERVAL": "PT0.5S"}
    procs = start_stack(env, ARTIFACTS / "logs" / NAMESPACE / "directory-only", ("directory",))
    yield procs
    for p in procs.values():
        p.stop()


@pytest.fixture
async def http(stack: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    """The directory's own HTTP API (its internal routes), as the gateway calls it."""
    async with httpx.AsyncClient(base_url=stack["directory"].url, timeout=20) as client:
        yield client
