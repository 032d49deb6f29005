"""End-to-end: the whole stack, driven through the gateway's HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.conftest import BOOTSTRAP
from tests.support.portal import Portal
from tools.procs import ServiceProcess
from tools.seed import DEMO, seed


@pytest.fixture(scope="session")
async def seeded(stack: dict[str, ServiceProcess]) -> list[str]:
    """The demo catalogue and partner, seeded exactly as ``make run`` does."""
    return await seed(BOOTSTRAP)


@pytest.fixture
async def portal(
    stack: dict[str, ServiceProcess], seeded: list[str]
) -> AsyncIterator[Callable[[], Awaitable[Portal]]]:
    """Opens a fresh browser-like client (no session) on the gateway."""
    opened: list[Portal] = []

    async def open_client() -> Portal:
        client = Portal(stack["gateway"].url)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()


@pytest.fixture
async def partner(portal: Callable[[], Awaitable[Portal]]) -> Portal:
    """The demo partner's Global admin, signed in."""
    client = await portal()
    response = await client.sign_in(DEMO.email, DEMO.password)
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
async def customer(portal: Callable[[], Awaitable[Portal]]) -> Portal:
    """A freshly signed-up customer's Global admin, signed in."""
    client = await portal()
    await client.sign_up()
    return client
