"""Directory contracts: partner users and password resets."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples
from shared.contracts.directory._shared import (
    _ACTOR_FIELD,
    _HASH,
    _NEW_USER,
    _PARTNER,
    _USER,
    CompanyRoleName,
    PasswordHash,
    SupportedAccessName,
)

CONTEXT = "directory"


class _PartnerUserEvent(Event):
    # The partner user an event concerns (not a contract itself).

    partner_id: UUID
    user_id: UUID


class _PartnerUserState(_PartnerUserEvent):
    # A partner user as it is after the event (not a contract itself).
    email: EmailStr
    display_name: Name
    company_role: CompanyRoleName
    supported_access: SupportedAccessName


class CreatePartnerUser(Command):
    """Add a user to the partner company. The sender chose a temporary password, showed it
    to the admin once and sends only its hash; the user must change it at first sign-in."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "none",
            "supported_access": "limited",
            "password_hash": _HASH,
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    email: EmailStr
    display_name: Name
    company_role: CompanyRoleName = "none"
    supported_access: SupportedAccessName = "none"
    password_hash: PasswordHash


class PartnerUserCreated(_PartnerUserState):
    """A partner company has a new user."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "none",
            "supported_access": "limited",
            "created_by": _USER,
            "created_at": "2026-11-24T09:00:00Z",
        }
    )

    created_by: UUID
    created_at: datetime


class UpdatePartnerUser(Command):
    """Change a partner user's name, e-mail or admin access. Omitted fields stay as they are."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "user_id": _NEW_USER,
            "company_role": "password_admin",
            "supported_access": "full",
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID
    email: EmailStr | None = None
    display_name: Name | None = None
    company_role: CompanyRoleName | None = None
    supported_access: SupportedAccessName | None = None


class PartnerUserUpdated(_PartnerUserState):
    """A partner user's details or admin access changed; carries the resulting state."""

    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "password_admin",
            "supported_access": "full",
            "updated_by": _USER,
            "updated_at": "2026-11-24T09:30:00Z",
        }
    )

    updated_by: UUID
    updated_at: datetime


class _PartnerUserSwitch(Command):
    # The fields of disabling and enabling a partner user (not a contract itself).
    model_config = examples({"partner_id": _PARTNER, "actor_user_id": _USER, "user_id": _NEW_USER})

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID


class DisablePartnerUser(_PartnerUserSwitch):
    """Stop a partner user from signing in. The last active Global admin cannot be disabled."""


class EnablePartnerUser(_PartnerUserSwitch):
    """Let a disabled partner user sign in again."""


class PartnerUserDisabled(_PartnerUserEvent):
    """A partner user can no longer sign in."""

    model_config = examples(
        {"partner_id": _PARTNER, "user_id": _NEW_USER, "by": _USER, "at": "2026-11-24T10:00:00Z"}
    )

    by: UUID = Field(description="The user who disabled it")
    at: datetime


class PartnerUserEnabled(_PartnerUserEvent):
    """A disabled partner user may sign in again."""

    model_config = examples(
        {"partner_id": _PARTNER, "user_id": _NEW_USER, "by": _USER, "at": "2026-11-24T11:00:00Z"}
    )

    by: UUID = Field(description="The user who enabled it")
    at: datetime


class UserPasswordReset(Event):
    """An admin reset a user's password. The temporary password itself went only to the
    admin, over HTTP; it never travels on Kafka."""

    keyed_by: ClassVar[str | None] = "company_id"
    model_config = examples(
        {
            "company_id": _PARTNER,
            "user_id": _NEW_USER,
            "reset_by": _USER,
            "reset_at": "2026-11-24T12:00:00Z",
        }
    )

    company_id: UUID = Field(description="The partner or customer the user belongs to")
    user_id: UUID
    reset_by: UUID
    reset_at: datetime
