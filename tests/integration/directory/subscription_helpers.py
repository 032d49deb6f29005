"""Builders for the subscription-lifecycle integration tests (real broker, real database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from shared.contracts import directory, offers
from shared.contracts.topics import OFFERS_EVENTS
from tests.integration.directory.helpers import from_redemption, password_hash, redemption
from tests.support.bus import Bus

CREATED = directory.SubscriptionCreated.ce_type()
CONVERTED = directory.SubscriptionConverted.ce_type()
EXPIRED = directory.SubscriptionExpired.ce_type()


def offer_redeemed(
    customer_id: uuid.UUID,
    *lines: tuple[str, int],
    partner_id: uuid.UUID | None = None,
    redemption_id: uuid.UUID | None = None,
) -> offers.OfferRedeemed:
    return offers.OfferRedeemed(
        **redemption(customer_id, partner_id=partner_id, redemption_id=redemption_id),
        offer_id=uuid.uuid4(),
        lines=[offers.LineQuantity(service_id=s, quantity=q) for s, q in lines],
        redeemed_at=datetime.now(UTC),
    )


async def paid(
    bus: Bus, customer_id: uuid.UUID, quantity: int, *, partner_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A paid subscription of the customer, made through an offer redemption."""
    event = offer_redeemed(customer_id, ("o365-e3", quantity), partner_id=partner_id)
    await bus.send(event, topic=OFFERS_EVENTS)
    [created] = await bus.wait_for(from_redemption(CREATED, event.redemption_id))
    return uuid.UUID(created.data["subscription_id"])


async def customer_user(pool: asyncpg.Pool, customer_id: uuid.UUID) -> uuid.UUID:
    """Another user of the customer. No command creates customer users yet, so the test
    arranges one in the directory's table, exactly as RegisterCustomer stores its admin."""
    user_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO directory.users (user_id, company_kind, company_id, email, display_name, "
        "password_hash, company_role, created_at) "
        "VALUES ($1, 'customer', $2, $3, 'A User', $4, 'none', now())",
        user_id,
        customer_id,
        f"u-{user_id.hex[:12]}@contoso.example",
        password_hash("correct horse battery"),
    )
    return user_id


async def state_of(pool: asyncpg.Pool, subscription_id: uuid.UUID) -> dict[str, Any]:
    """The subscription row and its assignments: what a rejection must leave untouched."""
    row = await pool.fetchrow(
        "SELECT state, seats, partner_of_record, updated_at FROM directory.subscriptions "
        "WHERE subscription_id = $1",
        subscription_id,
    )
    users = await pool.fetch(
        "SELECT user_id FROM directory.licence_assignments WHERE subscription_id = $1 "
        "ORDER BY user_id",
        subscription_id,
    )
    return {"row": dict(row) if row else None, "users": [r["user_id"] for r in users]}
