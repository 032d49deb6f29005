"""Delegated-administration contracts (owned by the delegation service)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Command, Event
from shared.contracts.common import DelegationRole, examples

CONTEXT = "delegation"

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_REQUEST = "3e8d1c5a-9b2f-4a7e-8c6d-1f0e2a3b4c5d"
_ADMIN = "4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09"

SourceKind = Literal["trial_invitation", "offer", "standalone"]

# The request, its partner and its customer, as every request event's example names them.
_OF_REQUEST = {"request_id": _REQUEST, "partner_id": _PARTNER, "customer_id": _CUSTOMER}


class _RequestEvent(Event):
    # What happened to a delegation request, between its partner and its customer.

    request_id: UUID
    partner_id: UUID
    customer_id: UUID


class DelegationRequested(_RequestEvent):
    """A partner asked to administer a customer; nothing is granted until approved."""

    model_config = examples(
        {
            **_OF_REQUEST,
            "role": "full",
            "source_kind": "trial_invitation",
            "source_id": "5a2e9c7b-1d3f-4b8a-9e6c-7f0d2b4a6c81",
            "requested_at": "2026-11-24T10:00:00Z",
        }
    )

    role: DelegationRole
    source_kind: SourceKind
    source_id: UUID
    requested_at: datetime


class _Decision(Command):
    # The customer's Global admin answers a request (the field naming who follows).

    request_id: UUID
    customer_id: UUID


class ApproveDelegationRequest(_Decision):
    """The customer's Global admin grants the partner the requested access."""

    model_config = examples(
        {"request_id": _REQUEST, "customer_id": _CUSTOMER, "approved_by": _ADMIN}
    )

    approved_by: UUID


class DeclineDelegationRequest(_Decision):
    """The customer's Global admin refuses the partner's request."""

    model_config = examples(
        {"request_id": _REQUEST, "customer_id": _CUSTOMER, "declined_by": _ADMIN}
    )

    declined_by: UUID


class DelegationApproved(_RequestEvent):
    """The customer's Global admin granted the request: the relationship is active."""

    model_config = examples(
        {
            **_OF_REQUEST,
            "role": "full",
            "approved_by": _ADMIN,
            "approved_at": "2026-11-24T10:05:00Z",
        }
    )

    role: DelegationRole
    approved_by: UUID
    approved_at: datetime


class DelegationDeclined(_RequestEvent):
    """The customer's Global admin refused the request; the partner gets nothing."""

    model_config = examples(
        {**_OF_REQUEST, "declined_by": _ADMIN, "declined_at": "2026-11-24T10:05:00Z"}
    )

    declined_by: UUID
    declined_at: datetime


# Standalone offers, revocation, expiry and replacement (added with the whole lifecycle).

_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_OLD = "6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"
_CODE = "Zr8kP2xQ7vT4mN9bW1cY6hJ3dF5gL0sA"

Party = Literal["customer", "partner"]
Role = Annotated[
    DelegationRole,
    Field(description="full = the customer's Global admin; limited = its Password admin"),
]
RelationshipId = Annotated[
    UUID, Field(description="The relationship; equals the id of the request it came from")
]


class OfferDelegation(Command):
    """A partner offers to administer an existing customer. Nothing is granted until the
    customer's Global admin approves; the reply carries the URL that admin opens."""

    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "offered_by": _USER,
            "role": "limited",
            "duration": "P180D",
            "respond_within": "P14D",
        }
    )

    request_id: UUID = Field(description="Chosen by the sender; makes retries idempotent")
    partner_id: UUID = Field(description="The partner offering to administer the customer")
    customer_id: UUID = Field(description="An existing customer")
    offered_by: UUID = Field(description="The partner user making the offer")
    role: Role
    duration: timedelta | None = Field(
        default=None,
        description="ISO 8601 duration of the relationship once approved; none: until revoked",
    )
    respond_within: timedelta | None = Field(
        default=None,
        description="ISO 8601 time the customer has to answer; default from configuration",
    )


class DelegationOffered(_RequestEvent):
    """A standalone delegation offer is pending; send ``url`` to the customer's admin.

    The reply to ``OfferDelegation``. A ``DelegationRequested`` (source_kind "standalone")
    follows in the same transaction, as for every new request.
    """

    model_config = examples(
        {
            **_OF_REQUEST,
            "offered_by": _USER,
            "role": "limited",
            "duration": "P180D",
            "code": _CODE,
            "url": f"http://127.0.0.1:8000/d/{_CODE}",
            "expires_at": "2026-12-08T10:00:00Z",
            "offered_at": "2026-11-24T10:00:00Z",
        }
    )

    offered_by: UUID
    role: Role
    duration: timedelta | None = Field(description="Duration of the relationship once approved")
    code: str = Field(description="Unguessable code (192 bits, URL-safe)")
    url: str = Field(description="Where the customer's admin sees the offer and decides")
    expires_at: datetime = Field(description="The offer expires unanswered at this time")
    offered_at: datetime


class DelegationRequestExpired(_RequestEvent):
    """A pending request was not answered in time; it can no longer be approved."""

    model_config = examples({**_OF_REQUEST, "role": "full", "expired_at": "2026-12-24T10:00:00Z"})

    role: Role
    expired_at: datetime


class RevokeDelegation(Command):
    """End an active relationship now: by a Global admin of the customer, or by the partner."""

    model_config = examples(
        {
            "relationship_id": _REQUEST,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "revoked_by": _ADMIN,
            "party": "customer",
        }
    )

    relationship_id: RelationshipId
    partner_id: UUID = Field(description="Must be the relationship's partner")
    customer_id: UUID = Field(description="Must be the relationship's customer")
    revoked_by: UUID = Field(description="A customer Global admin, or a partner user")
    party: Party = Field(description="Who revokes: the customer or the partner")


class _RelationshipEvent(Event):
    # What happened to a relationship, between its partner and its customer, with its role.

    relationship_id: RelationshipId
    partner_id: UUID
    customer_id: UUID
    role: Role


_OF_RELATIONSHIP = {"relationship_id": _REQUEST, "partner_id": _PARTNER, "customer_id": _CUSTOMER}


class DelegationRevoked(_RelationshipEvent):
    """The partner may no longer act for the customer."""

    model_config = examples(
        {
            **_OF_RELATIONSHIP,
            "role": "full",
            "revoked_by": _ADMIN,
            "party": "customer",
            "revoked_at": "2026-11-30T10:00:00Z",
        }
    )

    revoked_by: UUID
    party: Party
    revoked_at: datetime


class DelegationExpiring(_RelationshipEvent):
    """Warning: a time-bound relationship ends soon (at ``ends_at``)."""

    model_config = examples(
        {
            **_OF_RELATIONSHIP,
            "role": "limited",
            "ends_at": "2027-05-23T10:05:00Z",
            "warned_at": "2027-05-16T10:05:00Z",
        }
    )

    ends_at: datetime
    warned_at: datetime


class DelegationExpired(_RelationshipEvent):
    """A time-bound relationship reached the end of its duration; the partner may no longer
    act for the customer."""

    model_config = examples(
        {
            **_OF_RELATIONSHIP,
            "role": "limited",
            "ends_at": "2027-05-23T10:05:00Z",
            "expired_at": "2027-05-23T10:05:03Z",
        }
    )

    ends_at: datetime = Field(description="The end of its duration")
    expired_at: datetime = Field(description="When the service recorded the expiry")


class DelegationReplaced(Event):
    """A newly approved request replaced the partner's active relationship with the customer
    (at most one is active per partner and customer). Follows the ``DelegationApproved`` of
    the new one in the same transaction."""

    model_config = examples(
        {
            "relationship_id": _OLD,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "role": "limited",
            "replaced_by": _REQUEST,
            "new_role": "full",
            "replaced_at": "2026-11-24T10:05:00Z",
        }
    )

    relationship_id: UUID = Field(description="The relationship that ended")
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole = Field(description="The role of the relationship that ended")
    replaced_by: UUID = Field(description="The new relationship (its request's id)")
    new_role: DelegationRole = Field(description="The role of the new relationship")
    replaced_at: datetime
