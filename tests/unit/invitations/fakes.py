"""A hand-written in-memory repository for the invitations handlers."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.invitations.domain.model import Invitation, TrialOffer


class FakeRepository:
    def __init__(self) -> None:
        self.offers: dict[str, TrialOffer] = {}
        self.customers: set[UUID] = set()
        self.invitations: dict[UUID, Invitation] = {}
        self.redemptions: list[tuple[UUID, UUID, str]] = []

    async def trial_offer(self, *, service_id: str) -> TrialOffer | None:
        return self.offers.get(service_id)

    async def customer_exists(self, *, customer_id: UUID) -> bool:
        return customer_id in self.customers

    async def get(self, *, invitation_id: UUID) -> Invitation | None:
        return self.invitations.get(invitation_id)

    async def get_by_code_for_update(self, *, code: str) -> Invitation | None:
        return next((i for i in self.invitations.values() if i.code == code), None)

    async def add(self, *, invitation: Invitation) -> None:
        self.invitations[invitation.invitation_id] = invitation

    async def save(self, *, invitation: Invitation) -> None:
        self.invitations[invitation.invitation_id] = invitation

    async def has_trial(self, *, customer_id: UUID, service_id: str) -> bool:
        return any(c == customer_id and s == service_id for _, c, s in self.redemptions)

    async def add_redemption(
        self,
        *,
        redemption_id: UUID,
        invitation: Invitation,
        customer_id: UUID,
        redeemed_by: UUID,
        redeemed_at: datetime,
    ) -> None:
        self.redemptions.append((redemption_id, customer_id, invitation.service_id))
