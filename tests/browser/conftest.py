"""Browser tests: real Chromium (Debian's package) driven by Playwright, on the real stack.

Playwright's own browser download does not work here; the system's ``chromium`` is used.
Screenshots go to ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from tests.conftest import ARTIFACTS, BOOTSTRAP
from tools.procs import ServiceProcess
from tools.seed import seed

SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: run `make prereqs` (Debian's chromium package).")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
async def web(stack: dict[str, ServiceProcess]) -> str:
    """The gateway's address, with the demo partner and catalogue seeded."""
    await seed(BOOTSTRAP)
    return stack["gateway"].url


@pytest.fixture(scope="session")
async def api_paths(web: str) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation the running gateway offers."""
    async with httpx.AsyncClient() as http:
        schema: dict[str, Any] = (await http.get(f"{web}/openapi.json")).json()
    return {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}


@pytest.fixture
async def new_context(browser: Browser, web: str) -> AsyncIterator[Any]:
    """Opens a fresh browser context (its own cookies), as a second person would."""
    opened: list[BrowserContext] = []
    errors: list[str] = []

    async def open_context() -> Page:
        context = await browser.new_context(base_url=web, viewport=DESKTOP)
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web)
        opened.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The strict CSP must never have to refuse anything the pages ship.
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    yield open_context
    for context in opened:
        await context.close()
    assert errors == [], f"script errors in the page: {errors}"


async def open_offline(page: Page, path: str) -> set[str]:
    """Goes to ``path``, served under the portal's CSP (scripts from itself only); returns the
    hosts the page fetches from, filled in as it loads (the portal's own only, when offline)."""
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    response = await page.goto(path)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return hosts


async def screenshot(page: Page, name: str, *, phone: bool = False) -> Path:
    """Saves the whole page; with ``phone`` also at 375 px wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    if phone:
        await page.set_viewport_size(PHONE)
        await page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        await page.set_viewport_size(DESKTOP)
        assert not overflow, f"{name}: the page scrolls sideways at 375 px"
    return path


# Every visible control has a label (label/for, aria-label or aria-labelledby), every button
# and link has a name, the page has exactly one h1, ids are unique, and live regions exist.
A11Y_CHECK = """() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) problems.push('unlabelled ' + el.tagName + ' name=' + el.name);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!visible(el)) continue;
    if (!(el.textContent.trim() || el.getAttribute('aria-label')))
      problems.push('nameless ' + el.tagName);
  }
  const h1 = [...document.querySelectorAll('h1')].filter(visible);
  if (h1.length !== 1) problems.push(h1.length + ' h1 elements');
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) problems.push('duplicate ids ' + dupes.join(','));
  if (!document.querySelector('[aria-live]')) problems.push('no aria-live region');
  if (!document.documentElement.lang) problems.push('no lang');
  return problems;
}"""


async def check_accessible(page: Page, name: str) -> None:
    # A page renders after its data arrives: wait for its one heading, then look at it all.
    await expect(page.locator("h1")).to_have_count(1)
    problems = await page.evaluate(A11Y_CHECK)
    assert problems == [], f"{name}: {problems}"
