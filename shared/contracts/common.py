"""Types shared by several contracts, and the rejection every service emits."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints

from shared.contracts.base import Event

DelegationRole = Literal["full", "limited"]
"""Full administration = the customer's Global admin; Limited = its Password admin."""

ServiceId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$"),
    Field(description="Catalogue identifier of a service", examples=["o365-e3"]),
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CODE_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
"""What an invitation, offer or delegation code looks like (URL-safe base64)."""
Seats = Annotated[int, Field(ge=1, le=1_000_000, description="Number of user licences")]


def examples(*items: dict[str, Any]) -> ConfigDict:
    """Model config carrying documented examples (they reach the AsyncAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(items)})


class CommandRejected(Event):
    """A command (or an event a service could not apply) broke a rule. Nothing changed.

    Sent on the rejecting service's events topic with the command's correlation id and
    with the command's id as causation id, so the sender can match it.
    """

    context: ClassVar[str] = "system"
    model_config = examples(
        {
            "rejected_type": "portal.invitations.RedeemTrialInvitation.v1",
            "rejected_id": "6f1c2a34-0d5e-4c1e-9a43-59c3b6a0b1e2",
            "service": "invitations",
            "code": "invitation_expired",
            "category": "gone",
            "reason": "The invitation expired on 2026-10-01T00:00:00Z.",
            "key": "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77",
            "details": [],
        }
    )

    rejected_type: str = Field(description="ce_type of the rejected message")
    rejected_id: str = Field(description="ce_id of the rejected message")
    service: str = Field(description="The service that rejected it")
    code: str = Field(description="Machine-readable reason, snake_case")
    category: Literal["invalid", "not_found", "conflict", "gone", "forbidden"] = Field(
        default="invalid", description="Kind of failure (a gateway maps it to a status)"
    )
    reason: str = Field(description="Human-readable explanation")
    key: str | None = Field(default=None, description="Partition key of the rejected message")
    details: list[dict[str, Any]] = Field(
        default_factory=list, description="Field errors, for invalid messages"
    )

    def partition_key(self) -> str:
        return self.key or self.rejected_id


__all__ = ["UUID", "CommandRejected", "DelegationRole", "Name", "Seats", "ServiceId", "examples"]
