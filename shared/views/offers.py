"""The offers service's read answers (catalogue, offers, purchases) as the gateway relays
them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.cursor import Page
from shared.views import LinkFunnel, View

OfferStatus = Literal["active", "expired", "withdrawn"]


class Trial(View):
    days: int = Field(description="Length of a trial in days")
    max_seats: int = Field(description="Most seats a trial may hold")


class Service(View):
    """A service of the catalogue."""

    service_id: str = Field(description="The service")
    name: str = Field(description="Shown to partners and customers")
    description: str = Field(description="One or two sentences")
    licence_unit: str = Field(description="What one licence covers")
    min_seats: int = Field(description="Fewest licences per subscription")
    max_seats: int = Field(description="Most licences per subscription")
    trial: Trial | None = Field(description="Null: cannot be trialled")
    on_sale: bool = Field(description="False: cannot be put on new offers")


class Catalogue(View):
    items: list[Service] = Field(description="Every service")


class ServiceSummary(View):
    """The service an invitation trials, on its public page."""

    service_id: str = Field(description="The service")
    name: str = Field(description="Its name")
    description: str = Field(description="One or two sentences")


class OfferedLine(ServiceSummary):
    """One line of an offer, with its service's catalogue details."""

    licence_unit: str = Field(description="What one licence covers")
    on_sale: bool = Field(description="Still on sale")
    quantity: int = Field(description="The number of licences offered")
    min_quantity: int = Field(description="Fewest licences the customer may buy")
    max_quantity: int = Field(description="Most licences the customer may buy")


class Offer(View):
    """A purchase offer as its partner sees it."""

    offer_id: UUID = Field(description="The offer")
    partner_id: UUID = Field(description="The partner of record")
    created_by: UUID = Field(description="The partner user who built it")
    code: str = Field(description="The unguessable code of its URL")
    url: str = Field(description="The URL to send to the customer")
    status: OfferStatus = Field(description="As of now")
    lines: list[OfferedLine] = Field(description="What is offered")
    delegation_role: Literal["full", "limited"] | None = Field(
        description="Delegated administration asked for on purchase, if any"
    )
    expires_at: datetime | None = Field(description="No purchase after this")
    customer_may_change_quantities: bool = Field(description="Within each line's bounds")
    replaces_offer_id: UUID | None = Field(description="The offer this one was issued from")
    created_at: datetime = Field(description="When it was created")
    redemptions: int = Field(description="How many purchases")
    withdrawn_at: datetime | None = Field(description="When it was withdrawn")
    withdrawn_by: UUID | None = Field(description="Who withdrew it")


class PurchasedLine(View):
    service_id: str = Field(description="The service")
    quantity: int = Field(description="The final number of licences")


class PurchaseRecord(View):
    """An offer bought by a customer."""

    redemption_id: UUID = Field(description="The purchase")
    offer_id: UUID = Field(description="The offer bought")
    customer_id: UUID = Field(description="The customer")
    customer_name: str | None = Field(
        default=None,
        description="The customer's company name, from the directory's events (null if the "
        "customer registered before this service kept names)",
    )
    redeemed_by: UUID = Field(description="The customer user who bought it")
    lines: list[PurchasedLine] = Field(description="Every line with its final quantity")
    redeemed_at: datetime = Field(description="When")


class OfferFunnel(LinkFunnel):
    """What became of the link: loaded, signed up from, bought."""

    purchases: int = Field(description="Purchases of the offer")


class OfferDetail(Offer):
    """One offer with its funnel, what replaced it and its purchases."""

    funnel: OfferFunnel = Field(description="Opens, accounts created, purchases")
    replaced_by: list[UUID] = Field(description="Offers reissued from this one")
    redemptions_list: list[PurchaseRecord] = Field(description="Its purchases, oldest first")


# One page of a partner's offers, newest first (created_at, offer_id DESC).
OfferPage = Page[Offer]


class OfferCounts(View):
    """For the partner overview."""

    active: int = Field(description="Offers that can still be bought")
    expired: int = Field(description="Offers past their expiry")
    withdrawn: int = Field(description="Offers withdrawn by the partner")


class PublicOffer(View):
    """What a customer opening the offer's URL sees: no partner users, no purchases."""

    code: str = Field(description="The code of the URL")
    status: OfferStatus = Field(description="As of now")
    lines: list[OfferedLine] = Field(description="What is offered")
    customer_may_change_quantities: bool = Field(description="Within each line's bounds")
    delegation_role: Literal["full", "limited"] | None = Field(
        description="Delegated administration asked for, if any"
    )
    expires_at: datetime | None = Field(description="No purchase after this")


class PublicOfferLookup(PublicOffer):
    """The public view with the partner of record, for the gateway to name it."""

    partner_id: UUID = Field(description="Who offers it (not shown as such to the customer)")
