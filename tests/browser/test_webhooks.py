"""A partner's Global admin registers a webhook endpoint on the Webhooks page (real stack,
real Chromium, a real receiver on loopback): the signing secret is shown once, with a copy
button, and verifies the delivery the endpoint then receives; after a reload no page shows
it again. Another partner user sees neither the navigation entry nor the page's tools."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import expect
from standardwebhooks import Webhook

from tests.browser.conftest import check_accessible
from tests.browser.test_journey import sign_in
from tests.e2e.test_acting_for_customers import NEW_PASSWORD, signed_in_user
from tests.e2e.test_security import register_partner
from tests.e2e.test_webhooks import until
from tests.support import secrets
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.webhook_receiver import receiving


async def test_a_global_admin_registers_an_endpoint_and_sees_the_secret_once(
    new_context: Any, bus: Bus
) -> None:
    email, password = await register_partner(bus, f"hooks{uuid.uuid4().hex[:4]}")
    page = await new_context()
    await sign_in(page, email, password)
    async with receiving() as recv:
        await page.get_by_role("link", name="Webhooks").first.click()
        await expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
        await expect(page.get_by_text("No endpoint yet")).to_be_visible()

        # No event chosen: the service's typed refusal, shown on the form; nothing made.
        await page.get_by_label("Endpoint URL").fill(recv.url)
        await page.get_by_role("button", name="Register endpoint").click()
        await expect(page.get_by_role("alert")).to_contain_text("Choose at least one event type")
        await expect(page.get_by_test_id("webhook-secret")).to_have_count(0)

        await page.get_by_label("Description").fill("Our PSA")
        await page.get_by_label("A trial invitation was created").check()
        await page.get_by_role("button", name="Register endpoint").click()
        shown = page.get_by_test_id("webhook-secret")
        await expect(shown).to_be_visible()
        secret = await shown.get_by_role("textbox").input_value()
        assert secret.startswith("whsec_")
        secrets.remember(secret)
        await expect(shown.get_by_role("button", name="Copy")).to_be_visible()
        await check_accessible(page, "webhooks")
        endpoint = page.get_by_test_id("webhook-endpoint")
        await expect(endpoint).to_contain_text(recv.url)
        await expect(endpoint).to_contain_text("Our PSA")

        # An event of the partner arrives, signed with that secret.
        await page.goto("/partner/invitations")
        await page.get_by_label("Service").select_option("o365-e3")
        await page.get_by_label("Seats").fill("5")
        await page.get_by_role("button", name="Create invitation").click()
        await expect(page.get_by_test_id("invitation-created")).to_be_visible()
        await until(lambda: recv.got)
        headers, body = recv.got[0]
        assert Webhook(secret).verify(body, headers)["type"].endswith("TrialInvitationCreated.v1")

        # Shown once: the page, reloaded, lists the endpoint but not the secret.
        await page.goto("/partner/webhooks")
        await expect(page.get_by_test_id("webhook-endpoint")).to_contain_text(recv.url)
        await expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
        assert secret not in await page.content()
        await page.get_by_role("button", name="Delivery log").click()
        log = page.get_by_test_id("delivery-log")
        await expect(log).to_contain_text("Delivered")
        await expect(log).to_contain_text("200")
        await expect(log.locator('[data-status="delivered"]')).to_have_count(1)
        await check_accessible(page, "webhook delivery log")


async def test_the_webhooks_page_is_for_global_admins_only(
    new_context: Any, bus: Bus, web: str
) -> None:
    email, password = await register_partner(bus, f"hooks{uuid.uuid4().hex[:4]}")
    admin = Portal(web)
    opened = [admin]
    try:
        assert (await admin.sign_in(email, password)).status_code == 200
        user_email = f"billing-{uuid.uuid4().hex[:8]}@partner.example"
        created = await admin.post(
            "/api/partner/users",
            json={
                "email": user_email,
                "display_name": "Bea Billing",
                "company_role": "billing_admin",
            },
        )
        assert created.status_code == 201, created.text

        async def one_more() -> Portal:
            client = Portal(web)
            opened.append(client)
            return client

        await signed_in_user(one_more, user_email, created.json()["temporary_password"])
    finally:
        for client in opened:
            await client.close()
    page = await new_context()
    await sign_in(page, user_email, NEW_PASSWORD)
    await expect(page.get_by_role("link", name="Users").first).to_be_visible()
    await expect(page.get_by_role("link", name="Webhooks")).to_have_count(0)
    await page.goto("/partner/webhooks")
    await expect(
        page.get_by_text("Only a Global admin of your company manages webhooks.")
    ).to_be_visible()
    await expect(page.get_by_test_id("webhook-form")).to_have_count(0)
