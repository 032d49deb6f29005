"""A hand-written in-memory repository for the offers handlers."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from services.offers.adapters.repository import Redemption
from services.offers.domain.model import CatalogueService, Offer
from shared.links import FunnelCount


@dataclass
class FakeRepository:
    catalogue: dict[str, CatalogueService] = field(default_factory=dict)
    offers: dict[UUID, Offer] = field(default_factory=dict)
    customers: set[UUID] = field(default_factory=set)
    redemptions: list[Redemption] = field(default_factory=list)
    opens: dict[UUID, int] = field(default_factory=dict)
    sign_ups: set[tuple[UUID, UUID]] = field(default_factory=set)

    async def service(self, *, service_id: str) -> CatalogueService | None:
        return self.catalogue.get(service_id)

    async def services(self, *, service_ids: Sequence[str]) -> dict[str, CatalogueService]:
        return {s: self.catalogue[s] for s in service_ids if s in self.catalogue}

    async def put_service(self, *, service: CatalogueService) -> None:
        self.catalogue[service.service_id] = service

    async def customer_exists(self, *, customer_id: UUID) -> bool:
        return customer_id in self.customers

    async def get_offer(self, *, offer_id: UUID) -> Offer | None:
        # A copy, as a database would return: changes count only once saved.
        offer = self.offers.get(offer_id)
        return copy.deepcopy(offer) if offer else None

    async def get_offer_by_code(self, *, code: str) -> Offer | None:
        found = [o for o in self.offers.values() if o.code == code]
        return copy.deepcopy(found[0]) if found else None

    async def add_offer(self, *, offer: Offer) -> None:
        assert offer.offer_id not in self.offers
        self.offers[offer.offer_id] = copy.deepcopy(offer)

    async def save_offer(self, *, offer: Offer) -> None:
        assert offer.offer_id in self.offers
        self.offers[offer.offer_id] = copy.deepcopy(offer)

    async def has_purchased(self, *, offer_id: UUID, customer_id: UUID) -> bool:
        return any(
            r.offer_id == offer_id and r.customer_id == customer_id for r in self.redemptions
        )

    async def add_redemption(self, *, redemption: Redemption) -> None:
        self.redemptions.append(redemption)

    async def record_open(self, *, code: str) -> FunnelCount | None:
        offer = await self.get_offer_by_code(code=code)
        if offer is None:
            return None
        self.opens[offer.offer_id] = self.opens.get(offer.offer_id, 0) + 1
        return FunnelCount(offer.offer_id, offer.partner_id, self.opens[offer.offer_id])

    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None:
        offer = await self.get_offer_by_code(code=code)
        if offer is None:
            return None
        self.sign_ups.add((offer.offer_id, customer_id))
        count = sum(1 for o, _ in self.sign_ups if o == offer.offer_id)
        return FunnelCount(offer.offer_id, offer.partner_id, count)
