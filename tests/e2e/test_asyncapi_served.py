"""The gateway serves the system's Kafka contract: the committed docs/asyncapi.yaml as it is,
and its rendering as a page under the portal's Content-Security-Policy."""

from __future__ import annotations

import httpx
import yaml

from tools.asyncapi.render import DOCUMENT
from tools.procs import ServiceProcess

BUILD = "make tools/asyncapi/build/asyncapi.html"


async def test_the_document_is_served_as_committed(stack: dict[str, ServiceProcess]) -> None:
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=30) as client:
        answer = await client.get("/asyncapi.yaml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/yaml")
    assert answer.text == DOCUMENT.read_text()
    assert "script-src 'self'" in answer.headers["content-security-policy"]


async def test_the_rendered_page_shows_every_command_with_no_script(
    stack: dict[str, ServiceProcess],
) -> None:
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=30) as client:
        page = await client.get("/asyncapi")
        styles = await client.get("/asyncapi/styles.css")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "not built on this installation" not in page.text, f"run `{BUILD}`"
    assert "<script" not in page.text
    missing = [
        t
        for t in yaml.safe_load(DOCUMENT.read_text())["components"]["messages"]
        if t not in page.text
    ]
    assert missing == [], f"messages not on the page: {missing}"
    assert "ce_correlationid" in page.text
    assert styles.status_code == 200
    assert styles.headers["content-type"].startswith("text/css")


async def test_assets_outside_the_page_are_not_served(stack: dict[str, ServiceProcess]) -> None:
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=30) as client:
        answer = await client.get("/asyncapi/../tools/asyncapi/package.json")
        other = await client.get("/asyncapi/node_modules/react/package.json")
    assert answer.status_code == 404
    assert other.status_code == 404
