"""Directory contracts: licences of a subscription assigned to the customer's users."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Seats, examples
from shared.contracts.directory._shared import _ACTING_PARTNER, _CUSTOMER, _USER
from shared.contracts.directory.subscriptions import (
    _CUSTOMER_USER,
    _SUBSCRIPTION,
    _SubscriptionCommand,
    _SubscriptionEvent,
)

CONTEXT = "directory"


class AssignLicence(_SubscriptionCommand, Command):
    """Give one of the subscription's licences to a user of the customer."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "user_id": _CUSTOMER_USER,
        }
    )

    user_id: UUID = Field(description="A user of the same customer")


class RemoveLicence(_SubscriptionCommand, Command):
    """Take a licence back from a user; it becomes free to assign again."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "user_id": _CUSTOMER_USER,
        }
    )

    user_id: UUID


class LicenceAssigned(_SubscriptionEvent, Event):
    """A user of the customer got one of the subscription's licences."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
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
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
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
