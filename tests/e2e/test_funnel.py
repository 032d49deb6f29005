"""The funnel of an invitation's and an offer's link, end to end: page loads, an account
created from the page, a redemption or purchase naming the customer; another partner cannot
read any of it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tests.e2e.test_offer_flow import create_offer
from tests.e2e.test_security import register_partner
from tests.e2e.test_trial_flow import create_invitation, redeem
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually


async def detail(partner: Portal, invitation_id: str) -> dict[str, Any]:
    response = await partner.get(f"/api/partner/invitations/{invitation_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_opens_sign_ups_and_redemptions_of_an_invitation(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], bus: Bus
) -> None:
    invitation = await create_invitation(partner)
    fresh = await detail(partner, invitation["invitation_id"])
    assert fresh["funnel"] == {"opens": 0, "sign_ups": 0, "redemptions": 0}

    visitor = await portal()
    for _ in range(2):  # opened twice (a reload): page loads, so it counts twice
        page = await visitor.get(f"/api/public/invitations/{invitation['code']}")
        assert page.status_code == 200, page.text
    company = await visitor.sign_up(invitation_code=invitation["code"])
    redeemed = await redeem(visitor, invitation["code"])
    assert redeemed.status_code == 201, redeemed.text

    async def counted() -> dict[str, Any] | None:
        found = await detail(partner, invitation["invitation_id"])
        return found if found["funnel"]["opens"] >= 2 else None

    found = await eventually(counted)
    assert found is not None
    assert found["funnel"] == {"opens": 2, "sign_ups": 1, "redemptions": 1}
    assert [(r["customer_id"], r["customer_name"]) for r in found["redemptions_list"]] == [
        (company["customer_id"], company["name"])
    ]

    # Another partner gets exactly what a random id gets.
    email, password = await register_partner(bus, "funnel")
    other = await portal()
    assert (await other.sign_in(email, password)).status_code == 200
    theirs = await other.get(f"/api/partner/invitations/{invitation['invitation_id']}")
    random = await other.get(f"/api/partner/invitations/{uuid.uuid4()}")
    assert theirs.status_code == random.status_code == 404
    assert theirs.json()["code"] == random.json()["code"]
    assert "funnel" not in theirs.text


async def test_a_sign_up_naming_an_unknown_code_still_signs_up(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    visitor = await portal()
    company = await visitor.sign_up(invitation_code="u" * 32)
    assert company["customer_id"]


async def offer_detail(partner: Portal, offer_id: str) -> dict[str, Any]:
    response = await partner.get(f"/api/partner/offers/{offer_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_opens_sign_ups_and_purchases_of_an_offer(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], bus: Bus
) -> None:
    offer = await create_offer(partner)
    fresh = await offer_detail(partner, offer["offer_id"])
    assert fresh["funnel"] == {"opens": 0, "sign_ups": 0, "purchases": 0}

    visitor = await portal()
    for _ in range(2):
        page = await visitor.get(f"/api/public/offers/{offer['code']}")
        assert page.status_code == 200, page.text
    company = await visitor.sign_up(offer_code=offer["code"])
    bought = await visitor.post("/api/customer/purchases", json={"code": offer["code"]})
    assert bought.status_code == 201, bought.text

    async def counted() -> dict[str, Any] | None:
        found = await offer_detail(partner, offer["offer_id"])
        return found if found["funnel"]["opens"] >= 2 else None

    found = await eventually(counted)
    assert found is not None
    assert found["funnel"] == {"opens": 2, "sign_ups": 1, "purchases": 1}
    assert [(r["customer_id"], r["customer_name"]) for r in found["redemptions_list"]] == [
        (company["customer_id"], company["name"])
    ]

    email, password = await register_partner(bus, "funnel-offer")
    other = await portal()
    assert (await other.sign_in(email, password)).status_code == 200
    theirs = await other.get(f"/api/partner/offers/{offer['offer_id']}")
    random = await other.get(f"/api/partner/offers/{uuid.uuid4()}")
    assert theirs.status_code == random.status_code == 404
    assert theirs.json()["code"] == random.json()["code"]
