"""The trial-invitation flow, end to end: gateway -> Kafka -> services -> PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from shared.contracts.invitations import TrialInvitationRedeemed
from shared.contracts.topics import INVITATIONS_EVENTS
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.procs import ServiceProcess
from tools.seed import DEMO

TRIAL_SERVICE = "o365-e3"


async def create_invitation(partner: Portal, **extra: Any) -> dict[str, Any]:
    body = {"service_id": TRIAL_SERVICE, "seats": 10, "delegation_role": "full", **extra}
    response = await partner.post("/api/partner/invitations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def subscriptions(customer: Portal) -> list[dict[str, Any]]:
    response = await customer.get("/api/customer/subscriptions")
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


async def requests(customer: Portal) -> list[dict[str, Any]]:
    response = await customer.get("/api/customer/delegation-requests")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def redeem(customer: Portal, code: str) -> httpx.Response:
    return await customer.post("/api/customer/redemptions", json={"code": code})


async def approve_request(customer: Portal) -> None:
    """The customer's admin approves the delegation request its redemption opened (once
    the delegation service has opened it)."""
    pending = await eventually(lambda: requests(customer))
    approve = f"/api/customer/delegation-requests/{pending[0]['request_id']}/approve"
    assert (await customer.post(approve)).status_code == 200


async def delegate(partner: Portal, customer: Portal, role: str = "full") -> None:
    """The customer redeems a new invitation of the partner's and approves the delegation it
    asks for. The directory learns of the approval a little later, from the event."""
    invitation = await create_invitation(partner, delegation_role=role)
    assert (await redeem(customer, invitation["code"])).status_code == 201
    await approve_request(customer)


async def test_invite_sign_up_redeem_and_approve(
    partner: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    invitation = await create_invitation(partner)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", invitation["code"])
    assert invitation["partner_id"] == partner.company_id

    visitor = await portal()
    page = await visitor.get(f"/api/public/invitations/{invitation['code']}")
    assert page.status_code == 200, page.text
    assert page.json()["partner"]["name"] == DEMO.name
    assert page.json()["service"]["name"] == "Office 365 E3"

    await visitor.sign_up()
    redeemed = await redeem(visitor, invitation["code"])
    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["partner_id"] == partner.company_id

    subs = await eventually(lambda: subscriptions(visitor))
    assert len(subs) == 1
    assert subs[0]["state"] == "trial"
    assert subs[0]["partner_of_record"] == partner.company_id
    assert subs[0]["seats"] == 10

    pending = await eventually(lambda: requests(visitor))
    assert [(r["state"], r["role"], r["partner_id"]) for r in pending] == [
        ("pending", "full", partner.company_id)
    ]
    assert pending[0]["partner_name"] == DEMO.name

    path = f"/api/customer/delegation-requests/{pending[0]['request_id']}"
    approved = await visitor.post(f"{path}/approve")
    assert approved.status_code == 200, approved.text
    again = await visitor.post(f"{path}/approve")
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"

    second = await redeem(visitor, invitation["code"])
    assert second.status_code == 409
    assert second.json()["code"] == "trial_already_redeemed"


async def test_redeeming_a_revoked_or_used_up_invitation_changes_nothing(
    partner: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    revoked = await create_invitation(partner)
    response = await partner.post(f"/api/partner/invitations/{revoked['invitation_id']}/revoke")
    assert response.status_code == 200, response.text
    capped = await create_invitation(partner, max_redemptions=1)
    first = await portal()
    await first.sign_up()
    assert (await redeem(first, capped["code"])).status_code == 201

    customer = await portal()
    await customer.sign_up()
    for code, expected in (
        (revoked["code"], "invitation_revoked"),
        (capped["code"], "invitation_exhausted"),
    ):
        response = await redeem(customer, code)
        assert response.status_code == 410, response.text
        assert response.json()["code"] == expected
        page = await customer.get(f"/api/public/invitations/{code}")
        assert page.status_code == 410
        assert DEMO.name not in page.text  # a dead link says nothing about the partner
    assert await subscriptions(customer) == []
    assert await requests(customer) == []


async def test_a_redeemed_event_delivered_twice_has_one_effect(
    partner: Portal, customer: Portal, bus: Bus, stack: dict[str, ServiceProcess]
) -> None:
    invitation = await create_invitation(partner)
    assert (await redeem(customer, invitation["code"])).status_code == 201
    await eventually(lambda: subscriptions(customer))
    await eventually(lambda: requests(customer))

    original = (
        await bus.wait_for(
            lambda s: s.type == TrialInvitationRedeemed.ce_type() and s.key == customer.company_id
        )
    )[0]
    before = {n: await _duplicates(stack[n]) for n in ("directory", "delegation")}
    # Deliver the very same event again (same ce_id), as a redelivery would.
    await bus.send_raw(
        INVITATIONS_EVENTS,
        original.value,
        key=customer.company_id.encode(),
        headers=[(k, v.encode()) for k, v in original.headers.items()],
    )
    for name in ("directory", "delegation"):
        await eventually(lambda n=name: _more(stack[n], before[n]))  # type: ignore[misc]
    assert len(await subscriptions(customer)) == 1
    assert len(await requests(customer)) == 1


async def _duplicates(service: ServiceProcess) -> float:
    """How many redelivered messages the service recognised and skipped."""
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"{service.url}/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("portal_messages_total{") and 'outcome="duplicate"' in line
    )


async def _more(service: ServiceProcess, than: float) -> bool:
    return await _duplicates(service) > than
