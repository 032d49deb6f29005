"""The notifications service's read answers as the gateway relays them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

DeliveryStatus = Literal["queued", "sending", "sent", "failed"]


class Delivery(BaseModel):
    """One message to one recipient, as the partner that sent it sees it."""

    model_config = ConfigDict(frozen=True)

    delivery_id: UUID = Field(description="The delivery; also the message's Message-ID")
    request_id: UUID = Field(description="The send request it came from")
    recipient: str = Field(description="The one address the message goes to")
    language: Literal["en", "it"] = Field(description="The message's language")
    status: DeliveryStatus = Field(
        description="queued (waiting, or waiting to retry), sending, sent, failed (for good)"
    )
    attempts: int = Field(description="Attempts made so far")
    last_error: str | None = Field(description="The mail server's last refusal, if any")
    next_attempt_at: datetime | None = Field(description="When a queued message is tried next")
    created_at: datetime = Field(description="When it was queued")
    sent_at: datetime | None = Field(description="When the mail server accepted it")
    sent_by: UUID = Field(description="The partner user who sent it")


class DeliveryList(BaseModel):
    """The deliveries of one invitation, offer or delegation request, newest first (at most
    ``limit``)."""

    model_config = ConfigDict(frozen=True)

    items: list[Delivery]


# --- Partner webhooks ------------------------------------------------------------------------

WebhookDeliveryStatus = Literal["pending", "sending", "delivered", "failed"]


class WebhookEndpoint(BaseModel):
    """One of the partner's webhook endpoints; never its secret (shown once, when made)."""

    model_config = ConfigDict(frozen=True)

    endpoint_id: UUID
    url: str = Field(description="Where deliveries are POSTed")
    description: str
    event_types: list[str] = Field(description="The ce_types it receives")
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(
        description="Why it is disabled: by a Global admin, or the sender after it kept failing"
    )
    disabled_by_sender: bool = Field(description="The sender disabled it after failures")
    consecutive_failures: int = Field(description="Failed attempts since the last success")
    previous_secret_until: datetime | None = Field(
        description="After a rotation: the old secret still signs until then"
    )
    created_by: UUID
    created_at: datetime
    updated_at: datetime


class WebhookEndpointList(BaseModel):
    """The partner's endpoints, oldest first."""

    model_config = ConfigDict(frozen=True)

    items: list[WebhookEndpoint]


class WebhookAttempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    attempt: int
    attempted_at: datetime
    http_status: int | None = Field(description="The receiver's answer; none if it gave none")
    response_ms: int | None = Field(description="How long the receiver took to answer")
    error: str | None


class WebhookDelivery(BaseModel):
    """One event to the endpoint; ``delivery_id`` is its ``webhook-id`` on every attempt."""

    model_config = ConfigDict(frozen=True)

    delivery_id: UUID
    event_id: str = Field(description="The CloudEvent's id")
    event_type: str
    status: WebhookDeliveryStatus = Field(
        description="pending (waiting, or waiting to retry), sending, delivered, failed (for good)"
    )
    attempts: int
    last_http_status: int | None
    last_response_ms: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    tries: list[WebhookAttempt] = Field(description="Every attempt, first first")


class WebhookEndpointDetail(WebhookEndpoint):
    """An endpoint with its delivery log, newest first (at most ``limit``)."""

    deliveries: list[WebhookDelivery]
