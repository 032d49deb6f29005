"""Purchase offers: built by partner users, bought by customer admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.deps import GatewayDep
from services.gateway.routes import Relay, Send, partner_links, redemption
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


Send(
    "POST",
    "/api/partner/offers",
    offers.CreatePurchaseOffer,
    OFFERS_COMMANDS,
    offers.PurchaseOfferCreated,
    (401, 403, 409, 422, 503, 504),
    body=NewOffer,
    by="created_by",
    company="partner_id",
    new="offer_id",
    status_code=201,
).offer(router, who=SupportingPartnerUser, name="create_offer")


partner_links(
    router, "/api/partner/offers", "offers", views.OfferPage, views.OfferDetail, key="offer_id"
)
Send(
    "POST",
    "/api/partner/offers/{offer_id}/withdraw",
    offers.WithdrawPurchaseOffer,
    OFFERS_COMMANDS,
    offers.PurchaseOfferWithdrawn,
    by="withdrawn_by",
    company="partner_id",
).offer(router, who=SupportingPartnerUser, name="withdraw_offer")


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


redemption(
    "/api/customer/purchases", offers.PurchaseOffer, OFFERS_COMMANDS, offers.OfferRedeemed, Purchase
).offer(
    router,
    who=CustomerAdmin,
    name="buy",
    doc="Buy an offer for the signed-in admin's company, optionally changing quantities.",
)
Relay(
    "/api/customer/purchases",
    "offers",
    "/internal/redemptions",
    list[views.PurchaseRecord],
    query={"customer_id": "company_id"},
).offer(router, who=CustomerUser, name="purchases")
