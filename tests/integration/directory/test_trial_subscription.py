"""A TrialInvitationRedeemed event creates exactly one trial subscription, whatever the
broker or a producer does with it. To know a duplicate has been processed without waiting
blindly, each test then sends a marker redemption for the same customer (same partition, so
processed after the duplicate) and waits for the marker's subscription."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from shared.contracts import directory
from shared.contracts.topics import INVITATIONS_EVENTS
from tests.integration.directory.helpers import REJECTED, created_for, redeemed, registered_customer
from tests.support.bus import Bus


async def _subscriptions(pool: asyncpg.Pool, redemption_id: uuid.UUID) -> int:
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM directory.subscriptions WHERE source_id = $1", redemption_id
        )
    )


async def _after_marker(bus: Bus, customer_id: uuid.UUID) -> None:
    marker = redeemed(customer_id, service_id="marker-svc")
    await bus.send(marker, topic=INVITATIONS_EVENTS)
    await bus.wait_for(created_for(marker.redemption_id))


async def test_redeemed_creates_trial_subscription(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus)
    event = redeemed(customer.customer_id)
    await bus.send(event, topic=INVITATIONS_EVENTS)
    [created] = await bus.wait_for(created_for(event.redemption_id))
    assert created.key == str(customer.customer_id)
    assert created.data["state"] == "trial"
    assert created.data["partner_of_record"] == str(event.partner_id)
    assert created.data["trial_ends_at"].startswith("2026-12-24T10:00:00")
    row = await pool.fetchrow(
        "SELECT state, seats, partner_of_record FROM directory.subscriptions WHERE source_id = $1",
        event.redemption_id,
    )
    assert row is not None
    assert dict(row) == {"state": "trial", "seats": 25, "partner_of_record": event.partner_id}


@pytest.mark.parametrize(
    "same_id",
    [
        pytest.param(True, id="the same event delivered twice"),
        pytest.param(False, id="the same redemption under a new message id"),
    ],
)
async def test_a_redemption_sent_twice_creates_one_subscription(
    stack: object, bus: Bus, pool: asyncpg.Pool, same_id: bool
) -> None:
    customer = await registered_customer(bus)
    event = redeemed(customer.customer_id)
    message_id = str(uuid.uuid4()) if same_id else None  # None: a fresh ce_id each time
    await bus.send(event, topic=INVITATIONS_EVENTS, message_id=message_id)
    if not same_id:  # the inbox cannot tell: the subscription that exists must
        await bus.wait_for(created_for(event.redemption_id))
    await bus.send(event, topic=INVITATIONS_EVENTS, message_id=message_id)
    await _after_marker(bus, customer.customer_id)
    assert await _subscriptions(pool, event.redemption_id) == 1
    assert len(bus.matching(created_for(event.redemption_id))) == 1


async def test_redemption_for_unknown_customer_is_rejected(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    event = redeemed(uuid.uuid4())
    reply = await bus.reply_to(await bus.send(event, topic=INVITATIONS_EVENTS))
    assert reply.type == REJECTED
    assert reply.data["code"] == "customer_not_found"
    assert reply.data["service"] == "directory"
    assert await _subscriptions(pool, event.redemption_id) == 0
    assert not bus.matching(
        lambda s: (
            s.type == directory.SubscriptionCreated.ce_type()
            and s.data["customer_id"] == str(event.customer_id)
        )
    )
