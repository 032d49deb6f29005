"""The gateway's operations surface on the running stack: metrics only on the loopback
metrics port, real readiness, JSON logs with the correlation id, and the trusted-proxy
settings (a second gateway behind a "proxy" at 127.0.0.2, with a low public-page limit)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import stack_env
from tests.support.gateways import deployment_database, gateway_copy
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.procs import ServiceProcess

PROXY = "127.0.0.2"  # Linux answers the whole of 127/8: a second local peer address
LIMIT = 3


async def test_metrics_are_not_on_the_public_port_but_on_the_metrics_port(
    stack: dict[str, ServiceProcess], customer: Portal
) -> None:
    gateway = stack["gateway"]
    async with httpx.AsyncClient(timeout=10) as http:
        public = await http.get(f"{gateway.url}/metrics")
        assert public.status_code == 404
        assert "portal_" not in public.text
        await http.get(f"{gateway.url}/api/public/catalogue")
        metrics = await http.get(gateway.metrics_url)
    assert metrics.status_code == 200
    lines = metrics.text.splitlines()
    assert any(
        line.startswith("portal_gateway_request_duration_seconds_bucket{")
        and 'route="/api/public/catalogue"' in line
        and 'method="GET"' in line
        and 'status="2xx"' in line
        for line in lines
    ), "no request duration histogram by route template"
    # The customer fixture signed up: one RegisterCustomer command and its outcome.
    assert any(
        line.startswith("portal_command_round_trip_seconds_count{")
        and "RegisterCustomer" in line
        and 'outcome="accepted"' in line
        and float(line.rsplit(" ", 1)[1]) >= 1
        for line in lines
    ), "no command round-trip histogram"


async def test_ready_on_the_running_stack(stack: dict[str, ServiceProcess]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.get(f"{stack['gateway'].url}/health/ready")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


async def test_every_log_line_is_json_and_the_access_line_has_the_correlation_id(
    stack: dict[str, ServiceProcess], customer: Portal
) -> None:
    cid = "e2e-access-log-cid"
    answer = await customer.get("/api/session", headers={"X-Correlation-Id": cid})
    assert answer.status_code == 200

    async def access_lines() -> list[dict[str, object]]:
        # The line is written just after the answer was sent.
        return [
            line
            for line in read_json_lines(stack)["gateway"]
            if line["event"] == "http_request" and line.get("correlation_id") == cid
        ]

    access = await eventually(access_lines, timeout=5)
    assert len(access) == 1
    assert access[0]["route"] == "/api/session"
    assert access[0]["path"] == "/api/session"
    assert access[0]["status"] == 200
    assert access[0]["client"] == "127.0.0.1"
    assert isinstance(access[0]["duration_ms"], float)


def read_json_lines(stack: dict[str, ServiceProcess]) -> dict[str, list[dict[str, object]]]:
    """Every line of every service's log, each asserted to be a JSON object."""
    found: dict[str, list[dict[str, object]]] = {}
    for name, process in stack.items():
        found[name] = []
        text = process.log_path.read_text()
        complete = text[: text.rfind("\n") + 1]  # not a line still being written
        for number, line in enumerate(complete.splitlines(), 1):
            try:
                parsed = json.loads(line)
            except ValueError:
                pytest.fail(f"{name}.log line {number} is not JSON: {line[:200]}")
            assert isinstance(parsed, dict)
            assert "event" in parsed
            assert "level" in parsed
            found[name].append(parsed)
    return found


@pytest.fixture(scope="module")
async def proxied_gateway(stack: dict[str, ServiceProcess]) -> AsyncIterator[ServiceProcess]:
    settings = {
        "PORTAL_TRUSTED_PROXIES": f"{PROXY}/32",
        "PORTAL_PUBLIC_PAGES_PER_MINUTE": str(LIMIT),
    }
    async with (
        deployment_database("proxied") as dsn,
        gateway_copy(stack, stack_env(dsn), "proxied", settings) as process,
    ):
        yield process


@pytest.fixture
async def via_proxy(proxied_gateway: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.AsyncHTTPTransport(local_address=PROXY)
    async with httpx.AsyncClient(
        transport=transport, base_url=proxied_gateway.url, timeout=30
    ) as http:
        yield http


@pytest.fixture
async def direct(proxied_gateway: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=proxied_gateway.url, timeout=30) as http:
        yield http


async def statuses(http: httpx.AsyncClient, client: str, times: int) -> list[int]:
    headers = {"X-Forwarded-For": client}
    return [
        (await http.get("/api/public/catalogue", headers=headers)).status_code for _ in range(times)
    ]


async def test_through_the_proxy_each_client_keeps_its_own_rate_limit(
    via_proxy: httpx.AsyncClient,
) -> None:
    assert await statuses(via_proxy, "198.51.100.1", LIMIT + 1) == [200] * LIMIT + [429]
    # Another client behind the same proxy: its own bucket, not the proxy's.
    assert await statuses(via_proxy, "198.51.100.2", LIMIT) == [200] * LIMIT


async def test_from_an_untrusted_peer_forwarded_headers_change_nothing(
    direct: httpx.AsyncClient,
) -> None:
    # Every request counts against 127.0.0.1, whatever client it claims to be.
    assert await statuses(direct, "198.51.100.3", LIMIT) == [200] * LIMIT
    assert await statuses(direct, "198.51.100.4", 1) == [429]


HTTPS = {
    "Host": "portal.example",
    "Origin": "https://portal.example",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "198.51.100.9",
}


async def test_the_origin_check_passes_over_https_through_the_proxy_only(
    via_proxy: httpx.AsyncClient, direct: httpx.AsyncClient
) -> None:
    sign_in = {"email": "nobody-proxy@partner.example", "password": "Wrong-Password-1"}
    proxied = await via_proxy.post("/api/session", json=sign_in, headers=HTTPS)
    # Past the Origin check: the sign-in itself answers (an unknown account).
    assert proxied.status_code == 401, proxied.text
    refused = await direct.post("/api/session", json=sign_in, headers=HTTPS)
    assert refused.status_code == 403
    assert refused.json()["code"] == "cross_origin"
