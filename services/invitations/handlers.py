"""One handler per command: load, decide (rules live on the model), save, return events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.invitations.adapters.repository import NewRedemption, Repository
from services.invitations.domain import commands, errors
from services.invitations.domain.model import Invitation, new_code
from shared import links
from shared.contracts.invitations import (
    TrialInvitationCreated,
    TrialInvitationOpened,
    TrialInvitationRedeemed,
    TrialInvitationRevoked,
    TrialInvitationSignUpRecorded,
)
from shared.errors import DomainError


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
    # As the partner's user asked (the command's fields), with its code and the trial's length.
    invitation = Invitation(
        **vars(cmd), code=new_code(), trial_days=offer.trial_days, created_at=now
    )
    await repo.add(invitation=invitation)
    fields = TrialInvitationCreated.model_fields
    created = {k: v for k, v in vars(invitation).items() if k in fields}
    return TrialInvitationCreated(**created, url=f"{base_url.rstrip('/')}/i/{invitation.code}")


async def revoke_invitation(
    repo: Repository, cmd: commands.RevokeInvitation, *, now: datetime
) -> TrialInvitationRevoked:
    invitation = await repo.get(invitation_id=cmd.invitation_id)
    if invitation is None:
        raise errors.InvitationNotFound("No such invitation.")
    invitation.revoke(partner_id=cmd.partner_id, by=cmd.revoked_by, now=now)
    await repo.save(invitation=invitation)
    # The command's invitation, its partner (checked: the invitation's) and who revoked it.
    return TrialInvitationRevoked(**vars(cmd), revoked_at=now)


async def redeem_invitation(
    repo: Repository, cmd: commands.RedeemInvitation, *, now: datetime
) -> TrialInvitationRedeemed:
    (outcome,) = await redeem_invitations(repo, [cmd], now=now)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def redeem_invitations(
    repo: Repository, cmds: Sequence[commands.RedeemInvitation], *, now: datetime
) -> list[TrialInvitationRedeemed | DomainError]:
    """Redemptions decided as if one after the other (a cap counts the earlier ones, a
    customer's second trial of a service in the same run is refused), read in one statement
    that locks the invitations in id order, written in one; per command its event, or the
    rule it broke (nothing written for it)."""
    found = await repo.for_redemptions([(c.code, c.customer_id) for c in cmds])
    invitations: dict[UUID, Invitation] = {}  # one object per invitation: counts add up
    taken: set[tuple[UUID, str]] = set()
    added: list[NewRedemption] = []
    outcomes: list[TrialInvitationRedeemed | DomainError] = []
    for cmd, context in zip(cmds, found, strict=True):
        try:
            if context.invitation is None:
                raise errors.InvitationNotFound("No invitation has this code.")
            invitation = invitations.setdefault(
                context.invitation.invitation_id, context.invitation
            )
            if not context.customer_known:
                raise errors.CustomerNotFound("The redeeming customer is not known.")
            invitation.check_redeemable(now)
            trial = (cmd.customer_id, invitation.service_id)
            if context.had_trial or trial in taken:
                raise errors.TrialAlreadyRedeemed(
                    "This customer already had a trial of this service.",
                    service_id=invitation.service_id,
                )
        except DomainError as exc:
            outcomes.append(exc)
            continue
        invitation.redeem(now)
        taken.add(trial)
        event = TrialInvitationRedeemed(
            redemption_id=uuid.uuid4(),
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
        e = event
        added.append(
            NewRedemption(
                e.redemption_id, e.invitation_id, e.customer_id, e.service_id, e.redeemed_by, now
            )
        )
        outcomes.append(event)
    redeemed = {a.invitation_id for a in added}
    await repo.add_redemptions(
        added, counts={i: v.redemptions for i, v in invitations.items() if i in redeemed}
    )
    return outcomes


_FUNNEL = links.Funnel(
    "invitation_id", TrialInvitationOpened, TrialInvitationSignUpRecorded, errors.InvitationNotFound
)
record_open, record_sign_up = _FUNNEL.record_open, _FUNNEL.record_sign_up
