"""Every line a process writes is JSON: the project's own lines and the stdlib loggers of
uvicorn, aiokafka and asyncio, tracebacks included, with the correlation id in effect."""

from __future__ import annotations

import io
import logging
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from shared.logging import configure_logging, correlation_id, get_logger
from tests.support.logs import logging_restored


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """Where the test's configure_logging writes; the global logging state put back after."""
    with logging_restored():
        yield io.StringIO()


def lines(sink: io.StringIO) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in sink.getvalue().splitlines() if line]


def test_uvicorn_and_aiokafka_lines_are_json_with_the_correlation_id(output: io.StringIO) -> None:
    configure_logging("gateway", "INFO", output)
    token = correlation_id.set("cid-42")
    try:
        logging.getLogger("aiokafka.consumer.group_coordinator").warning(
            "Heartbeat failed for group %s", "portal.x"
        )
        try:
            raise RuntimeError("handler exploded")
        except RuntimeError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    finally:
        correlation_id.reset(token)
    logging.getLogger("uvicorn.error").warning("no request in flight")
    kafka, failure, outside = lines(output)
    assert kafka["event"] == "Heartbeat failed for group portal.x"
    assert kafka["logger"] == "aiokafka.consumer.group_coordinator"
    assert kafka["level"] == "warning"
    assert kafka["correlation_id"] == "cid-42"
    assert kafka["service"] == "gateway"
    assert "timestamp" in kafka
    assert failure["logger"] == "uvicorn.error"
    assert failure["correlation_id"] == "cid-42"
    assert failure["exception"].startswith("Traceback (most recent call last)")
    assert "RuntimeError: handler exploded" in failure["exception"]
    assert "correlation_id" not in outside


def test_the_services_own_lines_and_uncaught_exceptions_too(output: io.StringIO) -> None:
    configure_logging("offers", "INFO", output)
    token = correlation_id.set("cid-7")
    try:
        get_logger("x").info("offer_created", offer="o-1")
        try:
            raise ValueError("no")
        except ValueError as exc:
            sys.excepthook(ValueError, exc, exc.__traceback__)
    finally:
        correlation_id.reset(token)
    own, uncaught = lines(output)
    assert own == {
        "event": "offer_created",
        "offer": "o-1",
        "service": "offers",
        "correlation_id": "cid-7",
        "level": "info",
        "timestamp": own["timestamp"],
    }
    assert uncaught["level"] == "critical"
    assert "ValueError: no" in uncaught["exception"]


def test_library_info_stays_out_and_warnings_are_captured(output: io.StringIO) -> None:
    configure_logging("gateway", "INFO", output)
    logging.getLogger("aiokafka").info("chatty rebalance step")
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    (warned,) = lines(output)
    assert warned["logger"] == "py.warnings"
    assert "deprecated thing" in warned["event"]
