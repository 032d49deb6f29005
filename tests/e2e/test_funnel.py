"""The funnel of an invitation's and an offer's link, end to end: page loads, an account
created from the page, a redemption or purchase naming the customer; another partner cannot
read any of it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.test_offer_flow import create_offer
from tests.e2e.test_security import register_partner
from tests.e2e.test_trial_flow import create_invitation
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually


@dataclass(frozen=True)
class Link:
    """What differs between an invitation's link and an offer's."""

    kind: str  # "invitation" or "offer": its routes, id and code are named after it
    create: Callable[[Portal], Awaitable[dict[str, Any]]]
    take: str  # the customer's route that redeems or buys with the code
    taken: str  # the funnel's last step: "redemptions" or "purchases"


INVITATION = Link("invitation", create_invitation, "/api/customer/redemptions", "redemptions")
OFFER = Link("offer", create_offer, "/api/customer/purchases", "purchases")


async def detail(partner: Portal, link: Link, link_id: str) -> dict[str, Any]:
    response = await partner.get(f"/api/partner/{link.kind}s/{link_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("link", [INVITATION, OFFER], ids=["invitation", "offer"])
async def test_opens_sign_ups_and_redemptions_or_purchases_of_a_link(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], bus: Bus, link: Link
) -> None:
    made = await link.create(partner)
    link_id, code = made[f"{link.kind}_id"], made["code"]
    fresh = await detail(partner, link, link_id)
    assert fresh["funnel"] == {"opens": 0, "sign_ups": 0, link.taken: 0}

    visitor = await portal()
    for _ in range(2):  # opened twice (a reload): page loads, so it counts twice
        page = await visitor.get(f"/api/public/{link.kind}s/{code}")
        assert page.status_code == 200, page.text
    company = await visitor.sign_up(**{f"{link.kind}_code": code})
    taken = await visitor.post(link.take, json={"code": code})
    assert taken.status_code == 201, taken.text

    async def counted() -> dict[str, Any] | None:
        found = await detail(partner, link, link_id)
        return found if found["funnel"]["opens"] >= 2 else None

    found = await eventually(counted)
    assert found is not None
    assert found["funnel"] == {"opens": 2, "sign_ups": 1, link.taken: 1}
    assert [(r["customer_id"], r["customer_name"]) for r in found["redemptions_list"]] == [
        (company["customer_id"], company["name"])
    ]

    # Another partner gets exactly what a random id gets.
    email, password = await register_partner(bus, f"funnel-{link.kind}")
    other = await portal()
    assert (await other.sign_in(email, password)).status_code == 200
    theirs = await other.get(f"/api/partner/{link.kind}s/{link_id}")
    random = await other.get(f"/api/partner/{link.kind}s/{uuid.uuid4()}")
    assert theirs.status_code == random.status_code == 404
    assert theirs.json()["code"] == random.json()["code"]
    assert "funnel" not in theirs.text


async def test_a_sign_up_naming_an_unknown_code_still_signs_up(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    visitor = await portal()
    company = await visitor.sign_up(invitation_code="u" * 32)
    assert company["customer_id"]
