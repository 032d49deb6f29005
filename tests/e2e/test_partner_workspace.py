"""The partner's workspace through the gateway: live updates, e-mail, overview counts,
company information, users, and finding customers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import orjson

from tests.e2e.test_trial_flow import create_invitation, redeem
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.seed import DEMO


async def test_the_partner_sees_redemptions_live(partner: Portal, customer: Portal) -> None:
    invitation = await create_invitation(partner)
    frames: list[dict[str, Any]] = []
    connected = asyncio.Event()

    async def listen() -> None:
        async with partner.http.stream("GET", "/api/partner/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            async for line in stream.aiter_lines():
                if line.startswith(": connected"):
                    connected.set()
                if line.startswith("data: "):
                    body = orjson.loads(line[6:])
                    if "type" in body:  # an event (not the ready/reset markers)
                        frames.append(body)

    listener = asyncio.create_task(listen())
    try:
        await asyncio.wait_for(connected.wait(), 10)
        assert (await redeem(customer, invitation["code"])).status_code == 201

        async def seen() -> set[str]:
            types = {
                f["type"].split(".")[-2]
                for f in frames
                if f["data"].get("customer_id") == customer.company_id
            }
            return (
                types
                if {"TrialInvitationRedeemed", "SubscriptionCreated", "DelegationRequested"}
                <= types
                else set()
            )

        await eventually(seen)
    finally:
        listener.cancel()


async def test_invitation_links_go_out_by_real_smtp(
    partner: Portal, mailbox: list[EmailMessage]
) -> None:
    invitation = await create_invitation(partner)
    to = [f"buyer-{uuid.uuid4().hex[:6]}@contoso.example", "cio@contoso.example"]
    sent = await partner.post(
        f"/api/partner/invitations/{invitation['invitation_id']}/send",
        json={"to": to, "message": "Try it for a month."},
    )
    assert sent.status_code == 202, sent.text
    assert sorted(d["recipient"] for d in sent.json()["deliveries"]) == sorted(to)

    async def delivered() -> list[EmailMessage]:
        return [m for m in mailbox if str(m["To"]) == to[0]]

    message = (await eventually(delivered))[0]
    # Each recipient gets a message of its own: no one sees the other's address.
    assert to[1] not in str(message)
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"/i/{invitation['code']}" in text
    assert "Try it for a month." in text
    assert DEMO.name in str(message["Subject"])
    assert str(message["Reply-To"]) == "support@fabrikam.example"


async def test_overview_counts_follow_the_work(partner: Portal) -> None:
    before = (await partner.get("/api/partner/overview")).json()
    await create_invitation(partner)
    after = (await partner.get("/api/partner/overview")).json()
    assert after["active_invitations"] == before["active_invitations"] + 1
    assert isinstance(after["open_offers"], int)
    assert isinstance(after["customers"], int)
    assert isinstance(after["open_service_requests"], int)
    assert isinstance(after["pending_delegations"], int)


async def test_a_new_user_changes_the_temporary_password_first(
    partner: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    email = f"sam-{uuid.uuid4().hex[:6]}@fabrikam.example"
    created = await partner.post(
        "/api/partner/users",
        json={"email": email, "display_name": "Sam Support", "supported_access": "limited"},
    )
    assert created.status_code == 201, created.text
    temporary = created.json()["temporary_password"]

    sam = await portal()
    assert (await sam.sign_in(email, temporary)).status_code == 200
    assert sam.user["must_change_password"] is True
    blocked = await sam.get("/api/partner/invitations")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    changed = await sam.post(
        "/api/session/password",
        json={"current_password": temporary, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200, changed.text
    assert (await sam.get("/api/partner/invitations")).status_code == 200

    # Sam has no admin role in the partner company: reading yes, changing no.
    company = (await sam.get("/api/partner/company")).json()
    edit = await sam.put("/api/partner/company", json={**_profile(company), "phone": "1"})
    assert edit.status_code == 403, edit.text


async def test_a_global_admin_edits_the_company_information(partner: Portal) -> None:
    company = (await partner.get("/api/partner/company")).json()
    phone = f"+1 425 555 {uuid.uuid4().int % 10000:04d}"
    edited = await partner.put("/api/partner/company", json={**_profile(company), "phone": phone})
    assert edited.status_code == 200, edited.text
    assert (await partner.get("/api/partner/company")).json()["phone"] == phone
    public = await partner.get(
        f"/api/public/invitations/{(await create_invitation(partner))['code']}"
    )
    assert public.json()["partner"]["phone"] == phone


async def test_partners_find_their_customers_and_only_theirs(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    stranger = await portal()
    await stranger.sign_up()  # a customer of nobody
    invitation = await create_invitation(partner)
    assert (await redeem(customer, invitation["code"])).status_code == 201
    domain = (await customer.get("/api/customer")).json()["domain"]

    async def found() -> list[dict[str, Any]]:
        page = await partner.get("/api/partner/customers", params={"q": domain.upper()[:12]})
        return [c for c in page.json()["items"] if c["customer_id"] == customer.company_id]

    assert await eventually(found)
    detail = await partner.get(f"/api/partner/customers/{customer.company_id}")
    assert detail.status_code == 200, detail.text
    outside = await partner.get(f"/api/partner/customers/{stranger.company_id}")
    assert outside.status_code == 404


def _profile(company: dict[str, Any]) -> dict[str, Any]:
    return {k: company.get(k) or "" for k in ("name", "phone", "address", "website")} | {
        "support_email": company.get("support_email")
    }


async def test_a_standalone_delegation_offer_goes_out_by_mail_and_is_decided_by_link(
    partner: Portal, customer: Portal, mailbox: list[EmailMessage]
) -> None:
    offered = await partner.post(
        "/api/partner/delegation-requests",
        json={"customer_id": customer.company_id, "role": "limited", "duration_days": 90},
    )
    assert offered.status_code == 201, offered.text
    request_id, url = offered.json()["request_id"], offered.json()["url"]
    to = f"admin-{uuid.uuid4().hex[:6]}@contoso.example"
    sent = await partner.post(
        f"/api/partner/delegation-requests/{request_id}/send", json={"to": [to]}
    )
    assert sent.status_code == 202, sent.text

    async def delivered() -> list[EmailMessage]:
        return [m for m in mailbox if str(m["To"]) == to]

    body = (await eventually(delivered))[0].get_body(("plain",))
    assert body is not None
    assert url in body.get_content()

    code = url.rsplit("/", 1)[1]
    seen = await customer.get(f"/api/customer/delegation-requests/by-code/{code}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["request"]["role"] == "limited"
    assert seen.json()["partner"]["name"] == DEMO.name
    approved = await customer.post(f"/api/customer/delegation-requests/{request_id}/approve")
    assert approved.status_code == 200, approved.text
