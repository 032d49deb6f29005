"""Directory contracts: the Subscription aggregate (trial and paid): its start,
conversion, quantity and state."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Seats, ServiceId, examples
from shared.contracts.directory._shared import _ACTING_PARTNER, _CUSTOMER, _PARTNER, _USER

CONTEXT = "directory"


class SubscriptionSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["trial_invitation", "offer"]
    id: UUID = Field(description="The redemption that created it")


class SubscriptionCreated(Event):
    """A customer holds a new subscription; the partner is its partner of record."""

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


_SUBSCRIPTION = "7c4d2e1f-8a9b-4c3d-b2e1-0f9a8b7c6d5e"


_CUSTOMER_USER = "4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09"


_OFFER_REDEMPTION = "e7c3a1b9-5d2f-4b8e-a6c4-3f1d9b7e5a02"

# The subscription of the examples as a command on it names it, and as an event about it does.
_COMMAND_ON = {"customer_id": _CUSTOMER, "subscription_id": _SUBSCRIPTION, "actor_user_id": _USER}
_EVENT_ON = {"subscription_id": _SUBSCRIPTION, "customer_id": _CUSTOMER, "service_id": "o365-e3"}


SubscriptionState = Literal["trial", "active", "suspended", "cancelled", "expired"]


"""trial → active (an offer bought) → suspended ⇄ active → cancelled; trial → expired."""


_SUB_ACTOR = (
    "The signed-in user doing this: a Global admin of the customer, or a partner user with "
    "Full administration under its partner's active delegation from the customer (being "
    "the subscription's partner of record grants nothing by itself)"
)


class _SubscriptionCommand(BaseModel):
    """Fields of every subscription command (a mixin, not a contract of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    customer_id: UUID = Field(description="The customer holding the subscription (the key)")
    subscription_id: UUID
    actor_user_id: UUID = Field(description=_SUB_ACTOR)


class ChangeSubscriptionQuantity(_SubscriptionCommand, Command):
    """Set the number of licences of an active (paid) subscription. Never below the number
    of licences assigned to users."""

    model_config = examples({**_COMMAND_ON, "quantity": 30})

    quantity: Seats = Field(description="The new number of licences (at least 1)")


class SuspendSubscription(_SubscriptionCommand, Command):
    """Suspend an active subscription: its licences stop working until it is reactivated."""

    model_config = examples({**_COMMAND_ON, "reason": "Unpaid invoice"})

    reason: str = Field(default="", max_length=500)


class ReactivateSubscription(_SubscriptionCommand, Command):
    """Make a suspended subscription active again."""

    model_config = examples(_COMMAND_ON)


class CancelSubscription(_SubscriptionCommand, Command):
    """End a trial, active or suspended subscription for good; its licences are released."""

    model_config = examples({**_COMMAND_ON, "reason": "Moving to another plan"})

    reason: str = Field(default="", max_length=500)


class _SubscriptionEvent(BaseModel):
    """Fields of every subscription event (a mixin, not a contract of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subscription_id: UUID
    customer_id: UUID
    service_id: ServiceId


class SubscriptionConverted(_SubscriptionEvent, Event):
    """A customer bought an offer for a service it held on trial: the same subscription is
    now paid (active), with the bought quantity and the offer's partner as partner of record.
    Assignments above the bought quantity (newest first) were released."""

    model_config = examples(
        {
            **_EVENT_ON,
            "previous_state": "trial",
            "previous_seats": 25,
            "seats": 50,
            "partner_of_record": _PARTNER,
            "previous_partner_of_record": _PARTNER,
            "source": {"kind": "offer", "id": _OFFER_REDEMPTION},
            "released_user_ids": [],
            "converted_at": "2026-12-03T10:00:01Z",
        }
    )

    previous_state: Literal["trial", "expired"]
    previous_seats: Seats
    seats: Seats
    partner_of_record: UUID
    previous_partner_of_record: UUID
    source: SubscriptionSource = Field(description="The offer redemption that converted it")
    released_user_ids: list[UUID] = Field(
        description="Users whose licence was released because fewer were bought"
    )
    converted_at: datetime


class SubscriptionQuantityChanged(_SubscriptionEvent, Event):
    """The number of licences of a subscription changed."""

    model_config = examples(
        {
            **_EVENT_ON,
            "previous_quantity": 50,
            "quantity": 30,
            "assigned": 12,
            "changed_by": _USER,
            "acting_partner_id": None,
            "changed_at": "2026-12-10T09:00:00Z",
        }
    )

    previous_quantity: Seats
    quantity: Seats
    assigned: int = Field(ge=0, description="Licences assigned to users at the time")
    changed_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    changed_at: datetime


class _StateChanged(_SubscriptionEvent):
    previous_state: SubscriptionState
    by: UUID = Field(description="The user who did it")
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    at: datetime


_STATE_CHANGED = {
    **_EVENT_ON,
    "by": _USER,
    "acting_partner_id": None,
    "at": "2026-12-11T09:00:00Z",
}


class SubscriptionSuspended(_StateChanged, Event):
    """An active subscription was suspended."""

    model_config = examples({**_STATE_CHANGED, "previous_state": "active", "reason": "Unpaid"})

    reason: str


class SubscriptionReactivated(_StateChanged, Event):
    """A suspended subscription is active again."""

    model_config = examples({**_STATE_CHANGED, "previous_state": "suspended"})


class SubscriptionCancelled(_StateChanged, Event):
    """A subscription ended for good; every licence assignment was released."""

    model_config = examples(
        {
            **_STATE_CHANGED,
            "previous_state": "active",
            "reason": "",
            "released_user_ids": [_CUSTOMER_USER],
        }
    )

    reason: str
    released_user_ids: list[UUID]


class SubscriptionExpired(_SubscriptionEvent, Event):
    """A trial ended without being bought (found by the directory's periodic sweep)."""

    model_config = examples(
        {
            **_EVENT_ON,
            "partner_of_record": _PARTNER,
            "trial_ends_at": "2026-12-24T10:00:00Z",
            "expired_at": "2026-12-24T10:00:04Z",
        }
    )

    partner_of_record: UUID
    trial_ends_at: datetime
    expired_at: datetime
