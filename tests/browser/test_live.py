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


async def test_an_open_row_stays_open_through_a_live_refresh_and_the_list_catches_up_after(
    new_context: Callable[[], Awaitable[Page]], web: str
) -> None:
    """A live refresh never redraws what the user is at work in: the invitations list waits
    while a row's panel is open, and shows what arrived meanwhile once it is closed."""
    expect.set_options(timeout=WAIT)
    page = await new_context()
    await sign_in(page, DEMO.email, DEMO.password)
    await page.get_by_role("link", name="Trial invitations").first.click()
    await expect(page.get_by_role("heading", name="Trial invitations")).to_be_visible()
    await page.evaluate(RECORD)
    rows = page.get_by_role("row").filter(
        has=page.get_by_role("button", name="Link and redemptions")
    )

    async def newest_code(*, keep_open: bool = False) -> str:
        """Opens the first row (newest first), reads its link's code and closes it again."""
        toggle = rows.first.get_by_role("button", name="Link and redemptions")
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-expanded", "true")
        url = rows.first.get_by_test_id("share-url")
        await expect(url).to_have_value(re.compile(r"/i/\S+$"))
        code = (await url.input_value()).rsplit("/", 1)[1]
        if not keep_open:
            await toggle.click()
            await expect(toggle).to_have_attribute("aria-expanded", "false")
        return code

    async def newest_is(code: str) -> bool:
        return await newest_code() == code

    async def created_seen(n: int) -> bool:
        return sum(1 for e in await seen(page) if e["name"] == "TrialInvitationCreated") >= n

    partner = Portal(web)
    try:
        assert (await partner.sign_in(DEMO.email, DEMO.password)).status_code == 200
        first = await create_invitation(partner)
        await eventually(lambda: created_seen(1))
        await eventually(lambda: newest_is(first["code"]))  # the list caught up with it
        assert await newest_code(keep_open=True) == first["code"]
        opened = await rows.first.element_handle()

        second = await create_invitation(partner)
        await eventually(lambda: created_seen(2))
        await asyncio.sleep(2)  # several refresh periods: none may redraw the open row
        assert await opened.evaluate("(row) => row.isConnected")
        await expect(rows.first.get_by_test_id("share-url")).to_have_value(
            re.compile(f"/i/{first['code']}$")
        )

        # Closed, the row is redrawn with the invitation that arrived meanwhile above it.
        await rows.first.get_by_role("button", name="Link and redemptions").click()
        await page.wait_for_function("(row) => !row.isConnected", arg=opened)
        assert await newest_code() == second["code"]
    finally:
        await partner.close()


ENGAGED = """() => import("/static/js/dom.js").then((dom) => {
  const form = dom.h("form", {},
    dom.field({ name: "seats", label: "Seats", type: "number", value: "10" }),
    dom.field({ name: "role", label: "Role", value: "full",
      options: [["", "None"], ["full", "Full"]] }),
    dom.field({ name: "note", label: "Note", type: "textarea", value: "drawn" }),
    dom.field({ name: "ok", label: "OK", type: "checkbox", value: true }),
    dom.disclosure("More", dom.h("div"), () => "more"));
  const region = dom.h("div", {}, form);
  document.body.append(region);
  const seen = {};
  const note = (name) => (seen[name] = dom.engaged(region));
  note("drawn");
  for (const [name, change] of [
    ["seats", (el) => (el.value = "11")],
    ["role", (el) => (el.value = "")],
    ["note", (el) => (el.value = "typed")],
    ["ok", (el) => (el.checked = false)],
  ]) {
    change(form.elements[name]);
    note(`${name} changed`);
    form.reset();
    note(`${name} reset`);
  }
  form.elements.seats.focus();
  note("focused");
  form.elements.seats.blur();
  form.querySelector("button").setAttribute("aria-expanded", "true");
  note("disclosure open");
  region.remove();
  return seen;
})"""


async def test_a_region_is_engaged_while_a_field_is_changed_or_focused_or_a_panel_open(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    """dom.engaged, which every live refresh asks first: the values a form was drawn with (and
    a reset back to them) leave it free; a changed value, a focused field or an open panel do
    not."""
    page = await new_context()
    await page.goto("/signin")
    seen = await page.evaluate(ENGAGED)
    changed = {f"{name} changed": True for name in ("seats", "role", "note", "ok")}
    reset = {f"{name} reset": False for name in ("seats", "role", "note", "ok")}
    assert seen == {"drawn": False, **changed, **reset, "focused": True, "disclosure open": True}
