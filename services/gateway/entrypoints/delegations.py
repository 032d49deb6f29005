"""Delegated administration: offered and revoked by partners, decided and revoked by the
customer's Global admin."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.routes import Listing, endpoint, relayed_page
from services.gateway.security import CustomerAdmin, PartnerUser, SupportingPartnerUser
from shared.contracts import delegation
from shared.contracts.common import CODE_PATTERN
from shared.contracts.topics import DELEGATION_COMMANDS
from shared.problems import problem_responses
from shared.views import delegation as views
from shared.views.delegation import RelationshipState, RequestState
from shared.views.gateway import DelegationRequestPage

# Checked before it goes into an internal URL: no "../", nothing a URL cannot carry.
Code = Annotated[str, Path(pattern=CODE_PATTERN)]

router = APIRouter(tags=["delegated administration"])


class DelegationOfferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: uuid.UUID
    role: Literal["full", "limited"]
    duration_days: int | None = Field(default=None, ge=1, le=730, description="None: until revoked")


_requests = relayed_page(
    "delegation", "/internal/partners/{company_id}/requests", {}, state=RequestState | None
)
_relationships = relayed_page(
    "delegation",
    "/internal/partners/{company_id}/relationships",
    {},
    state=RelationshipState | None,
)
Listing("/api/partner/delegation-requests", _requests, views.PartnerRequestPage).offer(
    router, who=PartnerUser, name="partner_requests"
)
Listing("/api/partner/delegations", _relationships, views.RelationshipPage).offer(
    router, who=PartnerUser, name="partner_relationships"
)


@router.post(
    "/api/partner/delegation-requests",
    status_code=201,
    response_model=delegation.DelegationOffered,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def offer_delegation(
    body: DelegationOfferBody, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    """Offer to administer an existing customer; the answer carries the URL its admin opens."""
    command = delegation.OfferDelegation(
        request_id=uuid.uuid4(),
        partner_id=user.company_id,
        customer_id=body.customer_id,
        offered_by=user.user_id,
        role=body.role,
        duration=timedelta(days=body.duration_days) if body.duration_days else None,
    )
    # A customer who signed up a moment ago may not be in the delegation service's view yet.
    outcome = await gateway.execute(
        command, topic=DELEGATION_COMMANDS, lagging_views=frozenset({"customer_not_found"})
    )
    return outcome.data


async def _revoke(gateway: Gateway, user: Principal, relationship_id: uuid.UUID) -> Any:
    """Either side ends the relationship: a partner user or the customer's Global admin (the
    party is the user's company kind). The delegation service answers a relationship of
    another company like a random id (404)."""
    party: Literal["partner", "customer"] = (
        "partner" if user.company_kind == "partner" else "customer"
    )
    other = "customer" if party == "partner" else "partner"
    relationship = await gateway.delegation.get(
        f"/internal/relationships/{relationship_id}", **{f"{party}_id": user.company_id}
    )
    theirs = uuid.UUID(relationship[f"{other}_id"])
    partner_id, customer_id = (
        (user.company_id, theirs) if party == "partner" else (theirs, user.company_id)
    )
    command = delegation.RevokeDelegation(
        relationship_id=relationship_id,
        partner_id=partner_id,
        customer_id=customer_id,
        revoked_by=user.user_id,
        party=party,
    )
    return (await gateway.execute(command, topic=DELEGATION_COMMANDS)).data


for _party, _who in (("partner", SupportingPartnerUser), ("customer", CustomerAdmin)):
    router.post(
        f"/api/{_party}/delegations/{{relationship_id}}/revoke",
        response_model=delegation.DelegationRevoked,
        responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
    )(endpoint(_revoke, who=_who, name=f"{_party}_revoke"))


@router.get(
    "/api/customer/delegation-requests/by-code/{code}",
    response_model=DelegationRequestPage,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def request_by_code(code: Code, user: CustomerAdmin, gateway: GatewayDep) -> Any:
    """What the admin sees before deciding: partner, role and duration. Another customer's
    code answers like one that does not exist (the delegation service decides)."""
    request = await gateway.delegation.get(
        f"/internal/requests/by-code/{code}", customer_id=user.company_id
    )
    partner = await gateway.partner_named_by(request["partner_id"])
    return {"request": request, "partner": partner}
