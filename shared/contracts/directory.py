"""Directory contracts: companies, users and subscriptions (owned by the directory service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, Seats, ServiceId, examples

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

Domain = Annotated[
    str,
    StringConstraints(
        to_lower=True,
        max_length=253,
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    ),
    Field(description="The company's primary internet domain", examples=["contoso.com"]),
]
PasswordHash = Annotated[
    str,
    StringConstraints(pattern=r"^\$argon2(id|i|d)\$", max_length=512),
    Field(description="argon2 hash; clear-text credentials never travel on Kafka"),
]


class FirstAdmin(BaseModel):
    """The first user of a new company; it becomes the company's Global admin."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    user_id: UUID
    email: EmailStr
    display_name: Name
    password_hash: PasswordHash


class PartnerProfile(BaseModel):
    """The partner's company information; shown to customers on invitation and offer pages."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    name: Name
    phone: str = Field(default="", max_length=40)
    support_email: EmailStr | None = None
    address: str = Field(default="", max_length=500)
    website: str = Field(default="", max_length=300)


class RegisterPartner(Command):
    """Create a partner company with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {
                "name": "Fabrikam Cloud Advisors",
                "phone": "+1 425 555 0100",
                "support_email": "support@fabrikam.example",
                "address": "1 Main St, Redmond, WA",
                "website": "https://fabrikam.example",
            },
            "admin": {
                "user_id": _USER,
                "email": "admin@fabrikam.example",
                "display_name": "Pat Admin",
                "password_hash": _HASH,
            },
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    admin: FirstAdmin

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerRegistered(Event):
    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {"name": "Fabrikam Cloud Advisors"},
            "admin_user_id": _USER,
            "admin_email": "admin@fabrikam.example",
            "registered_at": "2026-11-24T08:00:00Z",
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    admin_user_id: UUID
    admin_email: EmailStr
    registered_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class RegisterCustomer(Command):
    """Sign up a new customer company with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "name": "Contoso Ltd",
            "domain": "contoso.com",
            "contact_email": "it@contoso.com",
            "admin": {
                "user_id": _USER,
                "email": "admin@contoso.com",
                "display_name": "Chris Admin",
                "password_hash": _HASH,
            },
        }
    )

    customer_id: UUID
    name: Name
    domain: Domain
    contact_email: EmailStr
    admin: FirstAdmin

    def partition_key(self) -> str:
        return str(self.customer_id)


class CustomerRegistered(Event):
    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "name": "Contoso Ltd",
            "domain": "contoso.com",
            "contact_email": "it@contoso.com",
            "admin_user_id": _USER,
            "admin_email": "admin@contoso.com",
            "registered_at": "2026-11-24T08:00:00Z",
        }
    )

    customer_id: UUID
    name: Name
    domain: str
    contact_email: EmailStr
    admin_user_id: UUID
    admin_email: EmailStr
    registered_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class SubscriptionSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["trial_invitation", "offer"]
    id: UUID = Field(description="The redemption that created it")


class SubscriptionCreated(Event):
    """A customer holds a new subscription; the partner is its partner of record."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "subscription_id": "7c4d2e1f-8a9b-4c3d-b2e1-0f9a8b7c6d5e",
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "seats": 25,
            "state": "trial",
            "partner_of_record": _PARTNER,
            "trial_ends_at": "2026-12-24T10:00:00Z",
            "source": {"kind": "trial_invitation", "id": "5a2e9c7b-1d3f-4b8a-9e6c-7f0d2b4a6c81"},
            "created_at": "2026-11-24T10:00:00Z",
        }
    )

    subscription_id: UUID
    customer_id: UUID
    service_id: ServiceId
    seats: Seats
    state: Literal["trial", "active"]
    partner_of_record: UUID
    trial_ends_at: datetime | None
    source: SubscriptionSource
    created_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)
