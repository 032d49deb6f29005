"""Internal commands of the delegation service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from services.delegation.domain.model import Party, SourceKind
from shared.contracts.common import DelegationRole


@dataclass(frozen=True)
class RequestFromRedemption:
    """A redemption (trial invitation or purchase offer) that may include delegation."""

    source_kind: SourceKind
    source_id: UUID  # the redemption; one request per redemption
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole | None  # None: the redeemed invitation or offer had no delegation
    duration: timedelta | None = None


@dataclass(frozen=True)
class OfferDelegation:
    request_id: UUID
    partner_id: UUID
    customer_id: UUID
    offered_by: UUID
    role: DelegationRole
    duration: timedelta | None
    respond_within: timedelta | None


@dataclass(frozen=True)
class ApproveRequest:
    request_id: UUID
    customer_id: UUID
    approved_by: UUID


@dataclass(frozen=True)
class DeclineRequest:
    request_id: UUID
    customer_id: UUID
    declined_by: UUID


@dataclass(frozen=True)
class RevokeRelationship:
    relationship_id: UUID
    partner_id: UUID
    customer_id: UUID
    revoked_by: UUID
    party: Party
