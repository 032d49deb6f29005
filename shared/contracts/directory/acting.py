"""Directory contracts: acting for a customer on its users (a partner under delegation,
or the customer's own admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples
from shared.contracts.directory._shared import (
    _ACTING_PARTNER,
    _CUSTOMER,
    _HASH,
    _PARTNER,
    _USER,
    PasswordHash,
)

CONTEXT = "directory"

_NEW_CUSTOMER_USER = "5a1e9c3d-2b7f-4e6a-9d8c-1f0b3a5e7c29"


_CUSTOMER_ACTOR = (
    "The signed-in user doing this: an admin of the customer, or a partner user acting under "
    "the partner's active delegated administration; the directory checks, and audits, it"
)


CustomerRoleName = Literal["none", "global_admin", "password_admin"]


"""A customer user's admin role in its own company."""


class CreateCustomerUser(Command):
    """Add a user to a customer company. The sender chose a temporary password, showed it to
    the admin once and sends only its hash; the user must change it at first sign-in.
    Needs the customer's Global admin role (a partner: Full administration)."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "user_id": _NEW_CUSTOMER_USER,
            "email": "kim@contoso.example",
            "display_name": "Kim Akers",
            "company_role": "none",
            "password_hash": _HASH,
        }
    )

    customer_id: UUID = Field(description="The customer the user joins (the key)")
    actor_user_id: UUID = Field(description=_CUSTOMER_ACTOR)
    user_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    email: EmailStr
    display_name: Name
    company_role: CustomerRoleName = "none"
    password_hash: PasswordHash


class CustomerUserCreated(Event):
    """A customer company has a new user (with a temporary password)."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "user_id": _NEW_CUSTOMER_USER,
            "email": "kim@contoso.example",
            "display_name": "Kim Akers",
            "company_role": "none",
            "created_by": _USER,
            "acting_partner_id": _PARTNER,
            "created_at": "2026-11-24T09:00:00Z",
        }
    )

    customer_id: UUID
    user_id: UUID
    email: EmailStr
    display_name: Name
    company_role: CustomerRoleName
    created_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    created_at: datetime


class DisableCustomerUser(Command):
    """Stop a customer user from signing in. Needs the customer's Global admin role (a
    partner: Full administration); the customer's last active Global admin stays."""

    model_config = examples(
        {"customer_id": _CUSTOMER, "actor_user_id": _USER, "user_id": _NEW_CUSTOMER_USER}
    )

    customer_id: UUID = Field(description="The user's customer (the key)")
    actor_user_id: UUID = Field(description=_CUSTOMER_ACTOR)
    user_id: UUID


class CustomerUserDisabled(Event):
    """A customer user can no longer sign in."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "user_id": _NEW_CUSTOMER_USER,
            "by": _USER,
            "acting_partner_id": _PARTNER,
            "at": "2026-11-24T10:00:00Z",
        }
    )

    customer_id: UUID
    user_id: UUID
    by: UUID = Field(description="The user who disabled it")
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    at: datetime
