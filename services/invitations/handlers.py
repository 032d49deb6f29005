"""One handler per command: load, decide (rules live on the model), save, return events."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.invitations.adapters.repository import Repository
from services.invitations.domain import commands, errors
from services.invitations.domain.model import Invitation, new_code
from shared.contracts.invitations import (
    TrialInvitationCreated,
    TrialInvitationOpened,
    TrialInvitationRedeemed,
    TrialInvitationRevoked,
    TrialInvitationSignUpRecorded,
)


async def create_invitation(
    repo: Repository, cmd: commands.CreateInvitation, *, now: datetime, base_url: str
) -> TrialInvitationCreated:
    offer = await repo.trial_offer(service_id=cmd.service_id)
    if offer is None:
        raise errors.UnknownService(f"There is no service {cmd.service_id!r} in the catalogue.")
    offer.check_trial(cmd.seats)
    if cmd.expires_at is not None and cmd.expires_at <= now:
        raise errors.InvalidExpiry("The expiry date must be in the future.")
    if await repo.get(invitation_id=cmd.invitation_id) is not None:
        raise errors.InvitationAlreadyExists("An invitation with this id already exists.")
    assert offer.trial_days is not None
    invitation = Invitation(
        invitation_id=cmd.invitation_id,
        partner_id=cmd.partner_id,
        created_by=cmd.created_by,
        code=new_code(),
        service_id=cmd.service_id,
        seats=cmd.seats,
        trial_days=offer.trial_days,
        delegation_role=cmd.delegation_role,
        expires_at=cmd.expires_at,
        max_redemptions=cmd.max_redemptions,
        created_at=now,
    )
    await repo.add(invitation=invitation)
    return TrialInvitationCreated(
        invitation_id=invitation.invitation_id,
        partner_id=invitation.partner_id,
        created_by=invitation.created_by,
        code=invitation.code,
        url=f"{base_url.rstrip('/')}/i/{invitation.code}",
        service_id=invitation.service_id,
        seats=invitation.seats,
        trial_days=invitation.trial_days,
        delegation_role=invitation.delegation_role,
        expires_at=invitation.expires_at,
        max_redemptions=invitation.max_redemptions,
        created_at=now,
    )


async def revoke_invitation(
    repo: Repository, cmd: commands.RevokeInvitation, *, now: datetime
) -> TrialInvitationRevoked:
    invitation = await repo.get(invitation_id=cmd.invitation_id)
    if invitation is None:
        raise errors.InvitationNotFound("No such invitation.")
    invitation.revoke(partner_id=cmd.partner_id, by=cmd.revoked_by, now=now)
    await repo.save(invitation=invitation)
    return TrialInvitationRevoked(
        invitation_id=invitation.invitation_id,
        partner_id=invitation.partner_id,
        revoked_by=cmd.revoked_by,
        revoked_at=now,
    )


async def redeem_invitation(
    repo: Repository, cmd: commands.RedeemInvitation, *, now: datetime
) -> TrialInvitationRedeemed:
    found = await repo.for_redemption(code=cmd.code, customer_id=cmd.customer_id)
    invitation = found.invitation
    if invitation is None:
        raise errors.InvitationNotFound("No invitation has this code.")
    if not found.customer_known:
        raise errors.CustomerNotFound("The redeeming customer is not known.")
    invitation.check_redeemable(now)
    if found.had_trial:
        raise errors.TrialAlreadyRedeemed(
            "This customer already had a trial of this service.", service_id=invitation.service_id
        )
    invitation.redeem(now)
    redemption_id = uuid.uuid4()
    await repo.add_redemption(
        redemption_id=redemption_id,
        invitation=invitation,
        customer_id=cmd.customer_id,
        redeemed_by=cmd.redeemed_by,
        redeemed_at=now,
    )
    return TrialInvitationRedeemed(
        redemption_id=redemption_id,
        invitation_id=invitation.invitation_id,
        partner_id=invitation.partner_id,
        customer_id=cmd.customer_id,
        redeemed_by=cmd.redeemed_by,
        service_id=invitation.service_id,
        seats=invitation.seats,
        trial_days=invitation.trial_days,
        delegation_role=invitation.delegation_role,
        redeemed_at=now,
    )


async def record_open(
    repo: Repository, cmd: commands.RecordOpen, *, now: datetime
) -> TrialInvitationOpened:
    """One more load of the link's page: a count, nothing about who loaded it."""
    counted = await repo.record_open(code=cmd.code)
    if counted is None:
        raise errors.InvitationNotFound("No invitation has this code.")
    return TrialInvitationOpened(
        invitation_id=counted.invitation_id,
        partner_id=counted.partner_id,
        opens=counted.count,
        opened_at=now,
    )


async def record_sign_up(
    repo: Repository, cmd: commands.RecordSignUp, *, now: datetime
) -> TrialInvitationSignUpRecorded:
    """An account created from the link, counted once per customer."""
    counted = await repo.record_sign_up(code=cmd.code, customer_id=cmd.customer_id, now=now)
    if counted is None:
        raise errors.InvitationNotFound("No invitation has this code.")
    return TrialInvitationSignUpRecorded(
        invitation_id=counted.invitation_id,
        partner_id=counted.partner_id,
        customer_id=cmd.customer_id,
        sign_ups=counted.count,
        signed_up_at=now,
    )
