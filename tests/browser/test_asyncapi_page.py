"""``/asyncapi`` shows the Kafka contract in Chromium, offline and under the portal's CSP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from tests.browser.conftest import open_offline, screenshot


async def test_the_kafka_contract_renders_offline_under_the_csp(
    new_context: Callable[[], Awaitable[Page]], web: str
) -> None:
    page = await new_context()  # fails the test on any script error or CSP refusal
    hosts = await open_offline(page, "/asyncapi")
    await expect(page.get_by_text("Publishing a command.")).to_be_visible()
    # A command's example payload is on the page, styled by the package's stylesheet.
    await expect(page.get_by_text("q3Zt0u9V2bW7xYc1dE5fG8hJ4kL6mN0p").first).to_be_visible()
    rules = await page.evaluate(
        "() => [...document.styleSheets].filter(s => s.href?.endsWith('/asyncapi/styles.css'))"
        ".map(s => s.cssRules.length)"
    )
    assert len(rules) == 1, f"the AsyncAPI stylesheet did not load: {rules}"
    assert rules[0] > 100, f"the AsyncAPI stylesheet is nearly empty: {rules}"
    await screenshot(page, "asyncapi")
    assert hosts == {urlsplit(web).netloc}, f"/asyncapi fetched from elsewhere: {hosts}"
