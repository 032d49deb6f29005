"""Purchase offers end to end: the customer changes a quantity at purchase, the trial
converts to paid, and the delegation included in the offer is requested."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_trial_flow import create_invitation, redeem, requests, subscriptions
from tests.support.portal import Portal
from tests.support.wait import eventually


async def create_offer(partner: Portal, **extra: Any) -> dict[str, Any]:
    body = {
        "lines": [
            {"service_id": "o365-e3", "quantity": 20, "min_quantity": 10, "max_quantity": 50},
            {"service_id": "intune", "quantity": 5},
        ],
        "delegation_role": "limited",
        "customer_may_change_quantities": True,
        **extra,
    }
    response = await partner.post("/api/partner/offers", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_buy_with_changed_quantity_converts_the_trial(
    partner: Portal, customer: Portal
) -> None:
    invitation = await create_invitation(partner, delegation_role=None)
    assert (await redeem(customer, invitation["code"])).status_code == 201
    trial = (await eventually(lambda: subscriptions(customer)))[0]
    assert trial["state"] == "trial"

    offer = await create_offer(partner)
    page = await customer.get(f"/api/public/offers/{offer['code']}")
    assert page.status_code == 200, page.text
    assert page.json()["partner"]["name"]
    assert [line["quantity"] for line in page.json()["offer"]["lines"]] == [20, 5]

    bought = await customer.post(
        "/api/customer/purchases",
        json={"code": offer["code"], "quantities": [{"service_id": "o365-e3", "quantity": 35}]},
    )
    assert bought.status_code == 201, bought.text
    assert {(line["service_id"], line["quantity"]) for line in bought.json()["lines"]} == {
        ("o365-e3", 35),
        ("intune", 5),
    }

    async def paid() -> list[dict[str, Any]]:
        subs = await subscriptions(customer)
        return subs if len(subs) == 2 and all(s["state"] == "active" for s in subs) else []

    subs = {s["service_id"]: s for s in await eventually(paid)}
    assert subs["o365-e3"]["subscription_id"] == trial["subscription_id"]  # converted, not new
    assert subs["o365-e3"]["seats"] == 35
    assert subs["intune"]["seats"] == 5
    assert {s["partner_of_record"] for s in subs.values()} == {partner.company_id}

    pending = await eventually(lambda: requests(customer))
    assert [(r["role"], r["source_kind"]) for r in pending] == [("limited", "offer")]

    again = await customer.post("/api/customer/purchases", json={"code": offer["code"]})
    assert again.status_code == 409
    assert again.json()["code"] == "offer_already_purchased"


async def test_bad_quantities_and_withdrawn_offers_are_refused(
    partner: Portal, customer: Portal
) -> None:
    offer = await create_offer(partner)
    too_many = await customer.post(
        "/api/customer/purchases",
        json={"code": offer["code"], "quantities": [{"service_id": "o365-e3", "quantity": 51}]},
    )
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "quantity_out_of_bounds"
    zero = await customer.post(
        "/api/customer/purchases",
        json={"code": offer["code"], "quantities": [{"service_id": "o365-e3", "quantity": 0}]},
    )
    assert zero.status_code == 422

    new = await partner.post(
        f"/api/partner/offers/{offer['offer_id']}/reissue",
        json={"lines": [{"service_id": "o365-e3", "quantity": 40}], "withdraw_replaced": True},
    )
    assert new.status_code == 201, new.text
    assert new.json()["replaces_offer_id"] == offer["offer_id"]
    old = await customer.post("/api/customer/purchases", json={"code": offer["code"]})
    assert old.status_code == 410
    assert old.json()["code"] == "offer_withdrawn"
    assert (await customer.get(f"/api/public/offers/{offer['code']}")).status_code == 410
    assert await subscriptions(customer) == []
