"""Service requests through the gateway: the partner opens one for its customer, both sides
write notes, the state machine holds."""

from __future__ import annotations

from tests.e2e.test_trial_flow import delegate
from tests.support.portal import Portal
from tests.support.wait import eventually


async def open_service_request(partner: Portal, customer: Portal) -> str:
    """The customer redeems the partner's invitation and approves its delegation; then the
    partner opens a request for it. The request's id."""
    # Acting for a customer needs an active delegation: the customer's admin approves.
    await delegate(partner, customer)
    base = f"/api/partner/customers/{customer.company_id}/service-requests"

    async def open_request() -> int:
        response = await partner.post(
            base,
            json={
                "title": "Mail flow delayed",
                "severity": "high",
                "description": "Messages to external domains take 30 minutes.",
                "contact_name": "Chris",
                "contact_email": "chris@contoso.example",
            },
        )
        return response.status_code

    # The directory learns of the approval from the delegation service's event.
    assert await eventually(lambda: _created(open_request)) == 201
    listed = (await customer.get("/api/customer/service-requests")).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [(r["title"], r["severity"], r["state"]) for r in items] == [
        ("Mail flow delayed", "high", "open")
    ]
    return str(items[0]["request_id"])


async def test_open_follow_and_close_a_service_request(partner: Portal, customer: Portal) -> None:
    request_id = await open_service_request(partner, customer)
    base = f"/api/partner/customers/{customer.company_id}/service-requests"

    note = await customer.post(
        f"/api/customer/service-requests/{request_id}/notes",
        json={"body": "Still happening this morning."},
    )
    assert note.status_code == 200, note.text
    for state in ("in_progress", "resolved", "closed"):
        moved = await partner.post(f"{base}/{request_id}/state", json={"state": state})
        assert moved.status_code == 200, moved.text
    wrong = await partner.post(f"{base}/{request_id}/state", json={"state": "in_progress"})
    assert wrong.status_code in (409, 422), wrong.text

    detail = (await customer.get(f"/api/customer/service-requests/{request_id}")).json()
    assert detail["state"] == "closed"
    assert [n["body"] for n in detail["notes"]] == ["Still happening this morning."]

    high = (await customer.get("/api/customer/service-requests", params={"severity": "low"})).json()
    assert (high["items"] if isinstance(high, dict) else high) == []


async def _created(attempt: object) -> int | None:
    status = await attempt()  # type: ignore[operator]
    return int(status) if status == 201 else None
