"""Service catalogue contracts (owned by the offers service)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, ServiceId, examples

CONTEXT = "offers"

_SERVICE_EXAMPLE = {
    "service_id": "o365-e3",
    "name": "Office 365 E3",
    "description": "Office apps, mail, files and meetings for the enterprise.",
    "licence_unit": "user",
    "min_seats": 1,
    "max_seats": 300,
    "trial": {"days": 30, "max_seats": 25},
    "on_sale": True,
}


class TrialTerms(BaseModel):
    """How a service may be trialled."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    days: int = Field(ge=1, le=365, description="Length of a trial in days")
    max_seats: int = Field(ge=1, le=10_000, description="Most seats a trial may hold")


class CatalogueEntry(BaseModel):
    """A service's terms. The offers service also rejects min_seats > max_seats
    (``invalid_seat_range``) and trial seats above max_seats (``trial_seats_above_maximum``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    service_id: ServiceId
    name: Name = Field(description="Shown to partners and customers")
    description: str = Field(default="", max_length=2000, description="One or two sentences")
    licence_unit: str = Field(
        default="user", max_length=40, description="What one licence covers (user, device)"
    )
    min_seats: int = Field(default=1, ge=1, description="Fewest licences per subscription")
    max_seats: int = Field(
        default=10_000, ge=1, le=1_000_000, description="Most licences per subscription"
    )
    trial: TrialTerms | None = Field(default=None, description="None: cannot be trialled")
    on_sale: bool = Field(default=True, description="False: cannot be put on new offers")


class PublishCatalogueService(Command, CatalogueEntry):
    """Add a service to the catalogue or replace its terms."""

    model_config = examples(_SERVICE_EXAMPLE)
    keyed_by: ClassVar[str | None] = "service_id"


class CatalogueServicePublished(Event, CatalogueEntry):
    """The catalogue now holds this service with these terms."""

    model_config = examples(_SERVICE_EXAMPLE)
    keyed_by: ClassVar[str | None] = "service_id"
