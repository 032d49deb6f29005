"""Offer redemptions and trial expiry over the real broker and database: paid subscriptions
with the final quantities and partner of record, trial-to-paid conversion keeping one
subscription, redelivery under the same and under a new message id, and the expiry sweep.

To know a duplicate has been processed without waiting blindly, a test then sends a marker
redemption for the same customer (same topic and key, so the same partition, processed after
the duplicate) and waits for the marker's subscription."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from shared.contracts import invitations
from shared.contracts.topics import DIRECTORY_SUBSCRIPTIONS, INVITATIONS_EVENTS, OFFERS_EVENTS
from tests.integration.directory.helpers import (
    REJECTED,
    created_for,
    from_redemption,
    redeemed,
    registered_customer,
)
from tests.integration.directory.subscription_helpers import (
    CONVERTED,
    CREATED,
    EXPIRED,
    offer_redeemed,
)
from tests.support.bus import Bus, Seen
from tools.procs import ServiceProcess


async def _rows(pool: asyncpg.Pool, customer_id: uuid.UUID) -> list[dict[str, object]]:
    rows = await pool.fetch(
        "SELECT subscription_id, service_id, seats, state, partner_of_record, trial_ends_at, "
        "source_kind FROM directory.subscriptions WHERE customer_id = $1 ORDER BY service_id",
        customer_id,
    )
    return [dict(r) for r in rows]


async def _after_marker(bus: Bus, customer_id: uuid.UUID) -> None:
    marker = offer_redeemed(customer_id, ("marker-svc", 1))
    await bus.send(marker, topic=OFFERS_EVENTS)
    await bus.wait_for(from_redemption(CREATED, marker.redemption_id))


async def test_offer_redemption_creates_paid_subscriptions_with_final_quantities(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus)
    event = offer_redeemed(customer.customer_id, ("o365-e3", 50), ("intune", 40))
    await bus.send(event, topic=OFFERS_EVENTS)
    created = await bus.wait_for(from_redemption(CREATED, event.redemption_id), count=2)
    assert {c.key for c in created} == {str(customer.customer_id)}
    assert {(c.data["service_id"], c.data["seats"], c.data["state"]) for c in created} == {
        ("o365-e3", 50, "active"),
        ("intune", 40, "active"),
    }
    assert {c.data["partner_of_record"] for c in created} == {str(event.partner_id)}
    assert all(c.data["source"]["kind"] == "offer" for c in created)
    rows = await _rows(pool, customer.customer_id)
    assert [(r["service_id"], r["seats"], r["state"], r["partner_of_record"]) for r in rows] == [
        ("intune", 40, "active", event.partner_id),
        ("o365-e3", 50, "active", event.partner_id),
    ]
    async with httpx.AsyncClient(base_url=stack["directory"].url) as http:
        listed = (await http.get(f"/internal/customers/{customer.customer_id}/licences")).json()
    assert sorted((s["service_id"], s["seats"], s["assigned"]) for s in listed) == [
        ("intune", 40, 0),
        ("o365-e3", 50, 0),
    ]


async def test_trial_to_paid_conversion_keeps_one_subscription_with_one_history(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    """Both redemption events reach the one Subscription aggregate through one consumer
    group: the trial's row is converted in place, and the subscription's history (the
    directory's events about it) is one trial start followed by one conversion."""
    customer = await registered_customer(bus)
    trial = redeemed(customer.customer_id, service_id="o365-e3")
    trial_id = await bus.send(trial, topic=INVITATIONS_EVENTS)
    [created] = await bus.wait_for(created_for(trial.redemption_id))
    offer_partner = uuid.uuid4()
    bought = offer_redeemed(customer.customer_id, ("o365-e3", 60), partner_id=offer_partner)
    bought_id = await bus.send(bought, topic=OFFERS_EVENTS)
    [converted] = await bus.wait_for(from_redemption(CONVERTED, bought.redemption_id))
    assert converted.data["subscription_id"] == created.data["subscription_id"]
    assert converted.data["previous_state"] == "trial"
    assert (converted.data["previous_seats"], converted.data["seats"]) == (25, 60)
    assert converted.data["partner_of_record"] == str(offer_partner)
    assert converted.data["previous_partner_of_record"] == str(trial.partner_id)
    [row] = await _rows(pool, customer.customer_id)
    assert str(row["subscription_id"]) == created.data["subscription_id"]
    assert (row["state"], row["seats"], row["partner_of_record"]) == ("active", 60, offer_partner)
    assert row["trial_ends_at"] is None
    assert row["source_kind"] == "trial_invitation"  # started as a trial, one row throughout
    assert not bus.matching(from_redemption(CREATED, bought.redemption_id))
    subscription_id = created.data["subscription_id"]
    history = [
        (s.type, s.causation_id)
        for s in bus.seen
        if s.topic == DIRECTORY_SUBSCRIPTIONS and s.data.get("subscription_id") == subscription_id
    ]
    assert history == [(CREATED, trial_id), (CONVERTED, bought_id)]
    # One writer: both redemptions were claimed by the same consumer's inbox.
    claims = await pool.fetch(
        "SELECT consumer, message_id FROM directory.inbox WHERE message_id = ANY($1::text[])",
        [trial_id, bought_id],
    )
    assert sorted((r["consumer"], r["message_id"]) for r in claims) == sorted(
        [("directory.events", trial_id), ("directory.events", bought_id)]
    )
    # The buying partner is now partner of record: the customer is in its reach.
    assert await pool.fetchval(
        "SELECT partner_of_record FROM directory.partner_customers "
        "WHERE partner_id = $1 AND customer_id = $2",
        offer_partner,
        customer.customer_id,
    )


async def test_redelivery_under_the_same_message_id_creates_nothing_more(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus)
    event = offer_redeemed(customer.customer_id, ("o365-e3", 5), ("intune", 7))
    message_id = str(uuid.uuid4())
    await bus.send(event, topic=OFFERS_EVENTS, message_id=message_id)
    await bus.send(event, topic=OFFERS_EVENTS, message_id=message_id)
    await _after_marker(bus, customer.customer_id)
    assert len(await _rows(pool, customer.customer_id)) == 3  # two lines and the marker
    assert len(bus.matching(from_redemption(CREATED, event.redemption_id))) == 2


async def test_same_redemption_under_a_new_message_id_creates_or_converts_nothing_more(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus)
    trial = redeemed(customer.customer_id, service_id="intune")
    await bus.send(trial, topic=INVITATIONS_EVENTS)
    await bus.wait_for(created_for(trial.redemption_id))
    event = offer_redeemed(customer.customer_id, ("o365-e3", 5), ("intune", 30))
    await bus.send(event, topic=OFFERS_EVENTS)
    await bus.wait_for(from_redemption(CREATED, event.redemption_id))
    await bus.wait_for(from_redemption(CONVERTED, event.redemption_id))
    before = await _rows(pool, customer.customer_id)
    await bus.send(event, topic=OFFERS_EVENTS)  # a fresh ce_id: the inbox cannot tell
    await _after_marker(bus, customer.customer_id)
    after = await _rows(pool, customer.customer_id)
    assert [r for r in after if r["service_id"] != "marker-svc"] == before
    assert len(bus.matching(from_redemption(CREATED, event.redemption_id))) == 1
    assert len(bus.matching(from_redemption(CONVERTED, event.redemption_id))) == 1


async def test_offer_redemption_for_unknown_customer_is_rejected(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    event = offer_redeemed(uuid.uuid4(), ("o365-e3", 5))
    reply = await bus.reply_to(await bus.send(event, topic=OFFERS_EVENTS))
    assert reply.type == REJECTED
    assert reply.data["code"] == "customer_not_found"
    assert await _rows(pool, event.customer_id) == []


def _due_trial(customer_id: uuid.UUID, service_id: str) -> invitations.TrialInvitationRedeemed:
    """A trial redeemed two days ago for one day: its end has passed."""
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    return redeemed(customer_id, service_id=service_id, trial_days=1, redeemed_at=two_days_ago)


def _expired(subscription_id: str) -> Callable[[Seen], bool]:
    def predicate(seen: Seen) -> bool:
        return seen.type == EXPIRED and seen.data["subscription_id"] == subscription_id

    return predicate


async def test_sweep_expires_trials_whose_end_passed_once(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus)
    running = redeemed(customer.customer_id, service_id="intune")  # ends 2026-12-24
    due = _due_trial(customer.customer_id, "o365-e3")
    for event in (running, due):
        await bus.send(event, topic=INVITATIONS_EVENTS)
    [created] = await bus.wait_for(created_for(due.redemption_id))
    [created_running] = await bus.wait_for(created_for(running.redemption_id))
    subscription_id = created.data["subscription_id"]
    [expired] = await bus.wait_for(_expired(subscription_id))
    assert expired.key == str(customer.customer_id)
    assert expired.data["trial_ends_at"] == created.data["trial_ends_at"]

    async def state(sid: str) -> str:
        return str(
            await pool.fetchval(
                "SELECT state FROM directory.subscriptions WHERE subscription_id = $1",
                uuid.UUID(sid),
            )
        )

    assert await state(subscription_id) == "expired"
    # A later due trial expiring proves more sweeps ran: still one event for the first.
    later = _due_trial(customer.customer_id, "exchange")
    await bus.send(later, topic=INVITATIONS_EVENTS)
    [later_created] = await bus.wait_for(created_for(later.redemption_id))
    await bus.wait_for(_expired(later_created.data["subscription_id"]))
    assert len(bus.matching(_expired(subscription_id))) == 1
    assert await state(created_running.data["subscription_id"]) == "trial"

    # Bought after it expired: the expired trial is converted, still one subscription.
    bought = offer_redeemed(customer.customer_id, ("o365-e3", 12))
    await bus.send(bought, topic=OFFERS_EVENTS)
    [converted] = await bus.wait_for(from_redemption(CONVERTED, bought.redemption_id))
    assert converted.data["subscription_id"] == subscription_id
    assert converted.data["previous_state"] == "expired"
    assert await state(subscription_id) == "active"
