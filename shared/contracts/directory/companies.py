"""Directory contracts: partner and customer companies (registration, the partner's
company information)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples
from shared.contracts.directory._shared import (
    _ACTOR_FIELD,
    _CUSTOMER,
    _HASH,
    _PARTNER,
    _USER,
    Domain,
    PasswordHash,
)

CONTEXT = "directory"


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


class PartnerRegistered(Event):
    """A partner company exists, with its first Global admin."""

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


# The customer company of the examples below.
_CONTOSO = {
    "customer_id": _CUSTOMER,
    "name": "Contoso Ltd",
    "domain": "contoso.com",
    "contact_email": "it@contoso.com",
}


class RegisterCustomer(Command):
    """Sign up a new customer company with its first Global admin."""

    model_config = examples(
        {
            **_CONTOSO,
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


class CustomerRegistered(Event):
    """A customer company signed up, with its first Global admin."""

    model_config = examples(
        {
            **_CONTOSO,
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


class UpdatePartnerProfile(Command):
    """Replace the partner's company information. Only a Global admin of the partner may."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "profile": {
                "name": "Fabrikam Cloud Advisors",
                "phone": "+1 425 555 0199",
                "support_email": "help@fabrikam.example",
                "address": "2 Main St, Redmond, WA",
                "website": "https://fabrikam.example",
            },
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    profile: PartnerProfile


class PartnerProfileUpdated(Event):
    """The partner's company information changed: the new profile, by whom and when."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {"name": "Fabrikam Cloud Advisors", "phone": "+1 425 555 0199"},
            "updated_by": _USER,
            "updated_at": "2026-11-24T09:00:00Z",
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    updated_by: UUID
    updated_at: datetime
