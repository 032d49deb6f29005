"""The gateway's operations surface without I/O: readiness from fakes, the access log line,
the duration histogram by route template, and no /metrics on the public app."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from services.gateway import middleware
from services.gateway.config import Settings
from services.gateway.entrypoints.health import Readiness
from services.gateway.main import create_app
from services.gateway.middleware import Edge
from shared.logging import configure_logging, get_logger
from tests.support.logs import logging_restored


class FakePool:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    async def fetchval(self, query: str, *args: Any) -> Any:
        if self.error:
            raise self.error
        return 1


class FakeBus:
    def __init__(self, not_ready: str | None) -> None:
        self.not_ready = not_ready


def app_with(**settings: Any) -> FastAPI:
    return create_app(Settings(metrics_port=0, **settings))  # the lifespan does not run


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = app_with()
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield app, http


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    with logging_restored():
        sink = io.StringIO()
        configure_logging("gateway", "INFO", sink)
        # The module's logger caches the configuration of its first use (an earlier test's).
        monkeypatch.setattr(middleware, "access_log", get_logger("gateway.access"))
        yield sink


def access_lines(sink: io.StringIO) -> list[dict[str, Any]]:
    found = [orjson.loads(line) for line in sink.getvalue().splitlines() if line]
    return [line for line in found if line["event"] == "http_request"]


async def test_not_ready_before_the_bus_is_up_and_says_what(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, http = gateway
    starting = await http.get("/health/ready")
    assert starting.status_code == 503
    assert starting.json()["not_ready"] == {"gateway": "starting"}

    app.state.readiness = Readiness(pool=FakePool(), bus=FakeBus("not started"))
    answer = await http.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "not_ready": {"kafka": "not started"}}

    app.state.readiness = Readiness(
        pool=FakePool(ConnectionRefusedError("db down")), bus=FakeBus(None)
    )
    answer = await http.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["not_ready"] == {"database": "ConnectionRefusedError: db down"}

    app.state.readiness = Readiness(pool=FakePool(), bus=FakeBus(None))
    answer = await http.get("/health/ready")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    assert (await http.get("/health/live")).status_code == 200


async def test_no_metrics_on_the_public_app(gateway: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _, http = gateway
    assert (await http.get("/metrics")).status_code == 404


def duration_count(route: str, method: str = "GET", status: str = "2xx") -> float:
    value = REGISTRY.get_sample_value(
        "portal_gateway_request_duration_seconds_count",
        {"method": method, "route": route, "status": status},
    )
    return value or 0.0


async def test_one_access_line_per_request_and_the_histogram_by_template(
    gateway: tuple[FastAPI, httpx.AsyncClient], log: io.StringIO
) -> None:
    _, http = gateway
    before = duration_count("/i/{code}")
    unmatched = duration_count("unmatched", status="4xx")
    code = "SecretCapabilityCode123456"
    page = await http.get(f"/i/{code}?utm=x", headers={"X-Correlation-Id": "cid-access-1"})
    assert page.status_code == 200
    assert (await http.get("/no/such/page/123")).status_code == 404
    assert duration_count("/i/{code}") == before + 1
    assert duration_count("unmatched", status="4xx") == unmatched + 1
    first, second = access_lines(log)
    assert first["method"] == "GET"
    assert first["route"] == "/i/{code}"
    assert first["path"] == "/i/{code}"  # the code itself is a capability: never logged
    assert code not in log.getvalue()
    assert first["status"] == 200
    assert first["client"] == "192.0.2.10"
    assert first["correlation_id"] == "cid-access-1"
    assert first["service"] == "gateway"
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] >= 0
    assert (second["route"], second["path"], second["status"]) == (
        "unmatched",
        "/no/such/page/123",
        404,
    )
    assert second["correlation_id"] not in ("", "cid-access-1")  # each request its own


async def test_the_access_log_can_be_turned_off(log: io.StringIO) -> None:
    app = app_with(access_log=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        before = duration_count("/health/live")
        assert (await http.get("/health/live")).status_code == 200
    assert access_lines(log) == []
    assert duration_count("/health/live") == before + 1  # the metrics stay


async def test_a_failed_request_is_logged_as_500_and_the_servers_traceback_has_its_id(
    log: io.StringIO,
) -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("route exploded")

    async def server_runs_one_request() -> None:
        # What uvicorn does per request, in the request's own task: call the app, and log
        # the traceback when it raises.
        scope = {"type": "http", "method": "GET", "path": "/boom", "headers": [],
                 "client": ("192.0.2.1", 1)}  # fmt: skip

        async def nothing() -> dict[str, Any]:
            return {"type": "http.request"}

        async def ignore(message: Any) -> None:
            pass

        try:
            await Edge(broken)(scope, nothing, ignore)
        except RuntimeError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    await asyncio.create_task(server_runs_one_request())
    lines = [orjson.loads(line) for line in log.getvalue().splitlines()]
    access, traceback = lines
    assert (access["event"], access["status"], access["route"]) == (
        "http_request",
        500,
        "unmatched",
    )
    assert traceback["logger"] == "uvicorn.error"
    assert "RuntimeError: route exploded" in traceback["exception"]
    assert traceback["correlation_id"] == access["correlation_id"]
