"""The trial-invitation flow, end to end: gateway -> Kafka -> services -> PostgreSQL."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from shared.contracts.invitations import TrialInvitationRedeemed
from shared.contracts.topics import INVITATIONS_EVENTS
from tests.support.bus import Bus
from tests.support.wait import eventually
from tools.procs import ServiceProcess
from tools.seed import DEMO

PARTNER = DEMO.partner_id
TRIAL_SERVICE = "o365-e3"


async def _create_invitation(api: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {
        "created_by": str(DEMO.admin_user_id),
        "service_id": TRIAL_SERVICE,
        "seats": 10,
        "delegation_role": "full",
        **extra,
    }
    response = await api.post(f"/api/partners/{PARTNER}/invitations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _sign_up(api: httpx.AsyncClient) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    response = await api.post(
        "/api/customers",
        json={
            "name": f"Contoso {tag}",
            "domain": f"contoso-{tag}.example",
            "contact_email": f"it@contoso-{tag}.example",
            "admin": {
                "email": f"admin@contoso-{tag}.example",
                "display_name": "Chris Admin",
                "password": "correct horse battery",
            },
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _subscriptions(api: httpx.AsyncClient, customer_id: str) -> list[dict[str, Any]]:
    response = await api.get(f"/api/customers/{customer_id}/subscriptions")
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


async def _requests(api: httpx.AsyncClient, customer_id: str) -> list[dict[str, Any]]:
    response = await api.get(f"/api/customers/{customer_id}/delegation-requests")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_invite_sign_up_redeem_and_approve(api: httpx.AsyncClient) -> None:
    invitation = await _create_invitation(api)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", invitation["code"])

    page = await api.get(f"/api/public/invitations/{invitation['code']}")
    assert page.status_code == 200, page.text
    assert page.json()["partner"]["name"] == DEMO.name
    assert page.json()["service"]["name"] == "Office 365 E3"

    customer = await _sign_up(api)
    customer_id, admin_id = customer["customer_id"], customer["admin_user_id"]
    redeemed = await api.post(
        f"/api/customers/{customer_id}/redemptions",
        json={"code": invitation["code"], "redeemed_by": admin_id},
    )
    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["partner_id"] == str(PARTNER)

    subscriptions = await eventually(lambda: _subscriptions(api, customer_id))
    assert len(subscriptions) == 1
    assert subscriptions[0]["state"] == "trial"
    assert subscriptions[0]["partner_of_record"] == str(PARTNER)
    assert subscriptions[0]["seats"] == 10

    requests = await eventually(lambda: _requests(api, customer_id))
    assert [(r["state"], r["role"], r["partner_id"]) for r in requests] == [
        ("pending", "full", str(PARTNER))
    ]

    approve = f"/api/customers/{customer_id}/delegation-requests/{requests[0]['request_id']}"
    approved = await api.post(f"{approve}/approve", json={"decided_by": admin_id})
    assert approved.status_code == 200, approved.text
    again = await api.post(f"{approve}/approve", json={"decided_by": admin_id})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"

    second = await api.post(
        f"/api/customers/{customer_id}/redemptions",
        json={"code": invitation["code"], "redeemed_by": admin_id},
    )
    assert second.status_code == 409
    assert second.json()["code"] == "trial_already_redeemed"


async def test_redeeming_a_revoked_expired_or_used_up_invitation_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    revoked = await _create_invitation(api)
    response = await api.post(
        f"/api/partners/{PARTNER}/invitations/{revoked['invitation_id']}/revoke",
        json={"revoked_by": str(DEMO.admin_user_id)},
    )
    assert response.status_code == 200, response.text
    capped = await _create_invitation(api, max_redemptions=1)
    first = await _sign_up(api)
    used = await api.post(
        f"/api/customers/{first['customer_id']}/redemptions",
        json={"code": capped["code"], "redeemed_by": first["admin_user_id"]},
    )
    assert used.status_code == 201

    customer = await _sign_up(api)
    for code, expected in (
        (revoked["code"], "invitation_revoked"),
        (capped["code"], "invitation_exhausted"),
    ):
        response = await api.post(
            f"/api/customers/{customer['customer_id']}/redemptions",
            json={"code": code, "redeemed_by": customer["admin_user_id"]},
        )
        assert response.status_code == 410, response.text
        assert response.json()["code"] == expected
        page = await api.get(f"/api/public/invitations/{code}")
        assert page.status_code == 410
        assert DEMO.name not in page.text  # a dead link says nothing about the partner
    assert await _subscriptions(api, customer["customer_id"]) == []
    assert await _requests(api, customer["customer_id"]) == []


async def test_a_redeemed_event_delivered_twice_has_one_effect(
    api: httpx.AsyncClient, bus: Bus, stack: dict[str, ServiceProcess]
) -> None:
    invitation = await _create_invitation(api)
    customer = await _sign_up(api)
    customer_id = customer["customer_id"]
    await api.post(
        f"/api/customers/{customer_id}/redemptions",
        json={"code": invitation["code"], "redeemed_by": customer["admin_user_id"]},
    )
    await eventually(lambda: _subscriptions(api, customer_id))
    await eventually(lambda: _requests(api, customer_id))

    original = (
        await bus.wait_for(
            lambda s: s.type == TrialInvitationRedeemed.ce_type() and s.key == customer_id
        )
    )[0]
    before = {n: await _duplicates(stack[n]) for n in ("directory", "delegation")}
    # Deliver the very same event again (same ce_id), as a redelivery would.
    await bus.send_raw(
        INVITATIONS_EVENTS,
        original.value,
        key=customer_id.encode(),
        headers=[(k, v.encode()) for k, v in original.headers.items()],
    )
    for name in ("directory", "delegation"):
        await eventually(lambda n=name: _more(stack[n], before[n]))  # type: ignore[misc]
    assert len(await _subscriptions(api, customer_id)) == 1
    assert len(await _requests(api, customer_id)) == 1


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
