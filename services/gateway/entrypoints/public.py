"""What a customer sees from a link, before signing in: the offer and who makes it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from services.gateway.deps import GatewayDep
from services.gateway.security import PublicPageLimit
from shared.contracts.common import CODE_PATTERN
from shared.problems import Problem, problem_responses
from shared.views import gateway as views
from shared.views.offers import Catalogue

# Checked before it goes into an internal URL: no "../", nothing a URL cannot carry.
Code = Annotated[str, Path(pattern=CODE_PATTERN)]

router = APIRouter(prefix="/api/public", tags=["public"], dependencies=[PublicPageLimit])

_PUBLIC_FIELDS = ("service_id", "seats", "trial_days", "delegation_role", "expires_at", "status")


@router.get(
    "/invitations/{code}",
    response_model=views.PublicInvitationPage,
    responses=problem_responses(404, 410, 422, 429, 502, 503),
)
async def invitation_page(code: Code, gateway: GatewayDep) -> dict[str, Any]:
    invitation = await gateway.invitations.get(f"/internal/invitations/by-code/{code}")
    if invitation["status"] != "active":
        # Revoked, expired or used up: say so, and nothing about who made it.
        raise Problem(410, "invitation_unavailable", "This invitation is no longer available.")
    partner = await gateway.directory.get(f"/internal/partners/{invitation['partner_id']}/public")
    service = await gateway.offers.get(f"/internal/catalogue/{invitation['service_id']}")
    return {
        "invitation": {k: invitation[k] for k in _PUBLIC_FIELDS},
        "service": {
            "service_id": service["service_id"],
            "name": service["name"],
            "description": service.get("description", ""),
        },
        "partner": partner,
    }


@router.get("/catalogue", response_model=Catalogue, responses=problem_responses(429, 502, 503))
async def catalogue(gateway: GatewayDep) -> Any:
    return await gateway.offers.relay("/internal/catalogue")


@router.get(
    "/offers/{code}",
    response_model=views.PublicOfferPage,
    responses=problem_responses(404, 410, 422, 429, 502, 503),
)
async def offer_page(code: Code, gateway: GatewayDep) -> dict[str, Any]:
    offer = await gateway.offers.get(f"/internal/offers/by-code/{code}")
    if offer["status"] != "active":
        raise Problem(410, "offer_unavailable", "This offer is no longer available.")
    partner = await gateway.directory.get(f"/internal/partners/{offer['partner_id']}/public")
    return {"offer": {k: v for k, v in offer.items() if k != "partner_id"}, "partner": partner}
