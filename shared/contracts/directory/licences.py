"""Directory contracts: licences of a subscription assigned to the customer's users."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Seats, examples
from shared.contracts.directory._shared import _ACTING_PARTNER, _USER
from shared.contracts.directory.subscriptions import (
    _COMMAND_ON,
    _CUSTOMER_USER,
    _EVENT_ON,
    _SubscriptionCommand,
    _SubscriptionEvent,
)

CONTEXT = "directory"


class AssignLicence(_SubscriptionCommand, Command):
    """Give one of the subscription's licences to a user of the customer."""

    model_config = examples({**_COMMAND_ON, "user_id": _CUSTOMER_USER})

    user_id: UUID = Field(description="A user of the same customer")


class RemoveLicence(_SubscriptionCommand, Command):
    """Take a licence back from a user; it becomes free to assign again."""

    model_config = examples({**_COMMAND_ON, "user_id": _CUSTOMER_USER})

    user_id: UUID


class LicenceAssigned(_SubscriptionEvent, Event):
    """A user of the customer got one of the subscription's licences."""

    model_config = examples(
        {
            **_EVENT_ON,
            "user_id": _CUSTOMER_USER,
            "assigned": 13,
            "quantity": 30,
            "assigned_by": _USER,
            "acting_partner_id": None,
            "assigned_at": "2026-12-10T09:05:00Z",
        }
    )

    user_id: UUID
    assigned: int = Field(ge=1, description="Licences assigned after this one")
    quantity: Seats
    assigned_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    assigned_at: datetime


class LicenceRemoved(_SubscriptionEvent, Event):
    """A user's licence was taken back."""

    model_config = examples(
        {
            **_EVENT_ON,
            "user_id": _CUSTOMER_USER,
            "assigned": 12,
            "quantity": 30,
            "removed_by": _USER,
            "acting_partner_id": None,
            "removed_at": "2026-12-10T09:10:00Z",
        }
    )

    user_id: UUID
    assigned: int = Field(ge=0, description="Licences assigned after the removal")
    quantity: Seats
    removed_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    removed_at: datetime
