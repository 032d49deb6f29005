"""Delegated-administration contracts (owned by the delegation service)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from shared.contracts.base import Command, Event
from shared.contracts.common import DelegationRole, examples

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_REQUEST = "3e8d1c5a-9b2f-4a7e-8c6d-1f0e2a3b4c5d"
_ADMIN = "4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09"

SourceKind = Literal["trial_invitation", "offer", "standalone"]


class DelegationRequested(Event):
    """A partner asked to administer a customer; nothing is granted until approved."""

    context: ClassVar[str] = "delegation"
    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "role": "full",
            "source_kind": "trial_invitation",
            "source_id": "5a2e9c7b-1d3f-4b8a-9e6c-7f0d2b4a6c81",
            "requested_at": "2026-11-24T10:00:00Z",
        }
    )

    request_id: UUID
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole
    source_kind: SourceKind
    source_id: UUID
    requested_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class ApproveDelegationRequest(Command):
    """The customer's Global admin grants the partner the requested access."""

    context: ClassVar[str] = "delegation"
    model_config = examples(
        {"request_id": _REQUEST, "customer_id": _CUSTOMER, "approved_by": _ADMIN}
    )

    request_id: UUID
    customer_id: UUID
    approved_by: UUID

    def partition_key(self) -> str:
        return str(self.customer_id)


class DeclineDelegationRequest(Command):
    """The customer's Global admin refuses the partner's request."""

    context: ClassVar[str] = "delegation"
    model_config = examples(
        {"request_id": _REQUEST, "customer_id": _CUSTOMER, "declined_by": _ADMIN}
    )

    request_id: UUID
    customer_id: UUID
    declined_by: UUID

    def partition_key(self) -> str:
        return str(self.customer_id)


class DelegationApproved(Event):
    context: ClassVar[str] = "delegation"
    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "role": "full",
            "approved_by": _ADMIN,
            "approved_at": "2026-11-24T10:05:00Z",
        }
    )

    request_id: UUID
    partner_id: UUID
    customer_id: UUID
    role: DelegationRole
    approved_by: UUID
    approved_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class DelegationDeclined(Event):
    context: ClassVar[str] = "delegation"
    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "declined_by": _ADMIN,
            "declined_at": "2026-11-24T10:05:00Z",
        }
    )

    request_id: UUID
    partner_id: UUID
    customer_id: UUID
    declined_by: UUID
    declined_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)
