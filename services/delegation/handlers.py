"""One handler per command: load, decide (rules live on the model), save, return events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from services.delegation.adapters.repository import Repository
from services.delegation.domain import commands, errors
from services.delegation.domain.model import (
    DelegationRequest,
    Policy,
    Relationship,
    new_code,
    offer_url,
)
from shared.contracts.base import Event
from shared.contracts.delegation import (
    DelegationApproved,
    DelegationDeclined,
    DelegationExpired,
    DelegationExpiring,
    DelegationOffered,
    DelegationReplaced,
    DelegationRequested,
    DelegationRequestExpired,
    DelegationRevoked,
)
from shared.errors import DomainError

E = TypeVar("E", bound=Event)


def _event(event: type[E], of: DelegationRequest | Relationship, **told: Any) -> E:
    """``event`` about a request or relationship: the fields it shares with ``of`` (which
    one, between whom, what role, ...) from ``of``, the others as ``told``."""
    carried = {name: getattr(of, name) for name in event.model_fields if name not in told}
    return event(**carried, **told)


async def request_from_redemption(
    repo: Repository, cmd: commands.RequestFromRedemption, *, now: datetime, policy: Policy
) -> DelegationRequested | None:
    """A redemption that included delegation opens one pending request.

    Used for every kind of redemption (trial invitation, purchase offer). A redemption
    without delegation, or one already turned into a request (the same event re-sent under
    a new id), yields nothing.
    """
    (outcome,) = await requests_from_redemptions(repo, [cmd], now=now, policy=policy)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def requests_from_redemptions(
    repo: Repository,
    cmds: Sequence[commands.RequestFromRedemption],
    *,
    now: datetime,
    policy: Policy,
) -> list[DelegationRequested | DomainError | None]:
    """``request_from_redemption`` for a run of redemptions, written in one statement: per
    redemption its event, None, or the rule it broke (nothing written for it)."""
    outcomes: list[DelegationRequest | DomainError | None] = []
    for cmd in cmds:
        if cmd.role is None:
            outcomes.append(None)
            continue
        try:
            policy.check_duration(cmd.duration)
        except DomainError as exc:
            outcomes.append(exc)
            continue
        # The request says what the redemption did: its source, the pair, role and duration.
        deadline = policy.answer_deadline(now)
        outcomes.append(
            DelegationRequest(
                **vars(cmd), request_id=uuid.uuid4(), requested_at=now, expires_at=deadline
            )
        )
    added = await repo.add_requests([o for o in outcomes if isinstance(o, DelegationRequest)])
    return [
        (_event(DelegationRequested, o) if o.request_id in added else None)
        if isinstance(o, DelegationRequest)
        else o
        for o in outcomes
    ]


async def _load_request(repo: Repository, request_id: uuid.UUID) -> DelegationRequest:
    request = await repo.get_request(request_id=request_id)
    if request is None:
        raise errors.RequestNotFound("No such delegation request.")
    return request


async def approve_request(
    repo: Repository, cmd: commands.ApproveRequest, *, now: datetime
) -> list[Event]:
    """DelegationApproved (the reply), then DelegationReplaced if the partner already had an
    active relationship with this customer: at most one is active per pair."""
    request = await _load_request(repo, cmd.request_id)
    admins = await repo.customer_admins(customer_id=cmd.customer_id)
    relationship = request.approve(
        customer_id=cmd.customer_id, by=cmd.approved_by, admins=admins, now=now
    )
    events: list[Event] = [
        _event(DelegationApproved, request, approved_by=cmd.approved_by, approved_at=now)
    ]
    previous = await repo.active_relationship(
        partner_id=request.partner_id, customer_id=request.customer_id
    )
    if previous is not None:
        previous.replace(by=relationship, now=now)
        await repo.save_relationship(relationship=previous)
        events.append(
            _event(
                DelegationReplaced,
                previous,
                replaced_by=relationship.relationship_id,
                new_role=relationship.role,
                replaced_at=now,
            )
        )
    await repo.save_request(request=request)
    await repo.add_relationship(relationship=relationship)
    return events


async def decline_request(
    repo: Repository, cmd: commands.DeclineRequest, *, now: datetime
) -> DelegationDeclined:
    request = await _load_request(repo, cmd.request_id)
    admins = await repo.customer_admins(customer_id=cmd.customer_id)
    request.decline(customer_id=cmd.customer_id, by=cmd.declined_by, admins=admins, now=now)
    await repo.save_request(request=request)
    return _event(DelegationDeclined, request, declined_by=cmd.declined_by, declined_at=now)


async def offer_delegation(
    repo: Repository,
    cmd: commands.OfferDelegation,
    *,
    now: datetime,
    policy: Policy,
    base_url: str,
) -> list[Event]:
    """DelegationOffered (the reply, with the URL), then DelegationRequested."""
    if not await repo.customer_exists(customer_id=cmd.customer_id):
        raise errors.CustomerNotFound("There is no such customer.")
    policy.check_duration(cmd.duration)
    request = DelegationRequest(
        request_id=cmd.request_id,
        partner_id=cmd.partner_id,
        customer_id=cmd.customer_id,
        role=cmd.role,
        source_kind="standalone",
        source_id=cmd.request_id,
        requested_at=now,
        expires_at=policy.answer_deadline(now, cmd.respond_within),
        duration=cmd.duration,
        requested_by=cmd.offered_by,
        code=new_code(),
    )
    if not await repo.add_request(request=request):
        raise errors.RequestAlreadyExists("A delegation request with this id already exists.")
    assert request.code is not None
    url = offer_url(base_url, request.code)
    offered = _event(DelegationOffered, request, offered_by=cmd.offered_by, url=url, offered_at=now)
    return [offered, _event(DelegationRequested, request)]


async def revoke_relationship(
    repo: Repository, cmd: commands.RevokeRelationship, *, now: datetime
) -> DelegationRevoked:
    relationship = await repo.get_relationship(relationship_id=cmd.relationship_id)
    if relationship is None:
        raise errors.RelationshipNotFound("No such delegation.")
    admins = await repo.customer_admins(customer_id=cmd.customer_id)
    relationship.revoke(cmd, admins=admins, now=now)
    await repo.save_relationship(relationship=relationship)
    return _event(
        DelegationRevoked, relationship, revoked_by=cmd.revoked_by, party=cmd.party, revoked_at=now
    )


async def sweep(repo: Repository, *, now: datetime, policy: Policy) -> list[Event]:
    """The time-based transitions that are due. Warnings come before expiries, so a
    relationship whose warning time was missed (short duration, service down) still gets
    its warning first."""
    events: list[Event] = [
        _event(DelegationRequestExpired, r, expired_at=now)
        for r in await repo.expire_pending(now=now)
    ]
    warn = await repo.warn_ending(now=now, lead=policy.expiry_warning)
    events += [_event(DelegationExpiring, r, warned_at=now) for r in warn]
    events += [
        _event(DelegationExpired, r, expired_at=now) for r in await repo.expire_ended(now=now)
    ]
    return events
