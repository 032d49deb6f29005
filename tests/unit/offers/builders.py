"""Small builders for the offers unit tests: a stocked catalogue and offer commands."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.offers.domain import commands
from services.offers.domain.model import CatalogueService
from tests.unit.offers.fakes import FakeRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE_URL = "https://portal.example/"
PARTNER = uuid.UUID("2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30")
PARTNER_USER = uuid.UUID("9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14")


def service(
    service_id: str, *, min_seats: int = 1, max_seats: int = 300, on_sale: bool = True
) -> CatalogueService:
    return CatalogueService(
        service_id=service_id,
        name=service_id.upper(),
        description="",
        licence_unit="user",
        min_seats=min_seats,
        max_seats=max_seats,
        trial_days=30,
        trial_max_seats=25,
        on_sale=on_sale,
    )


def stocked() -> FakeRepository:
    repo = FakeRepository()
    for s in (
        service("o365-e3"),
        service("intune", max_seats=5000),
        service("defender-business", min_seats=5),
        service("retired-suite", on_sale=False),
    ):
        repo.catalogue[s.service_id] = s
    return repo


def line(
    service_id: str, quantity: int, low: int | None = None, high: int | None = None
) -> commands.LineTerms:
    return commands.LineTerms(service_id, quantity, low, high)


def create(
    *lines: commands.LineTerms,
    changeable: bool = False,
    delegation_role: str | None = None,
    expires_at: datetime | None = None,
    partner_id: uuid.UUID = PARTNER,
) -> commands.CreateOffer:
    return commands.CreateOffer(
        offer_id=uuid.uuid4(),
        partner_id=partner_id,
        created_by=PARTNER_USER,
        lines=lines or (line("o365-e3", 40),),
        delegation_role=delegation_role,
        expires_at=expires_at,
        customer_may_change_quantities=changeable,
    )


def later(days: int = 30) -> datetime:
    return NOW + timedelta(days=days)
