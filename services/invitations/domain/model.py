"""Invitations and the rules of redeeming them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.invitations.domain import errors


def new_code() -> str:
    """192 random bits, URL-safe: unguessable, and not tied to any one customer."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class TrialOffer:
    """What the catalogue (owned by the offers service) says about trialling a service."""

    service_id: str
    name: str
    trial_days: int | None
    trial_max_seats: int | None

    def check_trial(self, seats: int) -> None:
        if self.trial_days is None or self.trial_max_seats is None:
            raise errors.ServiceNotTrialable(
                f"{self.name} cannot be trialled.", service_id=self.service_id
            )
        if seats > self.trial_max_seats:
            raise errors.TooManySeats(
                f"A trial of {self.name} holds at most {self.trial_max_seats} seats.",
                service_id=self.service_id,
                max_seats=self.trial_max_seats,
            )


@dataclass
class Invitation:
    invitation_id: UUID
    partner_id: UUID
    created_by: UUID
    code: str
    service_id: str
    seats: int
    trial_days: int
    delegation_role: str | None
    expires_at: datetime | None
    max_redemptions: int | None
    created_at: datetime
    redemptions: int = 0
    revoked_at: datetime | None = None
    revoked_by: UUID | None = None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        if self.max_redemptions is not None and self.redemptions >= self.max_redemptions:
            return "exhausted"
        return "active"

    def check_redeemable(self, now: datetime) -> None:
        status = self.status(now)
        if status == "revoked":
            raise errors.InvitationRevoked("This invitation was withdrawn by the partner.")
        if status == "expired":
            raise errors.InvitationExpired("This invitation has expired.")
        if status == "exhausted":
            raise errors.InvitationExhausted("This invitation has been used as often as allowed.")

    def redeem(self, now: datetime) -> None:
        self.check_redeemable(now)
        self.redemptions += 1

    def revoke(self, *, partner_id: UUID, by: UUID, now: datetime) -> None:
        if partner_id != self.partner_id:
            # Same answer as a missing invitation: nothing leaks about other partners.
            raise errors.InvitationNotFound("No such invitation.")
        if self.revoked_at is not None:
            raise errors.InvitationRevoked("This invitation is already revoked.")
        self.revoked_at = now
        self.revoked_by = by
