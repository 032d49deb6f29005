"""Notification contracts (owned by the notifications service): e-mail to people."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_INVITATION = "c1e7f4a2-3b9d-4e6f-8a1c-2d5b7e9f0a13"
_REQUEST = "5a2e9c71-0f3b-4d68-a1c4-7e9b2d5f8a06"
_DELIVERY = "e4b1c7d2-9a3f-5e60-8b21-3c6d9f0a2b47"
_URL = "https://portal.example/i/q3Zt0u9V2bW7xYc1dE5fG8hJ4kL6mN0p"
_TO = "buyer@contoso.example"

SubjectKind = Literal["invitation", "offer", "delegation_request"]
"""What a link opens: a trial invitation, a purchase offer, a delegation request."""
MailLanguage = Literal["en", "it"]


class PartnerContact(BaseModel):
    """The partner's public details a customer sees in the message."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name = Field(description="The partner's company name")
    phone: str | None = Field(default=None, max_length=100)
    website: str | None = Field(default=None, max_length=500)
    support_email: EmailStr | None = Field(
        default=None, description="Where a reply goes (Reply-To)"
    )


class QueuedDelivery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    delivery_id: UUID = Field(description="One message to one recipient; its Message-ID")
    recipient: str = Field(description="The only address the message is sent to")


class SendLinkByEmail(Command):
    """A partner sends the link of an invitation, an offer or a delegation request to
    customers: one message per recipient (each addressed to that recipient alone), delivered
    with retries; each delivery is recorded."""

    context: ClassVar[str] = "notifications"
    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "sent_by": _USER,
            "subject_kind": "invitation",
            "subject_id": _INVITATION,
            "url": _URL,
            "recipients": [_TO, "cio@contoso.example"],
            "note": "Try it for a month.",
            "language": "en",
            "partner": {
                "name": "Fabrikam Cloud Partners",
                "phone": "+1 425 555 0100",
                "website": "https://fabrikam.example",
                "support_email": "support@fabrikam.example",
            },
        }
    )

    request_id: UUID = Field(
        description="Chosen by the sender; names the deliveries, so a "
        "resent request creates none twice"
    )
    partner_id: UUID = Field(description="The partner sending; owner of the deliveries")
    sent_by: UUID = Field(description="The partner user sending")
    subject_kind: SubjectKind
    subject_id: UUID = Field(description="The invitation, offer or delegation request")
    url: str = Field(
        max_length=2048, pattern=r"^https?://\S+$", description="The link the message carries"
    )
    recipients: list[EmailStr] = Field(
        min_length=1, max_length=50, description="Each gets a message of its own"
    )
    note: str = Field(default="", max_length=2000, description="The partner's personal note")
    language: MailLanguage = Field(default="en", description="The language of the message")
    partner: PartnerContact

    def partition_key(self) -> str:
        return str(self.partner_id)


class LinkEmailQueued(Event):
    """The messages are recorded, one delivery per recipient; sending follows."""

    context: ClassVar[str] = "notifications"
    model_config = examples(
        {
            "request_id": _REQUEST,
            "partner_id": _PARTNER,
            "subject_kind": "invitation",
            "subject_id": _INVITATION,
            "deliveries": [{"delivery_id": _DELIVERY, "recipient": _TO}],
            "queued_at": "2026-11-24T09:00:00Z",
        }
    )

    request_id: UUID
    partner_id: UUID
    subject_kind: SubjectKind
    subject_id: UUID
    deliveries: list[QueuedDelivery]
    queued_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class _DeliveryFields(BaseModel):
    """The fields both outcomes of a delivery carry (not a contract of its own)."""

    delivery_id: UUID
    request_id: UUID
    partner_id: UUID
    subject_kind: SubjectKind
    subject_id: UUID
    recipient: str
    attempts: int = Field(ge=1, description="Attempts it took, this one included")


_OUTCOME = {
    "delivery_id": _DELIVERY,
    "request_id": _REQUEST,
    "partner_id": _PARTNER,
    "subject_kind": "invitation",
    "subject_id": _INVITATION,
    "recipient": _TO,
    "attempts": 1,
}


class EmailDelivered(Event, _DeliveryFields):
    """The recipient's mail server accepted the message."""

    context: ClassVar[str] = "notifications"
    model_config = examples({**_OUTCOME, "sent_at": "2026-11-24T09:00:01Z"})

    sent_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class EmailDeliveryFailed(Event, _DeliveryFields):
    """The message will not be delivered: the server refused it for good, or every retry
    failed. ``error`` is the server's answer."""

    context: ClassVar[str] = "notifications"
    model_config = examples(
        {**_OUTCOME, "error": "550 5.1.1 mailbox unavailable", "failed_at": "2026-11-24T09:00:01Z"}
    )

    error: str
    failed_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)
