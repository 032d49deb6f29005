"""One handler per command: load, decide (rules live on the model), save, return events."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.delegation.adapters.repository import Repository
from services.delegation.domain import commands, errors
from services.delegation.domain.model import DelegationRequest, Policy
from shared.contracts.delegation import (
    DelegationApproved,
    DelegationDeclined,
    DelegationRequested,
)


def _requested(request: DelegationRequest) -> DelegationRequested:
    return DelegationRequested(
        request_id=request.request_id,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        role=request.role,
        source_kind=request.source_kind,
        source_id=request.source_id,
        requested_at=request.requested_at,
    )


async def request_from_redemption(
    repo: Repository, cmd: commands.RequestFromRedemption, *, now: datetime, policy: Policy
) -> DelegationRequested | None:
    """A redemption that included delegation opens one pending request.

    Used for every kind of redemption (trial invitation, purchase offer). A redemption
    without delegation, or one already turned into a request (the same event re-sent under
    a new id), yields nothing.
    """
    if cmd.role is None:
        return None
    policy.check_duration(cmd.duration)
    request = DelegationRequest(
        request_id=uuid.uuid4(),
        partner_id=cmd.partner_id,
        customer_id=cmd.customer_id,
        role=cmd.role,
        source_kind=cmd.source_kind,
        source_id=cmd.source_id,
        requested_at=now,
        expires_at=policy.answer_deadline(now),
        duration=cmd.duration,
    )
    if not await repo.add_request(request=request):
        return None
    return _requested(request)


async def _load_request(repo: Repository, request_id: uuid.UUID) -> DelegationRequest:
    request = await repo.get_request(request_id=request_id)
    if request is None:
        raise errors.RequestNotFound("No such delegation request.")
    return request


async def approve_request(
    repo: Repository, cmd: commands.ApproveRequest, *, now: datetime
) -> DelegationApproved:
    request = await _load_request(repo, cmd.request_id)
    admins = await repo.customer_admins(customer_id=cmd.customer_id)
    relationship = request.approve(
        customer_id=cmd.customer_id, by=cmd.approved_by, admins=admins, now=now
    )
    await repo.save_request(request=request)
    await repo.add_relationship(relationship=relationship)
    return DelegationApproved(
        request_id=request.request_id,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        role=request.role,
        approved_by=cmd.approved_by,
        approved_at=now,
    )


async def decline_request(
    repo: Repository, cmd: commands.DeclineRequest, *, now: datetime
) -> DelegationDeclined:
    request = await _load_request(repo, cmd.request_id)
    admins = await repo.customer_admins(customer_id=cmd.customer_id)
    request.decline(customer_id=cmd.customer_id, by=cmd.declined_by, admins=admins, now=now)
    await repo.save_request(request=request)
    return DelegationDeclined(
        request_id=request.request_id,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        declined_by=cmd.declined_by,
        declined_at=now,
    )
