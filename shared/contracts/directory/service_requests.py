"""Directory contracts: service requests (tickets) and their notes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples
from shared.contracts.directory._shared import _ACTOR_FIELD, _CUSTOMER, _PARTNER, _USER

CONTEXT = "directory"

_SR = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


_NOTE = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"


Severity = Literal["critical", "high", "normal", "low"]


RequestState = Literal["open", "in_progress", "waiting_on_customer", "resolved", "closed"]


class CreateServiceRequest(Command):
    """A partner user opens a support ticket for a customer. Needs Full administration and
    an active Full delegation with the customer."""

    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "title": "Mail flow stopped",
            "description": "No external mail since 09:00.",
            "severity": "high",
            "contact_name": "Chris Admin",
            "contact_email": "admin@contoso.com",
        }
    )

    request_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    customer_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    title: Name
    description: str = Field(default="", max_length=10_000)
    severity: Severity = "normal"
    contact_name: str = Field(default="", max_length=200, description="Who to call back")
    contact_email: EmailStr | None = None


class ServiceRequestCreated(Event):
    """A service request exists, in state ``open``."""

    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "partner_id": _PARTNER,
            "title": "Mail flow stopped",
            "description": "No external mail since 09:00.",
            "severity": "high",
            "contact_name": "Chris Admin",
            "contact_email": "admin@contoso.com",
            "state": "open",
            "created_by": _USER,
            "created_at": "2026-11-24T09:10:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    partner_id: UUID = Field(description="The partner handling it")
    title: Name
    description: str
    severity: Severity
    contact_name: str
    contact_email: EmailStr | None
    state: RequestState
    created_by: UUID
    created_at: datetime


class ChangeServiceRequestState(Command):
    """Move a service request along its life cycle: open → in_progress ⇄
    waiting_on_customer → resolved → closed, and resolved → open (reopen)."""

    model_config = examples(
        {"request_id": _SR, "customer_id": _CUSTOMER, "actor_user_id": _USER, "state": "resolved"}
    )

    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    state: RequestState = Field(description="The state to move to")


class ServiceRequestStateChanged(Event):
    """A service request moved from one state to another."""

    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "from_state": "in_progress",
            "to_state": "resolved",
            "changed_by": _USER,
            "changed_at": "2026-11-24T11:00:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    from_state: RequestState
    to_state: RequestState
    changed_by: UUID
    changed_at: datetime


class ServiceRequestStateChangedV2(ServiceRequestStateChanged):
    """A service request moved from one state to another; v2 names the partner handling it,
    so the partner's users see it on their live stream and its webhooks may carry it (v1,
    still read from the topic, named only the customer)."""

    version: ClassVar[int] = 2
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "partner_id": _PARTNER,
            "from_state": "in_progress",
            "to_state": "resolved",
            "changed_by": _USER,
            "changed_at": "2026-11-24T11:00:00Z",
        }
    )

    partner_id: UUID = Field(description="The partner handling it")


class AddServiceRequestNote(Command):
    """A note on a service request, by a partner user acting for the customer or by a user
    of the customer itself."""

    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "note_id": _NOTE,
            "body": "Restarted the connector; please confirm.",
        }
    )

    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID = Field(description="The partner or customer user writing the note")
    note_id: UUID = Field(description="Chosen by the sender")
    body: str = Field(min_length=1, max_length=10_000)


class ServiceRequestNoteAdded(Event):
    """A note was added to a service request, with its author and time."""

    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "note_id": _NOTE,
            "author_user_id": _USER,
            "author_kind": "partner",
            "body": "Restarted the connector; please confirm.",
            "added_at": "2026-11-24T10:00:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    note_id: UUID
    author_user_id: UUID
    author_kind: Literal["partner", "customer"]
    body: str
    added_at: datetime


class ServiceRequestNoteAddedV2(ServiceRequestNoteAdded):
    """A note was added to a service request; v2 names the partner handling it (see
    ``ServiceRequestStateChangedV2``)."""

    version: ClassVar[int] = 2
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "partner_id": _PARTNER,
            "note_id": _NOTE,
            "author_user_id": _USER,
            "author_kind": "partner",
            "body": "Restarted the connector; please confirm.",
            "added_at": "2026-11-24T10:00:00Z",
        }
    )

    partner_id: UUID = Field(description="The partner handling it")
