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
