"""Notification contracts (owned by the notifications service): e-mail to people."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, examples

CONTEXT = "notifications"

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


class LinkEmailQueued(Event):
    """The messages are recorded, one delivery per recipient; sending follows."""

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

    model_config = examples({**_OUTCOME, "sent_at": "2026-11-24T09:00:01Z"})

    sent_at: datetime


class EmailDeliveryFailed(Event, _DeliveryFields):
    """The message will not be delivered: the server refused it for good, or every retry
    failed. ``error`` is the server's answer."""

    model_config = examples(
        {**_OUTCOME, "error": "550 5.1.1 mailbox unavailable", "failed_at": "2026-11-24T09:00:01Z"}
    )

    error: str
    failed_at: datetime


# --- Partner webhooks: a partner's Global admin manages its endpoints ------------------------
#
# The gateway checks the role; the notifications service owns the endpoints and checks every
# rule (the URL, the event types, the production mode's SSRF rules) and that the endpoint is
# the partner's own (another partner's is the same not-found as a random id). The signing
# secret travels in the register and rotate commands only: no event carries it.

_ENDPOINT = "7d4c2b1a-9e8f-4a6b-b5c4-3d2e1f0a9b88"
_WEBHOOK_DELIVERY = "3a9f1e27-6b4c-5d8e-9f01-2b3c4d5e6f70"
_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
_HOOK_URL = "https://psa.fabrikam.example/hooks/portal"
_TYPES = ["portal.delegation.DelegationApproved.v1"]


class _PartnersEndpoint(BaseModel):
    """Which endpoint, of which partner (not a contract of its own)."""

    endpoint_id: UUID
    partner_id: UUID = Field(description="The partner owning the endpoint")


class _EndpointCommand(Command, _PartnersEndpoint):
    """A command on one of the partner's endpoints (not a contract of its own)."""


class _EndpointEvent(Event, _PartnersEndpoint):
    """What happened to one of the partner's endpoints (not a contract of its own)."""


class RegisterWebhookEndpoint(_EndpointCommand):
    """A partner's Global admin registers an endpoint: deliveries of the chosen event types
    (``shared.contracts.webhooks.webhook_event_types()``), signed with ``secret``. The URL and
    the types are checked by the service, each refusal typed: ``invalid_url``,
    ``https_required`` and ``forbidden_address`` (production), ``unknown_event_type``,
    ``no_event_types``."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "url": _HOOK_URL,
            "description": "Our PSA",
            "event_types": _TYPES,
            "secret": _SECRET,
            "registered_by": _USER,
        }
    )

    url: str = Field(max_length=2048, description="Where deliveries are POSTed")
    description: str = Field(default="", max_length=500)
    event_types: list[str] = Field(max_length=200, description="The ce_types to deliver")
    secret: str = Field(
        pattern=r"^whsec_[A-Za-z0-9+/]{32,86}={0,2}$",
        repr=False,
        description="The signing secret, made and shown once by the registering side",
    )
    registered_by: UUID


class WebhookEndpointRegistered(_EndpointEvent):
    """The endpoint receives deliveries from now on. Neither the secret nor the URL (it may
    carry a token of the partner's) is in the event."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "event_types": _TYPES,
            "registered_by": _USER,
            "registered_at": "2026-11-24T09:00:00Z",
        }
    )

    event_types: list[str]
    registered_by: UUID
    registered_at: datetime


class RotateWebhookSecret(_EndpointCommand):
    """A new signing secret; the old one keeps signing too (a second signature) for the grace
    period, so the partner's receiver can change over without missing a delivery."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "secret": _SECRET,
            "grace_seconds": 86400,
            "rotated_by": _USER,
        }
    )

    secret: str = Field(pattern=r"^whsec_[A-Za-z0-9+/]{32,86}={0,2}$", repr=False)
    grace_seconds: int = Field(
        default=86400, ge=0, le=7 * 86400, description="How long the old secret still signs"
    )
    rotated_by: UUID


class WebhookSecretRotated(_EndpointEvent):
    """A new secret signs the endpoint's deliveries; the old one too until
    ``previous_valid_until``. Neither secret is in the event."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "previous_valid_until": "2026-11-25T09:00:00Z",
            "rotated_by": _USER,
            "rotated_at": "2026-11-24T09:00:00Z",
        }
    )

    previous_valid_until: datetime = Field(description="The old secret signs until then")
    rotated_by: UUID
    rotated_at: datetime


class DisableWebhookEndpoint(_EndpointCommand):
    """Stop deliveries; what is pending waits, and is sent when it is enabled again."""

    model_config = examples(
        {"endpoint_id": _ENDPOINT, "partner_id": _PARTNER, "disabled_by": _USER}
    )

    disabled_by: UUID


class EnableWebhookEndpoint(_EndpointCommand):
    """Deliver again (its failure count starts afresh)."""

    model_config = examples({"endpoint_id": _ENDPOINT, "partner_id": _PARTNER, "enabled_by": _USER})

    enabled_by: UUID


class DeleteWebhookEndpoint(_EndpointCommand):
    """The endpoint, its deliveries and their log are removed."""

    model_config = examples({"endpoint_id": _ENDPOINT, "partner_id": _PARTNER, "deleted_by": _USER})

    deleted_by: UUID


class WebhookEndpointDisabled(_EndpointEvent):
    """The endpoint receives nothing until enabled: disabled by a user (``disabled_by``), or
    by the sender after it kept failing (``disabled_by`` null; the partner's Global admins are
    e-mailed)."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "reason": "failing: 20 attempts in a row",
            "disabled_by": None,
            "disabled_at": "2026-11-24T09:00:00Z",
        }
    )

    reason: str
    disabled_by: UUID | None = Field(description="None: disabled by the sender")
    disabled_at: datetime


class WebhookEndpointEnabled(_EndpointEvent):
    """The endpoint receives deliveries again."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "enabled_by": _USER,
            "enabled_at": "2026-11-24T09:00:00Z",
        }
    )

    enabled_by: UUID
    enabled_at: datetime


class WebhookEndpointDeleted(_EndpointEvent):
    """The endpoint, its deliveries and their log are gone."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "deleted_by": _USER,
            "deleted_at": "2026-11-24T09:00:00Z",
        }
    )

    deleted_by: UUID
    deleted_at: datetime


class RedeliverWebhook(_EndpointCommand):
    """Send one delivery again, with the same ``webhook-id`` (receivers deduplicate by it).
    A delivery still pending or being sent is refused (``delivery_in_progress``)."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "delivery_id": _WEBHOOK_DELIVERY,
            "requested_by": _USER,
        }
    )

    delivery_id: UUID
    requested_by: UUID


class WebhookRedeliveryQueued(_EndpointEvent):
    """The delivery is pending again; it is sent with the same ``webhook-id``."""

    model_config = examples(
        {
            "endpoint_id": _ENDPOINT,
            "partner_id": _PARTNER,
            "delivery_id": _WEBHOOK_DELIVERY,
            "requested_by": _USER,
            "queued_at": "2026-11-24T09:00:00Z",
        }
    )

    delivery_id: UUID
    requested_by: UUID
    queued_at: datetime
