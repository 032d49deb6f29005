"""The partner sends an invitation's link by e-mail from the invitations page and sees each
message's delivery there, updated live: the real stack and its SMTP server, real Chromium."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.async_api import Locator, Page, expect

from tests.browser.test_journey import sign_in
from tests.conftest import Mailbox
from tools.seed import DEMO


async def _invitation(partner: Page, *, seats: int) -> Locator:
    """The demo partner's admin signs in and makes a trial invitation; its "created" card."""
    await sign_in(partner, DEMO.email, DEMO.password)
    await partner.get_by_role("link", name="Trial invitations").first.click()
    await partner.get_by_label("Service").select_option("o365-e3")
    await partner.get_by_label("Seats").fill(str(seats))
    await partner.get_by_role("button", name="Create invitation").click()
    return partner.get_by_test_id("invitation-created")


async def test_the_invitation_page_lists_each_recipients_delivery(
    new_context: Any, mailbox: Mailbox
) -> None:
    tag = uuid.uuid4().hex[:6]
    ann, bob = f"ann-{tag}@contoso.example", f"bob-{tag}@contoso.example"
    mailbox.refuse(bob, 1)  # greylisted once: queued, then delivered

    partner = await new_context()
    created = await _invitation(partner, seats=5)
    await expect(created.get_by_test_id("deliveries")).to_contain_text(
        "No e-mail sent with this link yet."
    )
    await created.get_by_role("button", name="Send by e-mail").click()
    await created.get_by_label("Recipients").fill(f"{ann}, {bob}")
    await created.get_by_role("button", name="Send e-mail").click()

    deliveries = created.get_by_test_id("deliveries")
    for address, attempts in ((ann, "1 attempt"), (bob, "2 attempts")):
        item = deliveries.get_by_role("listitem").filter(has_text=address)
        await expect(item).to_have_attribute("data-status", "sent", timeout=20_000)
        await expect(item).to_contain_text("Delivered")
        await expect(item).to_contain_text(attempts)
    assert [str(m["To"]) for m in mailbox if tag in str(m["To"])].count(bob) == 1


async def test_an_invitations_row_opens_its_link_and_funnel_and_closes_them(
    new_context: Any,
) -> None:
    partner = await new_context()
    created = await _invitation(partner, seats=4)
    code = (await created.get_by_test_id("share-url").input_value()).rsplit("/", 1)[1]

    # The list is newest first: the first row is the invitation just made, never opened.
    toggle_name = "Link and redemptions"
    rows = partner.get_by_role("row").filter(has=partner.get_by_role("button", name=toggle_name))
    row = rows.first
    toggle = row.get_by_role("button", name=toggle_name)
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(row.get_by_test_id("share-url")).to_have_value(re.compile(f"/i/{code}$"))
    funnel = row.get_by_test_id("funnel")
    for count in ("opens", "sign-ups", "funnel-redemptions"):
        await expect(funnel.get_by_test_id(count)).to_have_text("0")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(row.get_by_test_id("funnel")).to_have_count(0)
