"""The offers service's read contracts: the domain objects become the views the gateway
relays and the web pages read; the access policy's answers."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.offers import access, queries
from services.offers.domain.model import Offer, OfferLine
from shared.cursor import Page
from shared.problems import Problem
from shared.views import offers as views
from tests.unit.offers.builders import BASE_URL, NOW, PARTNER, PARTNER_USER, service


def offer(**over: object) -> Offer:
    fields: dict[str, object] = {
        "offer_id": uuid.uuid4(),
        "partner_id": PARTNER,
        "created_by": PARTNER_USER,
        "code": "o" * 32,
        "lines": (OfferLine("o365-e3", 10, 5, 20), OfferLine("gone-svc", 2, 2, 2)),
        "delegation_role": "limited",
        "expires_at": None,
        "customer_may_change_quantities": True,
        "created_at": NOW - timedelta(hours=1),
    }
    fields.update(over)
    return Offer(**fields)  # type: ignore[arg-type]


CATALOGUE = {"o365-e3": service("o365-e3")}

OFFER_FIELDS = {
    "offer_id", "partner_id", "created_by", "code", "url", "status", "lines",
    "delegation_role", "expires_at", "customer_may_change_quantities", "replaces_offer_id",
    "created_at", "redemptions", "withdrawn_at", "withdrawn_by",
}  # fmt: skip
LINE_FIELDS = {
    "service_id", "name", "description", "licence_unit", "on_sale", "quantity",
    "min_quantity", "max_quantity",
}  # fmt: skip


def test_an_offer_is_the_listed_view_with_its_url_lines_and_state() -> None:
    view = queries.offer_view(offer(), CATALOGUE, base_url=BASE_URL, now=NOW)
    dumped = view.model_dump(mode="json")
    assert set(dumped) == OFFER_FIELDS
    assert dumped["url"] == "https://portal.example/o/" + "o" * 32
    assert dumped["status"] == "active"
    assert [set(line) for line in dumped["lines"]] == [LINE_FIELDS, LINE_FIELDS]
    known, gone = dumped["lines"]
    assert (known["name"], known["on_sale"]) == ("O365-E3", True)
    # A service gone from the catalogue still shows, by its id and not on sale.
    assert (gone["name"], gone["on_sale"], gone["licence_unit"]) == ("gone-svc", False, "user")
    assert views.OfferPage is Page[views.Offer]


def test_states_as_of_now() -> None:
    expired = offer(expires_at=NOW)
    withdrawn = offer(withdrawn_at=NOW, withdrawn_by=PARTNER_USER)
    assert queries.offer_view(expired, {}, base_url=BASE_URL, now=NOW).status == "expired"
    assert queries.offer_view(withdrawn, {}, base_url=BASE_URL, now=NOW).status == "withdrawn"


def test_the_detail_and_a_purchase_record() -> None:
    bought = {
        "redemption_id": uuid.uuid4(),
        "offer_id": uuid.uuid4(),
        "customer_id": uuid.uuid4(),
        "redeemed_by": uuid.uuid4(),
        "lines": [{"service_id": "o365-e3", "quantity": 12}],
        "redeemed_at": NOW,
    }
    record = queries.purchase_view(bought)
    assert record.model_dump(mode="json")["lines"] == [{"service_id": "o365-e3", "quantity": 12}]
    base = queries.offer_view(offer(), CATALOGUE, base_url=BASE_URL, now=NOW)
    funnel = views.OfferFunnel(opens=3, sign_ups=1, purchases=1)
    detail = views.OfferDetail(
        **base.model_dump(), funnel=funnel, replaced_by=[], redemptions_list=[record]
    )
    assert set(detail.model_dump()) == OFFER_FIELDS | {"funnel", "replaced_by", "redemptions_list"}
    assert detail.model_dump()["funnel"] == {"opens": 3, "sign_ups": 1, "purchases": 1}


def test_a_catalogue_service_view() -> None:
    dumped = queries.service_view(service("intune")).model_dump()
    assert dumped["trial"] == {"days": 30, "max_seats": 25}
    assert set(dumped) == {
        "service_id", "name", "description", "licence_unit", "min_seats", "max_seats",
        "trial", "on_sale",
    }  # fmt: skip


def test_counts_keep_the_keys_the_overview_reads() -> None:
    counts = views.OfferCounts(active=1, expired=2, withdrawn=3)
    assert counts.model_dump() == {"active": 1, "expired": 2, "withdrawn": 3}


def test_the_public_offer_shows_no_partner_users_and_no_purchases() -> None:
    fields = set(views.PublicOffer.model_fields)
    assert fields == {
        "code", "status", "lines", "customer_may_change_quantities", "delegation_role",
        "expires_at",
    }  # fmt: skip
    assert set(views.PublicOfferLookup.model_fields) == fields | {"partner_id"}


def test_the_access_policy() -> None:
    access.require_visible(PARTNER, PARTNER)
    access.require_visible(PARTNER, None)
    with pytest.raises(Problem) as foreign:
        access.require_visible(PARTNER, uuid.uuid4())
    with pytest.raises(Problem) as missing:
        access.require_visible(None, PARTNER)
    assert (foreign.value.status, foreign.value.detail) == (404, missing.value.detail)
    for status in ("expired", "withdrawn"):
        with pytest.raises(Problem) as gone:
            access.require_public(status)
        assert (gone.value.status, gone.value.code) == (410, "offer_unavailable")
    access.require_public("active")
