"""Subscriptions and licences through the gateway: the customer's admin and the partner of
record manage quantity, assignments and state; the bounds hold."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_offer_flow import create_offer
from tests.e2e.test_trial_flow import approve_request
from tests.support.portal import Portal
from tests.support.wait import eventually


async def licences(customer: Portal) -> list[dict[str, Any]]:
    response = await customer.get("/api/customer/licences")
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


async def test_quantity_assignments_and_state(partner: Portal, customer: Portal) -> None:
    offer = await create_offer(partner, delegation_role="full")
    bought = await customer.post(
        "/api/customer/purchases",
        json={"code": offer["code"], "quantities": [{"service_id": "o365-e3", "quantity": 10}]},
    )
    assert bought.status_code == 201, bought.text

    async def paid() -> dict[str, Any] | None:
        return next((s for s in await licences(customer) if s["service_id"] == "o365-e3"), None)

    subscription = await eventually(paid)
    assert subscription is not None
    sid = subscription["subscription_id"]
    base = f"/api/customer/subscriptions/{sid}"

    assigned = await customer.post(f"{base}/assign", json={"user_id": customer.user_id})
    assert assigned.status_code == 200, assigned.text
    again = await customer.post(f"{base}/assign", json={"user_id": customer.user_id})
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "licence_already_assigned"

    lowered = await customer.post(f"{base}/quantity", json={"quantity": 1})
    assert lowered.status_code == 200, lowered.text
    zero = await customer.post(f"{base}/quantity", json={"quantity": 0})
    assert zero.status_code == 422

    unassigned = await customer.post(f"{base}/unassign", json={"user_id": customer.user_id})
    assert unassigned.status_code == 200, unassigned.text
    assigned = await customer.post(f"{base}/assign", json={"user_id": customer.user_id})
    assert assigned.status_code == 200
    below = await customer.post(f"{base}/quantity", json={"quantity": 1})
    assert below.status_code in (409, 422), below.text  # unchanged quantity: a typed refusal

    # The partner acts for the customer only under an active delegation: approve it first.
    await approve_request(customer)
    acting = f"/api/partner/customers/{customer.company_id}/subscriptions/{sid}"

    async def suspended_once() -> int | None:
        # The directory learns of the approval from the delegation service's event.
        answer = await partner.post(f"{acting}/suspend", json={"reason": "unpaid invoice"})
        return None if answer.status_code == 403 else answer.status_code

    assert await eventually(suspended_once) == 200
    state = {s["subscription_id"]: s["state"] for s in await licences(customer)}
    assert state[sid] == "suspended"
    reactivated = await partner.post(f"{acting}/reactivate")
    assert reactivated.status_code == 200, reactivated.text
