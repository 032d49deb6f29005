"""The funnel of an invitation in real Chromium: a customer opens the public link in a
browser of its own, signs up from it and redeems; the partner's invitation page then counts
the opening, the account and the redemption, and names the customer in its redemptions."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from tests.browser.test_journey import sign_in, sign_up_from_link
from tools.seed import DEMO

WAIT = 30_000  # ms: the counts follow the events


async def test_the_invitation_page_counts_the_funnel_and_names_the_customer(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    expect.set_options(timeout=WAIT)
    tag = uuid.uuid4().hex[:6]
    customer_name = f"Tailspin {tag}"
    cap = random.randint(101, 999)  # finds this invitation's row among the partner's others

    partner = await new_context()
    await sign_in(partner, DEMO.email, DEMO.password)
    await partner.get_by_role("link", name="Trial invitations").first.click()
    await partner.get_by_label("Service").select_option("o365-e3")
    await partner.get_by_label("Seats").fill("5")
    await partner.get_by_label("Maximum redemptions (optional)").fill(str(cap))
    await partner.get_by_role("button", name="Create invitation").click()
    created = partner.get_by_test_id("invitation-created")
    path = urlsplit(await created.get_by_test_id("share-url").input_value()).path

    # Another browser, nobody signed in: it opens the link, signs up from it and redeems.
    customer = await new_context()
    await customer.goto(path)
    await expect(customer.get_by_test_id("offer-summary")).to_contain_text("5 seats")
    await sign_up_from_link(customer, customer_name, f"tailspin-{tag}")
    await customer.get_by_test_id("redeem").click()
    await expect(customer.get_by_test_id("redeemed")).to_be_visible()

    # The partner's invitation page: the counts, and the customer by name, not an id.
    row = partner.get_by_role("row").filter(has_text=f"1 of {cap}")

    for _ in range(30):  # the list shows the redemption once the invitations service counted it
        await partner.get_by_role("link", name="Trial invitations").first.click()
        try:
            await expect(row).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            continue
    await row.get_by_role("button", name="Link and redemptions").click()
    funnel = row.get_by_test_id("funnel")
    await expect(funnel.get_by_test_id("opens")).to_have_text(re.compile(r"^[1-9]\d*$"))
    await expect(funnel.get_by_test_id("sign-ups")).to_have_text("1")
    await expect(funnel.get_by_test_id("funnel-redemptions")).to_have_text("1")
    taken = row.get_by_role("listitem")
    await expect(taken).to_have_count(1)
    await expect(taken.get_by_role("link")).to_have_text(customer_name)
