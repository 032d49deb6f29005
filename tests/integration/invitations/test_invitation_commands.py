"""The invitations service on the real broker and database, driven by its public contract."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from shared.contracts import catalogue, invitations
from shared.contracts.common import CommandRejected
from shared.contracts.topics import INVITATIONS_COMMANDS, OFFERS_EVENTS
from tests.support.bus import Bus
from tests.support.customers import announce_customer
from tests.support.wait import eventually
from tools.procs import ServiceProcess

TRIAL = catalogue.CatalogueServicePublished(
    service_id="it-trial-svc", name="Integration Suite", trial={"days": 30, "max_seats": 10}
)


async def _customer(bus: Bus, pool: asyncpg.Pool) -> uuid.UUID:
    return await announce_customer(
        bus, pool, known="SELECT true FROM invitations.customers WHERE customer_id = $1"
    )


async def _invitation(bus: Bus, pool: asyncpg.Pool, **overrides: object) -> dict[str, object]:
    await bus.send(TRIAL, topic=OFFERS_EVENTS)
    await eventually(
        lambda: pool.fetchval(
            "SELECT true FROM invitations.catalogue WHERE service_id = $1", TRIAL.service_id
        )
    )
    fields: dict[str, object] = {
        "invitation_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "created_by": uuid.uuid4(),
        "service_id": TRIAL.service_id,
        "seats": 5,
        "delegation_role": "full",
    }
    fields.update(overrides)
    command_id = await bus.send(
        invitations.CreateTrialInvitation(**fields), topic=INVITATIONS_COMMANDS
    )
    reply = await bus.reply_to(command_id)
    assert reply.type == invitations.TrialInvitationCreated.ce_type(), reply.data
    return reply.data


async def test_create_then_redeem_then_second_trial_is_rejected(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    created = await _invitation(bus, pool)
    assert len(str(created["code"])) >= 32
    customer = await _customer(bus, pool)

    redeem = invitations.RedeemTrialInvitation(
        code=str(created["code"]), customer_id=customer, redeemed_by=uuid.uuid4()
    )
    first = await bus.reply_to(await bus.send(redeem, topic=INVITATIONS_COMMANDS))
    assert first.type == invitations.TrialInvitationRedeemed.ce_type()
    assert first.data["partner_id"] == created["partner_id"]
    assert first.key == str(customer)

    again = await bus.reply_to(await bus.send(redeem, topic=INVITATIONS_COMMANDS))
    assert again.type == "portal.system.CommandRejected.v1"
    assert again.data["code"] == "trial_already_redeemed"


async def test_revoked_invitation_cannot_be_redeemed(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    created = await _invitation(bus, pool)
    revoke = invitations.RevokeTrialInvitation(
        invitation_id=created["invitation_id"],
        partner_id=created["partner_id"],
        revoked_by=uuid.uuid4(),
    )
    revoked = await bus.reply_to(await bus.send(revoke, topic=INVITATIONS_COMMANDS))
    assert revoked.type == invitations.TrialInvitationRevoked.ce_type()

    customer = await _customer(bus, pool)
    redeem = invitations.RedeemTrialInvitation(
        code=str(created["code"]), customer_id=customer, redeemed_by=uuid.uuid4()
    )
    rejected = await bus.reply_to(await bus.send(redeem, topic=INVITATIONS_COMMANDS))
    assert rejected.data["code"] == "invitation_revoked"


async def test_expired_and_exhausted_invitations_are_rejected_and_change_nothing(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    expiring = await _invitation(
        bus, pool, expires_at=datetime.now(UTC) + timedelta(seconds=2), max_redemptions=None
    )
    capped = await _invitation(bus, pool, max_redemptions=1)
    first = await _customer(bus, pool)
    used = await bus.reply_to(
        await bus.send(
            invitations.RedeemTrialInvitation(
                code=str(capped["code"]), customer_id=first, redeemed_by=uuid.uuid4()
            ),
            topic=INVITATIONS_COMMANDS,
        )
    )
    assert used.type == invitations.TrialInvitationRedeemed.ce_type()

    async def expired() -> bool:
        async with httpx.AsyncClient() as http:
            view = (
                await http.get(
                    f"{stack['invitations'].url}/internal/invitations/{expiring['invitation_id']}"
                )
            ).json()
        return bool(view["status"] == "expired")

    await eventually(expired, timeout=10)
    customer = await _customer(bus, pool)
    for invitation, code in ((expiring, "invitation_expired"), (capped, "invitation_exhausted")):
        reply = await bus.reply_to(
            await bus.send(
                invitations.RedeemTrialInvitation(
                    code=str(invitation["code"]), customer_id=customer, redeemed_by=uuid.uuid4()
                ),
                topic=INVITATIONS_COMMANDS,
            )
        )
        assert reply.type == CommandRejected.ce_type()
        assert reply.data["code"] == code
        assert reply.data["category"] == "gone"
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM invitations.redemptions WHERE customer_id = $1", customer
        )
        == 0
    )
    assert (
        await pool.fetchval(
            "SELECT redemptions FROM invitations.invitations WHERE invitation_id = $1",
            uuid.UUID(str(capped["invitation_id"])),
        )
        == 1
    )
