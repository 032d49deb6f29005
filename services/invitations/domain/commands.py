"""Internal commands of the invitations service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.links import RecordOpen as RecordOpen
from shared.links import RecordSignUp as RecordSignUp


@dataclass(frozen=True)
class CreateInvitation:
    invitation_id: UUID
    partner_id: UUID
    created_by: UUID
    service_id: str
    seats: int
    delegation_role: str | None
    expires_at: datetime | None
    max_redemptions: int | None


@dataclass(frozen=True)
class RevokeInvitation:
    invitation_id: UUID
    partner_id: UUID
    revoked_by: UUID


@dataclass(frozen=True)
class RedeemInvitation:
    code: str
    customer_id: UUID
    redeemed_by: UUID
