"""The funnel commands of the link-based products (trial invitations, purchase offers): each
product's own contract (its context, name and examples) on one of these shapes."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Command


class RecordLinkOpened(Command):
    """A link-based product's public page was loaded (the funnel's first step)."""

    keyed_by: ClassVar[str | None] = "code"

    code: str = Field(min_length=16, max_length=128, description="The code from the URL")


class RecordLinkSignUp(RecordLinkOpened):
    """A customer company signed up from a link's page (the funnel's second step)."""

    keyed_by: ClassVar[str | None] = "customer_id"

    customer_id: UUID = Field(description="The customer company that signed up")
