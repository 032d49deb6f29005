"""Delegation requests and the relationships they grant, with the rules of deciding them.

A request is pending until the customer's Global admin approves or declines it, or until
it expires unanswered. Approving creates a relationship: the partner may then administer
the customer (Full or Limited) until the relationship is revoked, replaced by a newer one,
or reaches the end of its duration.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from services.delegation.domain import errors
from shared.contracts.common import DelegationRole

if TYPE_CHECKING:
    from services.delegation.domain.commands import RevokeRelationship

SourceKind = Literal["trial_invitation", "offer", "standalone"]
RequestState = Literal["pending", "approved", "declined", "expired"]
RelationshipState = Literal["active", "revoked", "expired", "replaced"]
Party = Literal["customer", "partner"]


def new_code() -> str:
    """192 random bits, URL-safe: the customer's admin opens the offer with it."""
    return secrets.token_urlsafe(24)


def offer_url(base_url: str, code: str) -> str:
    """Where the customer's admin opens a standalone offer (a page of the gateway)."""
    return f"{base_url.rstrip('/')}/d/{code}"


@dataclass(frozen=True)
class Policy:
    """The time rules, from configuration (tests use seconds, production days)."""

    request_ttl: timedelta
    max_request_ttl: timedelta
    min_duration: timedelta
    max_duration: timedelta
    expiry_warning: timedelta

    def check_duration(self, duration: timedelta | None) -> None:
        if duration is None:
            return
        if not self.min_duration <= duration <= self.max_duration:
            raise errors.InvalidDuration(
                f"A delegation lasts between {self.min_duration} and {self.max_duration}.",
                min_seconds=self.min_duration.total_seconds(),
                max_seconds=self.max_duration.total_seconds(),
            )

    def answer_deadline(self, now: datetime, respond_within: timedelta | None = None) -> datetime:
        """When a pending request expires unanswered."""
        window = self.request_ttl if respond_within is None else respond_within
        if not timedelta(0) < window <= self.max_request_ttl:
            raise errors.InvalidResponseWindow(
                f"The customer may be given at most {self.max_request_ttl} to answer.",
                max_seconds=self.max_request_ttl.total_seconds(),
            )
        return now + window


def _require_admin(admins: Collection[UUID], user_id: UUID) -> None:
    if user_id not in admins:
        raise errors.NotCustomerAdmin("Only a Global admin of the customer may do this.")


@dataclass
class Relationship:
    """An approved delegation: the partner administers the customer with ``role``."""

    relationship_id: UUID  # the id of the request it was granted by
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole
    approved_by: UUID
    started_at: datetime
    ends_at: datetime | None
    state: RelationshipState = "active"
    warned_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: UUID | None = None
    ended_by_party: Party | None = None
    replaced_by: UUID | None = None

    def status(self, now: datetime) -> RelationshipState:
        if self.state == "active" and self.ends_at is not None and now >= self.ends_at:
            return "expired"
        return self.state

    def _check_active(self, now: datetime) -> None:
        if self.status(now) != "active":
            raise errors.RelationshipNotActive(
                f"This delegation is no longer active ({self.status(now)})."
            )

    def replace(self, *, by: Relationship, now: datetime) -> None:
        self._check_active(now)
        self.state = "replaced"
        self.ended_at = now
        self.ended_by = by.approved_by
        self.ended_by_party = "customer"
        self.replaced_by = by.relationship_id

    def revoke(
        self, revocation: RevokeRelationship, *, admins: Collection[UUID], now: datetime
    ) -> None:
        # Same answer as a missing relationship: nothing leaks about other tenants.
        if (revocation.customer_id, revocation.partner_id) != (self.customer_id, self.partner_id):
            raise errors.RelationshipNotFound("No such delegation.")
        if revocation.party == "customer":
            _require_admin(admins, revocation.revoked_by)
        self._check_active(now)
        self.state = "revoked"
        self.ended_at = now
        self.ended_by = revocation.revoked_by
        self.ended_by_party = revocation.party


@dataclass
class DelegationRequest:
    request_id: UUID
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole
    source_kind: SourceKind
    source_id: UUID
    requested_at: datetime
    expires_at: datetime
    duration: timedelta | None = None
    requested_by: UUID | None = None
    code: str | None = None
    state: RequestState = "pending"
    decided_at: datetime | None = None
    decided_by: UUID | None = None

    def status(self, now: datetime) -> RequestState:
        """The state as the customer sees it, even before the sweep recorded an expiry."""
        if self.state == "pending" and now >= self.expires_at:
            return "expired"
        return self.state

    def _decide(
        self,
        state: RequestState,
        *,
        customer_id: UUID,
        by: UUID,
        admins: Collection[UUID],
        now: datetime,
    ) -> None:
        """Record the customer's admin's answer, if the request is still theirs to answer."""
        if customer_id != self.customer_id:
            raise errors.RequestNotFound("No such delegation request.")
        # Authorisation first: a non-admin learns nothing about the request's state.
        _require_admin(admins, by)
        status = self.status(now)
        if status == "expired":
            raise errors.RequestExpired("This delegation request expired unanswered.")
        if status != "pending":
            raise errors.RequestAlreadyDecided(
                f"This delegation request was already {status}.", state=status
            )
        self.state = state
        self.decided_at = now
        self.decided_by = by

    def approve(
        self, *, customer_id: UUID, by: UUID, admins: Collection[UUID], now: datetime
    ) -> Relationship:
        self._decide("approved", customer_id=customer_id, by=by, admins=admins, now=now)
        return Relationship(
            relationship_id=self.request_id,
            partner_id=self.partner_id,
            customer_id=self.customer_id,
            role=self.role,
            approved_by=by,
            started_at=now,
            ends_at=now + self.duration if self.duration is not None else None,
        )

    def decline(
        self, *, customer_id: UUID, by: UUID, admins: Collection[UUID], now: datetime
    ) -> None:
        self._decide("declined", customer_id=customer_id, by=by, admins=admins, now=now)
