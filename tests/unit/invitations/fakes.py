"""A hand-written in-memory repository for the invitations handlers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.invitations.adapters.repository import NewRedemption, RedemptionContext
from services.invitations.domain.model import Invitation, TrialOffer
from shared.links import FunnelCount


class FakeRepository:
    def __init__(self) -> None:
        self.offers: dict[str, TrialOffer] = {}
        self.customers: set[UUID] = set()
        self.invitations: dict[UUID, Invitation] = {}
        self.redemptions: list[tuple[UUID, UUID, str]] = []
        self.opens: dict[UUID, int] = {}
        self.sign_ups: set[tuple[UUID, UUID]] = set()

    async def trial_offer(self, *, service_id: str) -> TrialOffer | None:
        return self.offers.get(service_id)

    async def get(self, *, invitation_id: UUID) -> Invitation | None:
        return self.invitations.get(invitation_id)

    async def for_redemptions(
        self, requests: Sequence[tuple[str, UUID]]
    ) -> list[RedemptionContext]:
        found = []
        for code, customer_id in requests:
            invitation = self._by_code(code)
            had = invitation is not None and any(
                c == customer_id and s == invitation.service_id for _, c, s in self.redemptions
            )
            found.append(RedemptionContext(invitation, customer_id in self.customers, had))
        return found

    async def add(self, *, invitation: Invitation) -> None:
        self.invitations[invitation.invitation_id] = invitation

    async def save(self, *, invitation: Invitation) -> None:
        self.invitations[invitation.invitation_id] = invitation

    async def add_redemptions(
        self, added: Sequence[NewRedemption], *, counts: dict[UUID, int]
    ) -> None:
        self.redemptions += [(a.redemption_id, a.customer_id, a.service_id) for a in added]
        for invitation_id, count in counts.items():
            self.invitations[invitation_id].redemptions = count

    def _by_code(self, code: str) -> Invitation | None:
        return next((i for i in self.invitations.values() if i.code == code), None)

    async def record_open(self, *, code: str) -> FunnelCount | None:
        invitation = self._by_code(code)
        if invitation is None:
            return None
        key = invitation.invitation_id
        self.opens[key] = self.opens.get(key, 0) + 1
        return FunnelCount(key, invitation.partner_id, self.opens[key])

    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None:
        invitation = self._by_code(code)
        if invitation is None:
            return None
        key = invitation.invitation_id
        self.sign_ups.add((key, customer_id))
        count = sum(1 for i, _ in self.sign_ups if i == key)
        return FunnelCount(key, invitation.partner_id, count)
