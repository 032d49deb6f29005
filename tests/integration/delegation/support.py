"""Helpers for the delegation integration tests: publish what other services would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from shared.contracts import delegation, invitations
from shared.contracts.topics import INVITATIONS_EVENTS
from tests.support.bus import Bus
from tests.support.customers import announce_customer

REQUESTED = delegation.DelegationRequested.ce_type()
REJECTED = "portal.system.CommandRejected.v1"


@dataclass(frozen=True)
class Customer:
    customer_id: uuid.UUID
    admin_id: uuid.UUID


async def register_customer(bus: Bus, pool: asyncpg.Pool) -> Customer:
    """A customer as the directory announces it; waits until delegation knows its admin."""
    admin_id = uuid.uuid4()
    customer_id = await announce_customer(
        bus,
        pool,
        known="SELECT true FROM delegation.customer_admins WHERE customer_id = $1 AND user_id = $2",
        admin_id=admin_id,
    )
    return Customer(customer_id, admin_id)


def redeemed(
    customer_id: uuid.UUID,
    *,
    partner_id: uuid.UUID | None = None,
    role: str | None = "full",
) -> invitations.TrialInvitationRedeemed:
    return invitations.TrialInvitationRedeemed(
        redemption_id=uuid.uuid4(),
        invitation_id=uuid.uuid4(),
        partner_id=partner_id or uuid.uuid4(),
        customer_id=customer_id,
        redeemed_by=uuid.uuid4(),
        service_id="o365-e3",
        seats=5,
        trial_days=30,
        delegation_role=role,
        redeemed_at="2026-11-24T10:00:00Z",
    )


async def request_from(bus: Bus, event: invitations.TrialInvitationRedeemed) -> dict[str, object]:
    """Publish a redemption and return the DelegationRequested it leads to."""
    await bus.send(event, topic=INVITATIONS_EVENTS)
    seen = await bus.wait_for(
        lambda s: s.type == REQUESTED and s.data["source_id"] == str(event.redemption_id)
    )
    return seen[0].data


async def barrier(bus: Bus, customer_id: uuid.UUID) -> None:
    """Everything published earlier for this customer has been handled.

    The redemption events of one customer share a partition, and so do the events the
    service emits for it; once a later redemption's request is seen, the earlier ones have
    been applied and their events (if any) published before it.
    """
    await request_from(bus, redeemed(customer_id))
