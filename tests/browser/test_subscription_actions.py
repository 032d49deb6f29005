"""Managing a subscription from the web pages, in real Chromium on the real stack: the
customer's Global admin on its own page, and a partner under Full administration on the
customer's page. Each step is checked on the page after the directory changed the state."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import check_accessible, screenshot
from tests.browser.test_journey import WAIT, _error_id, share_path, sign_in, sign_up_from_link
from tools.seed import DEMO


async def _offer(partner: Page, service_id: str, licences: int, *, delegation: str = "") -> str:
    """A purchase offer of one service; returns its link's path."""
    await partner.get_by_role("link", name="Purchase offers").first.click()
    await partner.get_by_label("Service").select_option(service_id)
    await partner.get_by_label("Licences").fill(str(licences))
    if delegation:
        await partner.get_by_label("Delegated administration").select_option(delegation)
    await partner.get_by_role("button", name="Create offer").click()
    return await share_path(partner, "offer-created")


async def _buy(customer: Page) -> None:
    await customer.get_by_role("button", name="Buy").click()
    await customer.get_by_role("dialog").get_by_role("button", name="Buy now").click()
    await expect(customer.get_by_test_id("purchased")).to_be_visible()


async def _reload_until(page: Page, state: Locator, text: str) -> None:
    """The subscription appears (or converts) eventually: reload until its state shows."""
    for _ in range(60):
        if await state.count() and (await state.inner_text()).strip() == text:
            break
        await page.reload()
        await page.locator("h1").wait_for()
    await expect(state).to_have_text(text)


def _seats(count: int) -> re.Pattern[str]:
    """The seats cell: "25" on the customer's page, "0 of 25 assigned" on the partner's."""
    return re.compile(rf"(^|\D){count}(\D|$)")


async def _manage(page: Page, service_id: str, *, name: str, before: int, after: int) -> None:
    """Through the row of one active subscription: a refused quantity (the server's detail
    shows next to the field), a new quantity, suspend, reactivate, cancel."""
    state = page.get_by_test_id(f"sub-state-{service_id}")
    seats = page.get_by_test_id(f"sub-seats-{service_id}")
    actions = page.get_by_test_id(f"sub-actions-{service_id}")
    buttons = actions.get_by_role("button")
    await expect(buttons).to_have_text(["Change quantity", "Suspend", "Cancel subscription"])

    await actions.get_by_role("button", name="Change quantity").click()
    quantity = actions.get_by_label(f"Licences of {name}")
    await expect(quantity).to_have_value(str(before))
    await actions.get_by_role("button", name="Save quantity").click()  # unchanged: refused
    error = page.locator("#" + await _error_id(page, f"Licences of {name}"))
    await expect(error).to_have_text(f"The subscription already has {before} licences.")
    await check_accessible(page, f"quantity form {service_id}")
    await screenshot(page, f"subscription-quantity-refused-{service_id}")
    await quantity.fill(str(after))
    await actions.get_by_role("button", name="Save quantity").click()
    await expect(seats).to_have_text(
        re.compile(rf"(^|\D){after}(\D|$)")
    )  # "25", "0 of 25 assigned"
    await expect(state).to_have_text("active")

    await actions.get_by_role("button", name="Suspend", exact=True).click()
    await actions.get_by_label("Reason (optional)").fill("Unpaid invoice")
    await actions.get_by_role("button", name="Suspend subscription").click()
    await page.get_by_role("dialog").get_by_role("button", name="Suspend").click()
    await expect(state).to_have_text("suspended")
    await expect(buttons).to_have_text(["Reactivate", "Cancel subscription"])

    await actions.get_by_role("button", name="Reactivate").click()
    await expect(state).to_have_text("active")
    await expect(buttons).to_have_text(["Change quantity", "Suspend", "Cancel subscription"])

    await actions.get_by_role("button", name="Cancel subscription").click()
    await actions.get_by_label("Reason (optional)").fill("Moving to another plan")
    await actions.get_by_role("button", name="Confirm cancellation").click()
    await page.get_by_role("dialog").get_by_role("button", name="Cancel for good").click()
    await expect(state).to_have_text("cancelled")
    await expect(actions).to_have_count(0)  # a cancelled subscription offers nothing
    await expect(seats).to_have_text(
        re.compile(rf"(^|\D){after}(\D|$)")
    )  # "25", "0 of 25 assigned"


async def test_the_customer_admin_manages_its_subscriptions(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    expect.set_options(timeout=WAIT)
    tag = uuid.uuid4().hex[:6]
    partner = await new_context()
    await sign_in(partner, DEMO.email, DEMO.password)
    await expect(partner.get_by_role("heading", name="Partner overview")).to_be_visible()
    await partner.get_by_role("link", name="Trial invitations").first.click()
    await partner.get_by_label("Service").select_option("teams-essentials")
    await partner.get_by_label("Seats").fill("5")
    await partner.get_by_role("button", name="Create invitation").click()
    invitation_path = await share_path(partner, "invitation-created")
    offer_path = await _offer(partner, "intune", 10)

    # A new customer takes a trial of one service and buys another.
    customer = await new_context()
    await customer.goto(invitation_path)
    await sign_up_from_link(customer, f"Contoso {tag}", f"contoso-{tag}")
    await customer.get_by_test_id("redeem").click()
    await expect(customer.get_by_test_id("redeemed")).to_be_visible()
    await customer.goto(offer_path)
    await _buy(customer)
    await customer.get_by_role("link", name="See your subscriptions").click()
    await _reload_until(customer, customer.get_by_test_id("sub-state-intune"), "active")
    await _reload_until(customer, customer.get_by_test_id("sub-state-teams-essentials"), "trial")

    # A trial's seats are set by its invitation and it is not active: only cancelling.
    trial = customer.get_by_test_id("sub-actions-teams-essentials")
    await expect(trial.get_by_role("button")).to_have_text(["Cancel subscription"])
    await check_accessible(customer, "customer subscriptions")
    await screenshot(customer, "customer-subscription-actions", phone=True)

    await _manage(customer, "intune", name="Microsoft Intune", before=10, after=12)
    await customer.reload()  # what the page showed is what the directory keeps
    await expect(customer.get_by_test_id("sub-state-intune")).to_have_text("cancelled")
    await expect(customer.get_by_test_id("sub-seats-intune")).to_have_text("12")
    await expect(customer.get_by_test_id("sub-state-teams-essentials")).to_have_text("trial")


async def test_a_partner_with_full_administration_manages_a_customer_subscription(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    expect.set_options(timeout=WAIT)
    tag = uuid.uuid4().hex[:6]
    customer_name = f"Contoso {tag}"
    partner = await new_context()
    await sign_in(partner, DEMO.email, DEMO.password)
    await expect(partner.get_by_role("heading", name="Partner overview")).to_be_visible()
    offer_path = await _offer(partner, "exchange-online-p1", 20, delegation="full")

    # The customer buys and approves Full administration.
    customer = await new_context()
    await customer.goto(offer_path)
    await sign_up_from_link(customer, customer_name, f"contoso-{tag}")
    await _buy(customer)
    decision = customer.get_by_test_id("delegation-decision")
    await decision.get_by_role("button", name="Approve").click()
    await customer.get_by_role("dialog").get_by_role("button", name="Approve").click()
    await expect(decision).to_contain_text("Request approved")

    await partner.get_by_role("link", name="Customers").first.click()
    await partner.get_by_role("link", name=customer_name).click()
    await expect(partner.get_by_test_id("delegation-badge")).to_have_text("Full administration")
    state = partner.get_by_test_id("sub-state-exchange-online-p1")
    await _reload_until(partner, state, "active")
    await expect(partner.get_by_test_id("delegation-badge")).to_have_text("Full administration")
    await check_accessible(partner, "customer detail with subscription actions")
    await screenshot(partner, "partner-subscription-actions", phone=True)

    await _manage(
        partner, "exchange-online-p1", name="Exchange Online (Plan 1)", before=20, after=25
    )

    # The customer's own page shows what the partner did.
    await customer.goto("/customer")
    await expect(customer.get_by_test_id("sub-state-exchange-online-p1")).to_have_text("cancelled")
    await expect(customer.get_by_test_id("sub-seats-exchange-online-p1")).to_have_text("25")
