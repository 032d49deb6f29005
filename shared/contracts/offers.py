"""Purchase-offer contracts (owned by the offers service).

A purchase offer is one or more lines, each a catalogue service with an exact number of
licences. Its URL carries an unguessable code, names the partner as partner of record, and may
be sent to any number of customers; each customer may buy it once.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Command, Event
from shared.contracts.common import DelegationRole, Seats, ServiceId, examples
from shared.contracts.links import RecordLinkOpened, RecordLinkSignUp

CONTEXT = "offers"

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_CUSTOMER_USER = "4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09"
_OFFER = "8b2d6f1e-4c7a-4e9b-a3d5-6c1f0e2b4a97"
_NEW_OFFER = "d4a9e2c7-1b5f-4a3e-9c8d-7e6f5a4b3c21"
_REDEMPTION = "e7c3a1b9-5d2f-4b8e-a6c4-3f1d9b7e5a02"
_CODE = "Vb4kR9sT2xQ7mN1pL6zH3cW8yJ5dF0gA"
_CREATED_AT = "2026-12-01T09:00:00Z"

_LINE_TERMS = [
    {"service_id": "o365-e3", "quantity": 40, "min_quantity": 25, "max_quantity": 60},
    {"service_id": "intune", "quantity": 40},
]
_LINES = [
    {"service_id": "o365-e3", "quantity": 40, "min_quantity": 25, "max_quantity": 60},
    {"service_id": "intune", "quantity": 40, "min_quantity": 1, "max_quantity": 5000},
]
_PURCHASED = [{"service_id": "o365-e3", "quantity": 50}, {"service_id": "intune", "quantity": 40}]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class OfferLineTerms(_Frozen):
    """One line as the partner writes it: a service, the exact licences, optional bounds."""

    service_id: ServiceId
    quantity: Seats = Field(description="The exact number of licences offered")
    min_quantity: Seats | None = Field(
        default=None,
        description="Fewest licences the customer may choose (only when quantities may "
        "change); default: the catalogue's minimum",
    )
    max_quantity: Seats | None = Field(
        default=None,
        description="Most licences the customer may choose (only when quantities may "
        "change); default: the catalogue's maximum",
    )


class OfferLine(_Frozen):
    """One line as the offer holds it, bounds resolved (both equal the quantity when the
    customer may not change it)."""

    service_id: ServiceId
    quantity: Seats = Field(description="The number of licences offered")
    min_quantity: Seats = Field(description="Fewest licences the customer may buy")
    max_quantity: Seats = Field(description="Most licences the customer may buy")


class LineQuantity(_Frozen):
    """A service and a number of licences."""

    service_id: ServiceId
    quantity: Seats


class CreatePurchaseOffer(Command):
    """A partner offers one or more services, each with an exact number of licences."""

    model_config = examples(
        {
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "created_by": _USER,
            "lines": _LINE_TERMS,
            "delegation_role": "limited",
            "expires_at": "2027-01-31T00:00:00Z",
            "customer_may_change_quantities": True,
        }
    )

    offer_id: UUID = Field(description="Chosen by the sender; makes retries idempotent")
    partner_id: UUID = Field(description="The partner that becomes partner of record")
    created_by: UUID = Field(description="The partner user creating it")
    lines: list[OfferLineTerms] = Field(
        min_length=1, max_length=50, description="One line per service (no service twice)"
    )
    delegation_role: DelegationRole | None = Field(
        default=None, description="Include a delegated-administration offer with this role"
    )
    expires_at: datetime | None = Field(default=None, description="No purchase after this")
    customer_may_change_quantities: bool = Field(
        default=False, description="The customer may choose quantities within each line's bounds"
    )


class ReissuePurchaseOffer(Command):
    """A new offer from an old one, with other lines or quantities. The delegation role and
    whether quantities may change are taken from the old offer; the link is kept."""

    model_config = examples(
        {
            "offer_id": _NEW_OFFER,
            "replaces_offer_id": _OFFER,
            "partner_id": _PARTNER,
            "created_by": _USER,
            "lines": [
                {"service_id": "o365-e3", "quantity": 30},
                {"service_id": "intune", "quantity": 30},
            ],
            "expires_at": None,
            "withdraw_replaced": True,
        }
    )

    offer_id: UUID = Field(description="Id of the new offer; chosen by the sender")
    replaces_offer_id: UUID = Field(description="The old offer (must be the partner's)")
    partner_id: UUID
    created_by: UUID
    lines: list[OfferLineTerms] = Field(min_length=1, max_length=50)
    expires_at: datetime | None = Field(default=None, description="Expiry of the new offer")
    withdraw_replaced: bool = Field(
        description="True: the old offer is withdrawn; False: it stays valid"
    )


class PurchaseOfferCreated(Event):
    """An offer exists; its URL may be sent to any number of customers."""

    model_config = examples(
        {
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "created_by": _USER,
            "code": _CODE,
            "url": f"http://127.0.0.1:8000/o/{_CODE}",
            "lines": _LINES,
            "delegation_role": "limited",
            "expires_at": "2027-01-31T00:00:00Z",
            "customer_may_change_quantities": True,
            "replaces_offer_id": None,
            "replaced_offer_withdrawn": False,
            "created_at": _CREATED_AT,
        }
    )

    offer_id: UUID
    partner_id: UUID
    created_by: UUID
    code: str = Field(description="Unguessable code (192 bits, URL-safe)")
    url: str = Field(description="The offer's URL naming the partner as partner of record")
    lines: list[OfferLine]
    delegation_role: DelegationRole | None
    expires_at: datetime | None
    customer_may_change_quantities: bool
    replaces_offer_id: UUID | None = Field(description="The offer this one was issued from")
    replaced_offer_withdrawn: bool = Field(
        description="True when issuing this offer withdrew the one it replaces"
    )
    created_at: datetime


class WithdrawPurchaseOffer(Command):
    """Stop an offer from being bought again. Earlier purchases stand."""

    model_config = examples({"offer_id": _OFFER, "partner_id": _PARTNER, "withdrawn_by": _USER})

    offer_id: UUID
    partner_id: UUID = Field(description="Must be the offer's partner")
    withdrawn_by: UUID


class PurchaseOfferWithdrawn(Event):
    """The offer can no longer be bought; earlier purchases stand."""

    model_config = examples(
        {
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "withdrawn_by": _USER,
            "withdrawn_at": "2026-12-02T09:00:00Z",
        }
    )

    offer_id: UUID
    partner_id: UUID
    withdrawn_by: UUID
    withdrawn_at: datetime


class PurchaseOffer(Command):
    """A signed-in customer user buys an offer for its company, choosing final quantities
    when the offer allows it (lines left out keep the offered quantity)."""

    model_config = examples(
        {
            "code": _CODE,
            "customer_id": _CUSTOMER,
            "redeemed_by": _CUSTOMER_USER,
            "quantities": [{"service_id": "o365-e3", "quantity": 50}],
        }
    )

    code: str = Field(min_length=16, max_length=128, description="The code from the URL")
    customer_id: UUID = Field(description="The customer company buying it")
    redeemed_by: UUID = Field(description="The customer user buying it")
    quantities: list[LineQuantity] = Field(
        default_factory=list, max_length=50, description="Chosen quantities, by service"
    )


class OfferRedeemed(Event):
    """A customer bought an offer: one paid subscription per line (converting a trial of the
    same service) and, if included, a pending delegation request follow."""

    model_config = examples(
        {
            "redemption_id": _REDEMPTION,
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "redeemed_by": _CUSTOMER_USER,
            "lines": _PURCHASED,
            "delegation_role": "limited",
            "redeemed_at": "2026-12-03T10:00:00Z",
        }
    )

    redemption_id: UUID = Field(description="Identifies this purchase (subscription source)")
    offer_id: UUID
    partner_id: UUID = Field(description="Partner of record of the subscriptions")
    customer_id: UUID
    redeemed_by: UUID
    lines: list[LineQuantity] = Field(description="Every line with its final quantity")
    delegation_role: DelegationRole | None = Field(
        description="Ask the customer for delegated administration with this role"
    )
    redeemed_at: datetime


class RecordOfferOpened(RecordLinkOpened):
    """The public page of an offer's link was loaded (a page load, counted without knowing
    who: no cookie, no address, nothing about the person)."""

    model_config = examples({"code": _CODE})


class OfferOpened(Event):
    """One more load of an offer's public page."""

    model_config = examples(
        {
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "opens": 12,
            "opened_at": "2026-11-24T09:00:00Z",
        }
    )

    offer_id: UUID
    partner_id: UUID
    opens: int = Field(description="Page loads of the link so far, this one included")
    opened_at: datetime


class RecordOfferSignUp(RecordLinkSignUp):
    """A customer company signed up from an offer's page (the gateway says so once the
    directory registered it)."""

    model_config = examples({"code": _CODE, "customer_id": _CUSTOMER})


class OfferSignUpRecorded(Event):
    """An account was created from an offer's link (once per customer)."""

    model_config = examples(
        {
            "offer_id": _OFFER,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "sign_ups": 3,
            "signed_up_at": "2026-11-24T09:05:00Z",
        }
    )

    offer_id: UUID
    partner_id: UUID
    customer_id: UUID
    sign_ups: int = Field(description="Accounts created from the link so far")
    signed_up_at: datetime
