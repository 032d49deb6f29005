"""Internal commands of the directory service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.directory.domain.model import Profile


@dataclass(frozen=True)
class NewAdmin:
    user_id: UUID
    email: str
    display_name: str
    password_hash: str


@dataclass(frozen=True)
class RegisterPartner:
    partner_id: UUID
    profile: Profile
    admin: NewAdmin


@dataclass(frozen=True)
class RegisterCustomer:
    customer_id: UUID
    name: str
    domain: str
    contact_email: str
    admin: NewAdmin


@dataclass(frozen=True)
class CreateTrialSubscription:
    redemption_id: UUID
    partner_id: UUID
    customer_id: UUID
    service_id: str
    seats: int
    trial_days: int
    redeemed_at: datetime
