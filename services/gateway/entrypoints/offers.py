"""Purchase offers: built by partner users, bought by customer admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.routes import Listing
from services.gateway.security import CustomerAdmin, CustomerUser, SupportingPartnerUser
from shared.contracts import offers
from shared.contracts.topics import OFFERS_COMMANDS
from shared.problems import problem_responses
from shared.views import offers as views

router = APIRouter(tags=["purchase offers"])


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: str = Field(min_length=2, max_length=63)
    quantity: int = Field(ge=1, le=1_000_000, description="The exact number of licences")
    min_quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    max_quantity: int | None = Field(default=None, ge=1, le=1_000_000)


class NewOffer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[Line] = Field(min_length=1, max_length=50)
    delegation_role: Literal["full", "limited"] | None = None
    expires_at: datetime | None = None
    customer_may_change_quantities: bool = False


class Reissue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[Line] = Field(min_length=1, max_length=50)
    expires_at: datetime | None = None
    withdraw_replaced: bool = Field(description="Withdraw the old offer, or keep it valid")


class Quantity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: str = Field(min_length=2, max_length=63)
    quantity: int = Field(ge=1, le=1_000_000)


class Purchase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=16, max_length=128)
    quantities: list[Quantity] = Field(
        default_factory=list, max_length=50, description="Lines left out keep the offered quantity"
    )


@router.post(
    "/api/partner/offers",
    status_code=201,
    response_model=offers.PurchaseOfferCreated,
    responses=problem_responses(401, 403, 409, 422, 503, 504),
)
async def create_offer(body: NewOffer, user: SupportingPartnerUser, gateway: GatewayDep) -> Any:
    command = offers.CreatePurchaseOffer(
        offer_id=uuid.uuid4(),
        partner_id=user.company_id,
        created_by=user.user_id,
        **body.model_dump(),
    )
    return (await gateway.execute(command, topic=OFFERS_COMMANDS)).data


async def _page(gateway: Gateway, user: Principal, limit: int, cursor: str | None) -> Any:
    return await gateway.offers.relay(
        "/internal/offers", partner_id=user.company_id, limit=limit, cursor=cursor
    )


Listing("/api/partner/offers", _page, views.OfferPage).offer(
    router, who=SupportingPartnerUser, name="list_offers"
)


@router.get(
    "/api/partner/offers/{offer_id}",
    response_model=views.OfferDetail,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def get_offer(offer_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep) -> Any:
    return await gateway.offers.relay(f"/internal/offers/{offer_id}", partner_id=user.company_id)


@router.post(
    "/api/partner/offers/{offer_id}/withdraw",
    response_model=offers.PurchaseOfferWithdrawn,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def withdraw_offer(
    offer_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    command = offers.WithdrawPurchaseOffer(
        offer_id=offer_id, partner_id=user.company_id, withdrawn_by=user.user_id
    )
    return (await gateway.execute(command, topic=OFFERS_COMMANDS)).data


@router.post(
    "/api/partner/offers/{offer_id}/reissue",
    status_code=201,
    response_model=offers.PurchaseOfferCreated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def reissue_offer(
    offer_id: uuid.UUID, body: Reissue, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    """A new offer from an old one, with other quantities; the link between them is kept."""
    command = offers.ReissuePurchaseOffer(
        offer_id=uuid.uuid4(),
        replaces_offer_id=offer_id,
        partner_id=user.company_id,
        created_by=user.user_id,
        **body.model_dump(),
    )
    return (await gateway.execute(command, topic=OFFERS_COMMANDS)).data


@router.post(
    "/api/customer/purchases",
    status_code=201,
    response_model=offers.OfferRedeemed,
    responses=problem_responses(401, 403, 404, 409, 410, 422, 503, 504),
)
async def buy(body: Purchase, user: CustomerAdmin, gateway: GatewayDep) -> Any:
    """Buy an offer for the signed-in admin's company, optionally changing quantities."""
    command = offers.PurchaseOffer(
        code=body.code,
        customer_id=user.company_id,
        redeemed_by=user.user_id,
        quantities=[offers.LineQuantity(**q.model_dump()) for q in body.quantities],
    )
    outcome = await gateway.execute(
        command, topic=OFFERS_COMMANDS, lagging_views=frozenset({"customer_not_found"})
    )
    return outcome.data


@router.get(
    "/api/customer/purchases",
    response_model=list[views.PurchaseRecord],
    responses=problem_responses(401, 403, 502, 503),
)
async def purchases(user: CustomerUser, gateway: GatewayDep) -> Any:
    return await gateway.offers.relay("/internal/redemptions", customer_id=user.company_id)
