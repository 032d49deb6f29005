"""A customer as the directory announces it, for the tests of the services that keep a local
view of customers (invitations, offers, delegation)."""

from __future__ import annotations

import uuid

import asyncpg

from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_EVENTS
from tests.support.bus import Bus
from tests.support.wait import eventually


async def announce_customer(
    bus: Bus, pool: asyncpg.Pool, *, known: str, admin_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Publish ``CustomerRegistered`` for a new customer and return its id once ``known``
    (a query of the service's view: ``$1`` the customer's id, ``$2`` if named its admin's)
    answers."""
    customer_id, admin = uuid.uuid4(), admin_id or uuid.uuid4()
    await bus.send(
        directory.CustomerRegistered(
            customer_id=customer_id,
            name="Contoso",
            domain=f"c{customer_id.hex[:8]}.example",
            contact_email="it@contoso.example",
            admin_user_id=admin,
            admin_email="admin@contoso.example",
            registered_at="2026-11-24T08:00:00Z",
        ),
        topic=DIRECTORY_EVENTS,
    )
    args = (customer_id, admin) if "$2" in known else (customer_id,)
    await eventually(lambda: pool.fetchval(known, *args))
    return customer_id
