"""The delegation service's read answers (requests and relationships) as the gateway
relays them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.cursor import Page
from shared.views import View

Role = Literal["full", "limited"]
RequestState = Literal["pending", "approved", "declined", "expired"]
RelationshipState = Literal["active", "revoked", "expired", "replaced"]


class DelegationRequest(View):
    """A delegation request (an offer to administer a customer), with its state as of now."""

    request_id: UUID = Field(description="The request (and the relationship it starts)")
    partner_id: UUID = Field(description="The partner asking")
    customer_id: UUID = Field(description="The customer asked")
    role: Role = Field(description="Full or limited administration")
    duration_seconds: int | None = Field(description="Length once approved; null: until revoked")
    state: RequestState = Field(description="As of now")
    source_kind: Literal["trial_invitation", "offer", "standalone"] = Field(
        description="What asked for it"
    )
    source_id: UUID = Field(description="The invitation or offer redemption, or the request")
    requested_by: UUID | None = Field(description="The partner user who offered it")
    requested_at: datetime = Field(description="When")
    expires_at: datetime = Field(description="It expires unanswered at this time")
    decided_at: datetime | None = Field(description="When the customer decided")
    decided_by: UUID | None = Field(description="The customer admin who decided")


class PartnerRequest(DelegationRequest):
    """A request as its partner sees it, with the URL the customer's admin opens."""

    url: str | None = Field(default=None, description="Where the customer's admin decides")


class Relationship(View):
    """A delegation relationship, with its state as of now."""

    relationship_id: UUID = Field(description="The relationship (its request's id)")
    partner_id: UUID = Field(description="The partner administering")
    customer_id: UUID = Field(description="The customer administered")
    role: Role = Field(description="Full or limited administration")
    approved_by: UUID = Field(description="The customer admin who approved it")
    started_at: datetime = Field(description="When it started")
    ends_at: datetime | None = Field(description="When it ends; null: until revoked")
    state: RelationshipState = Field(description="As of now")
    warned_at: datetime | None = Field(description="When its end was announced")
    ended_at: datetime | None = Field(description="When it ended")
    ended_by: UUID | None = Field(description="Who ended it")
    ended_by_party: Literal["customer", "partner"] | None = Field(description="Which side")
    replaced_by: UUID | None = Field(description="The relationship that replaced it")


class NamedRequest(DelegationRequest):
    """A request as the customer sees it: who asks."""

    partner_name: str | None = Field(description="The partner's public name")


class NamedRelationship(Relationship):
    partner_name: str | None = Field(description="The partner's public name")


# Pages, newest first and tie-safe: requests by (requested_at, request_id) DESC,
# relationships by (started_at, relationship_id) DESC.
PartnerRequestPage = Page[PartnerRequest]
CustomerRequestPage = Page[DelegationRequest]
RelationshipPage = Page[Relationship]
NamedRequestPage = Page[NamedRequest]
NamedRelationshipPage = Page[NamedRelationship]


class DelegationCounts(View):
    """For the partner overview."""

    pending: int = Field(description="Requests awaiting the customer's decision")
    active: int = Field(description="Relationships in force")
