"""The web pages as served: routing next to the API, security headers, sign-in, errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import check_accessible, screenshot
from tools.seed import DEMO


async def test_page_routes_serve_the_portal_and_the_api_keeps_its_problems(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        for path in ("/", "/signin", "/partner", "/partner/customers/x", "/i/abc", "/o/abc"):
            page = await http.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-type"].startswith("text/html")
            assert "script-src 'self'" in page.headers["content-security-policy"]
        missing = await http.get("/api/no-such-thing")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert (
            (await http.get("/static/js/app.js"))
            .headers["content-type"]
            .startswith("text/javascript")
        )
        assert (await http.get("/health/live")).json() == {"status": "ok"}
        assert "/api/session" in (await http.get("/openapi.json")).json()["paths"]


async def test_sign_in_by_keyboard_with_errors_announced(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    page = await new_context()
    await page.goto("/partner/offers")  # not signed in: sent to sign in, then back
    await expect(page).to_have_url("/signin?next=%2Fpartner%2Foffers")
    await check_accessible(page, "sign in")
    await screenshot(page, "sign-in", phone=True)

    await page.get_by_label("E-mail").focus()
    await page.keyboard.type(DEMO.email)
    await page.keyboard.press("Tab")
    await page.keyboard.type("not the password")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).not_to_be_empty()
    await screenshot(page, "sign-in-error")

    await page.get_by_label("Password").fill(DEMO.password)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Purchase offers")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_a_dead_link_says_so_and_names_nobody(
    new_context: Callable[[], Awaitable[Page]],
) -> None:
    page = await new_context()
    await page.goto("/i/" + "x" * 32)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation is no longer available"
    )
    assert DEMO.name not in await page.content()
    await check_accessible(page, "dead link")
