"""Internal commands of the offers service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.links import RecordOpen as RecordOpen
from shared.links import RecordSignUp as RecordSignUp


@dataclass(frozen=True)
class ServiceTerms:
    """What a catalogue service is sold on: published as is, and kept by the catalogue."""

    service_id: str
    name: str
    description: str
    licence_unit: str
    min_seats: int
    max_seats: int
    trial_days: int | None
    trial_max_seats: int | None
    on_sale: bool


@dataclass(frozen=True)
class PublishService(ServiceTerms):
    pass


@dataclass(frozen=True)
class LineTerms:
    service_id: str
    quantity: int
    min_quantity: int | None = None
    max_quantity: int | None = None


@dataclass(frozen=True)
class CreateOffer:
    offer_id: UUID
    partner_id: UUID
    created_by: UUID
    lines: tuple[LineTerms, ...]
    delegation_role: str | None
    expires_at: datetime | None
    customer_may_change_quantities: bool


@dataclass(frozen=True)
class ReissueOffer:
    offer_id: UUID
    replaces_offer_id: UUID
    partner_id: UUID
    created_by: UUID
    lines: tuple[LineTerms, ...]
    expires_at: datetime | None
    withdraw_replaced: bool


@dataclass(frozen=True)
class WithdrawOffer:
    offer_id: UUID
    partner_id: UUID
    withdrawn_by: UUID


@dataclass(frozen=True)
class Purchase:
    code: str
    customer_id: UUID
    redeemed_by: UUID
    quantities: tuple[tuple[str, int], ...]
