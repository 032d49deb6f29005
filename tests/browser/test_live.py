"""Live updates in real Chromium: the partner's overview follows a customer's approval without
a reload, and after its stream is cut and opened again nothing that happened meanwhile is
missing; the customer's own pages update live too."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page, expect

from tests.browser.test_journey import sign_in, sign_up_from_link
from tests.e2e.test_trial_flow import create_invitation, redeem, requests
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.seed import DEMO

WAIT = 30_000
LIVE = "/static/js/live.js"  # the very module the page runs (one instance per page)
# Every live event the page's own live.js hands to its subscribers, recorded for the test.
RECORD = f"""() => import("{LIVE}").then((live) => {{
  window.seenLive = [];
  live.onLive((e) => window.seenLive.push({{ name: e.name, reset: !!e.reset,
    customer_id: (e.data && e.data.customer_id) || null }}));
}})"""
CHAIN = ["DelegationApproved", "DelegationRequested", "SubscriptionCreated"]
CHAIN += ["TrialInvitationRedeemed"]


async def seen(page: Page, customer_id: str | None = None) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = await page.evaluate("() => window.seenLive")
    return [e for e in events if customer_id is None or e["customer_id"] == customer_id]


async def count(page: Page, key: str) -> int:
    tile = page.get_by_test_id(f"count-{key}")
    await expect(tile).to_have_text(re.compile(r"\d"))
    return int(re.sub(r"\D", "", await tile.inner_text()))


async def approve_by_api(customer: Portal, code: str) -> None:
    assert (await redeem(customer, code)).status_code == 201
    pending = await eventually(lambda: requests(customer))
    path = f"/api/customer/delegation-requests/{pending[0]['request_id']}/approve"
    assert (await customer.post(path)).status_code == 200


async def join_and_approve(customer: Page, code: str) -> None:
    """A new customer, in its own browser: signs up from the link, redeems and approves."""
    tag = uuid.uuid4().hex[:6]
    await customer.goto(f"/i/{code}")
    await sign_up_from_link(customer, f"Livewire {tag}", f"livewire-{tag}")
    await customer.get_by_test_id("redeem").click()
    decision = customer.get_by_test_id("delegation-decision")
    await decision.get_by_role("button", name="Approve").click()
    await customer.get_by_role("dialog").get_by_role("button", name="Approve").click()
    await expect(decision).to_contain_text("Request approved")


async def test_the_overview_shows_an_approval_live_and_misses_nothing_across_a_cut(
    new_context: Callable[[], Awaitable[Page]], web: str
) -> None:
    expect.set_options(timeout=WAIT)
    partner = await new_context()
    await sign_in(partner, DEMO.email, DEMO.password)
    await expect(partner.get_by_role("heading", name="Partner overview")).to_be_visible()
    state = partner.get_by_test_id("live-state")
    await expect(state).to_have_text("Live")
    await partner.evaluate(RECORD)
    customers_before = await count(partner, "customers")
    api = Portal(web)  # the same partner, creating its invitation through the API
    second = Portal(web)
    try:
        assert (await api.sign_in(DEMO.email, DEMO.password)).status_code == 200
        invitation = await create_invitation(api)

        # A new customer, in its own browser, signs up, redeems and approves.
        await join_and_approve(await new_context(), invitation["code"])

        # The partner's overview, never reloaded, shows it.
        activity = partner.get_by_test_id("activity")
        await expect(activity).to_contain_text("A customer approved delegated administration")
        await expect(partner.get_by_test_id("count-customers")).to_have_text(
            str(customers_before + 1)
        )
        first = (await seen(partner))[-1]["customer_id"]
        assert first, "the approval names its customer"

        # The stream is cut; meanwhile a second customer redeems and approves.
        await partner.evaluate(
            f'() => import("{LIVE}").then((m) => m.stopLive({{ keepPosition: true }}))'
        )
        await expect(state).to_have_text("Not live")
        await second.sign_up()
        await approve_by_api(second, invitation["code"])
        await asyncio.sleep(1)
        assert await seen(partner, second.company_id) == [], "the page was really disconnected"

        # Connected again: everything of the second customer arrives, once each, no reset.
        await partner.evaluate(f'() => import("{LIVE}").then((m) => m.startLive())')
        await expect(state).to_have_text("Live")

        async def all_of_second() -> list[str]:
            names = sorted(e["name"] for e in await seen(partner, second.company_id))
            return names if set(names) >= set(CHAIN) else []

        assert await eventually(all_of_second) == sorted(CHAIN)
        assert [e for e in await seen(partner) if e["reset"]] == []
        await expect(partner.get_by_test_id("count-customers")).to_have_text(
            str(customers_before + 2)
        )
    finally:
        await api.close()
        await second.close()


async def test_the_customers_requests_page_follows_the_partner_live(
    new_context: Callable[[], Awaitable[Page]], web: str
) -> None:
    expect.set_options(timeout=WAIT)
    partner = Portal(web)
    try:
        assert (await partner.sign_in(DEMO.email, DEMO.password)).status_code == 200
        invitation = await create_invitation(partner)
        customer = await new_context()
        await join_and_approve(customer, invitation["code"])
        await customer.get_by_role("link", name="Service requests").first.click()
        await expect(customer.get_by_role("heading", name="Service requests")).to_be_visible()
        await customer.evaluate(RECORD)
        customer_id = await customer.evaluate("() => fetch('/api/session').then((r) => r.json())")
        base = f"/api/partner/customers/{customer_id['user']['company_id']}/service-requests"
        title = f"Sign-in loop {uuid.uuid4().hex[:4]}"

        async def opened() -> str | None:
            # The directory learns of the approval from the delegation service's event.
            body = {
                "title": title,
                "severity": "high",
                "description": "Users are asked to sign in again and again.",
                "contact_name": "Lia",
                "contact_email": "lia@livewire.example",
            }
            response = await partner.post(base, json=body)
            return None if response.status_code == 403 else str(response.json()["request_id"])

        request_id = await eventually(opened)
        section = customer.get_by_role("region", name=title)
        await expect(section).to_be_visible()  # never reloaded: the new request shows live
        moved = await partner.post(f"{base}/{request_id}/state", json={"state": "in_progress"})
        assert moved.status_code == 200, moved.text
        await expect(section).to_contain_text(re.compile("in progress", re.IGNORECASE))
        names = {e["name"] for e in await seen(customer)}
        assert {"ServiceRequestCreated", "ServiceRequestStateChanged"} <= names, names
    finally:
        await partner.close()
