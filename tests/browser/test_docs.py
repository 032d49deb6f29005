"""``/docs`` renders the API in Chromium, offline and under the portal's own CSP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from tests.browser.conftest import open_offline, screenshot


async def test_api_docs_render_offline_under_the_csp(
    new_context: Callable[[], Awaitable[Page]], web: str
) -> None:
    page = await new_context()  # fails the test on any script error or CSP refusal
    hosts = await open_offline(page, "/docs")
    await expect(page.locator(".information-container .title")).to_contain_text(
        "Partner Portal API"
    )
    company = page.locator(".opblock-summary-path", has_text="/api/partner/company").first
    await expect(company).to_be_visible()
    # An operation opens and shows its declared answer, not an empty schema.
    await company.click()
    await expect(page.locator(".responses-wrapper").first).to_contain_text("200")
    await screenshot(page, "api-docs")
    assert hosts == {urlsplit(web).netloc}, f"/docs fetched from elsewhere: {hosts}"
