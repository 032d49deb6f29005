"""Redemptions open pending requests on the real broker and database, exactly once."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from shared.contracts import offers
from shared.contracts.topics import INVITATIONS_EVENTS, OFFERS_EVENTS
from tests.integration.delegation.support import (
    REQUESTED,
    barrier,
    redeemed,
    register_customer,
    request_from,
)
from tests.support.bus import Bus


async def _requests_for(pool: asyncpg.Pool, source_id: uuid.UUID) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT request_id, state, role FROM delegation.requests WHERE source_id = $1", source_id
    )


def _requested_events(bus: Bus, source_id: uuid.UUID) -> int:
    return len(
        bus.matching(lambda s: s.type == REQUESTED and s.data["source_id"] == str(source_id))
    )


async def test_redemption_with_delegation_opens_a_pending_request(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    event = redeemed(customer.customer_id, role="limited")

    data = await request_from(bus, event)

    assert data["partner_id"] == str(event.partner_id)
    assert data["customer_id"] == str(customer.customer_id)
    assert data["role"] == "limited"
    assert data["source_kind"] == "trial_invitation"
    rows = await _requests_for(pool, event.redemption_id)
    assert [(r["state"], r["role"]) for r in rows] == [("pending", "limited")]


@pytest.mark.parametrize(
    "same_id",
    [
        pytest.param(True, id="delivered twice"),  # a redelivery: the inbox knows the id
        pytest.param(False, id="resent with a new id"),  # the request knows its redemption
    ],
)
async def test_a_redeemed_event_sent_twice_opens_one_request(
    stack: object, bus: Bus, pool: asyncpg.Pool, same_id: bool
) -> None:
    customer = await register_customer(bus, pool)
    event = redeemed(customer.customer_id)
    message_id = str(uuid.uuid4()) if same_id else None

    await bus.send(event, topic=INVITATIONS_EVENTS, message_id=message_id)
    await bus.send(event, topic=INVITATIONS_EVENTS, message_id=message_id)
    await barrier(bus, customer.customer_id)

    assert _requested_events(bus, event.redemption_id) == 1
    assert len(await _requests_for(pool, event.redemption_id)) == 1


async def test_redemption_without_delegation_opens_nothing(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    event = redeemed(customer.customer_id, role=None)

    await bus.send(event, topic=INVITATIONS_EVENTS)
    await barrier(bus, customer.customer_id)

    assert _requested_events(bus, event.redemption_id) == 0
    assert await _requests_for(pool, event.redemption_id) == []


def _offer_redeemed(customer_id: uuid.UUID) -> offers.OfferRedeemed:
    return offers.OfferRedeemed(
        redemption_id=uuid.uuid4(),
        offer_id=uuid.uuid4(),
        partner_id=uuid.uuid4(),
        customer_id=customer_id,
        redeemed_by=uuid.uuid4(),
        lines=[{"service_id": "o365-e3", "quantity": 50}],
        delegation_role="limited",
        redeemed_at="2026-12-03T10:00:00Z",
    )


async def test_offer_redemption_opens_one_request_through_the_same_handler(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    event = _offer_redeemed(customer.customer_id)
    # The barrier must share the offers topic's partition: topics are not ordered together.
    later = _offer_redeemed(customer.customer_id)

    await bus.send(event, topic=OFFERS_EVENTS)
    await bus.send(event, topic=OFFERS_EVENTS)
    await bus.send(later, topic=OFFERS_EVENTS)
    await bus.wait_for(
        lambda s: s.type == REQUESTED and s.data["source_id"] == str(later.redemption_id)
    )

    assert _requested_events(bus, event.redemption_id) == 1
    [requested] = bus.matching(
        lambda s: s.type == REQUESTED and s.data["source_id"] == str(event.redemption_id)
    )
    assert (requested.data["source_kind"], requested.data["role"]) == ("offer", "limited")
    assert [(r["state"], r["role"]) for r in await _requests_for(pool, event.redemption_id)] == [
        ("pending", "limited")
    ]
