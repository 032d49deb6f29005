"""Fixtures for every level. The test run gets its own namespace: topics ``<ns>.*`` and a
database of its own, on the project's real Kafka and PostgreSQL (``make test`` starts them)."""

from __future__ import annotations

import os
import uuid

# Before any project import: topic names are read from the environment once.
os.environ.setdefault("PORTAL_NAMESPACE", f"t{uuid.uuid4().hex[:10]}")
os.environ.setdefault("PORTAL_ENVIRONMENT", "test")

from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from shared.contracts.topics import NAMESPACE
from shared.ops.topics import delete_namespace, ensure_topics
from tests.support import secrets
from tests.support.bus import Bus
from tools.procs import ROOT, ServiceProcess, available_services, free_port, start_stack

BOOTSTRAP = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
ADMIN_DSN = os.environ.get(
    "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
)
TEST_DSN = ADMIN_DSN.rsplit("/", 1)[0] + f"/{NAMESPACE}"
ARTIFACTS = ROOT / "test-artifacts"
SMTP_PORT = free_port()  # the mailbox fixture listens here; the gateway sends here


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The level of a test is the folder it lives in."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts and parts[0] in {"unit", "integration", "e2e", "browser"}:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """After the whole run, with every service stopped: no password, temporary password,
    session or CSRF token that the tests handled is in any service's log."""
    yield
    log_dir = ARTIFACTS / "logs" / NAMESPACE
    if log_dir.exists():  # a run of unit tests alone starts no service
        found = secrets.leaked(log_dir)
        assert not found, f"secrets in the logs of {log_dir}: {found}"
        logs = len(list(log_dir.glob("*.log")))
        (ARTIFACTS / f"secrets-{NAMESPACE}.txt").write_text(
            f"{len(secrets.SEEN)} secrets handled by the tests, none in {logs} service logs\n"
        )


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    """A fresh database for this run (dropped at the end); returns its DSN."""
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{NAMESPACE}"')
    await admin.close()
    os.environ["PORTAL_DATABASE_URL"] = TEST_DSN
    yield TEST_DSN
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{NAMESPACE}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
async def topics() -> AsyncIterator[list[str]]:
    yield await ensure_topics(BOOTSTRAP, partitions=4)
    await delete_namespace(BOOTSTRAP, NAMESPACE)


@pytest.fixture(scope="session")
async def bus(topics: list[str]) -> AsyncIterator[Bus]:
    watcher = Bus(BOOTSTRAP)
    await watcher.start()
    yield watcher
    await watcher.stop()


def stack_env(dsn: str) -> dict[str, str]:
    return {
        "PORTAL_NAMESPACE": NAMESPACE,
        "PORTAL_DATABASE_URL": dsn,
        "PORTAL_KAFKA_BOOTSTRAP": BOOTSTRAP,
        "PORTAL_ENVIRONMENT": "test",
        "PORTAL_LOG_LEVEL": "INFO",
        # The suite signs in far more often than a person; the limits have their own test.
        "PORTAL_SIGN_IN_PER_MINUTE": "100000",
        "PORTAL_PUBLIC_PAGES_PER_MINUTE": "100000",
        "PORTAL_SMTP_PORT": str(SMTP_PORT),
        # A refused message is tried again within the test's patience, not after 30 s.
        "PORTAL_MAIL_RETRY_BASE_SECONDS": "0.3",
        "PORTAL_MAIL_POLL_SECONDS": "0.2",
        # Webhooks likewise: retried after about 0.3 s, 0.6 s, ...; an endpoint failing 6
        # times in a row is disabled (and its owner e-mailed) at once.
        "PORTAL_WEBHOOK_RETRY_BASE_SECONDS": "0.3",
        "PORTAL_WEBHOOK_POLL_SECONDS": "0.2",
        "PORTAL_WEBHOOK_DISABLE_AFTER_FAILURES": "6",
        "PORTAL_WEBHOOK_DISABLE_AFTER_SECONDS": "0",
    }


@pytest.fixture(scope="session")
def stack(database: str, topics: list[str]) -> Iterator[dict[str, ServiceProcess]]:
    """Every service of the project as a real process on the real broker and database."""
    procs = start_stack(stack_env(database), ARTIFACTS / "logs" / NAMESPACE, available_services())
    yield procs
    for p in reversed(list(procs.values())):
        p.stop()


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    p = await asyncpg.create_pool(database, min_size=1, max_size=4)
    assert p is not None
    yield p
    await p.close()


class Mailbox(list[EmailMessage]):
    """The messages a real SMTP server received, the SMTP envelope's recipients of each (by
    Message-ID), and, on demand, temporary refusals of a recipient's first attempts."""

    def __init__(self) -> None:
        super().__init__()
        self.envelope_to: dict[str, list[str]] = {}
        self.refusals: dict[str, int] = {}  # address -> RCPT attempts still to refuse
        self.refused: dict[str, int] = {}  # address -> RCPT attempts refused so far

    def refuse(self, address: str, times: int) -> None:
        """Answer ``451`` to the next ``times`` RCPT TO of ``address``."""
        self.refusals[address.lower()] = times


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback; the messages it received."""
    received = Mailbox()

    class Handler:
        async def handle_RCPT(  # noqa: N802
            self, server: object, session: object, envelope: Any, address: str, options: Any
        ) -> str:
            if received.refusals.get(address.lower(), 0) > 0:
                received.refusals[address.lower()] -= 1
                received.refused[address.lower()] = received.refused.get(address.lower(), 0) + 1
                return "451 4.7.1 Greylisted, try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
            message = message_from_bytes(envelope.content, policy=default)
            received.envelope_to[str(message["Message-ID"])] = list(envelope.rcpt_tos)
            received.append(message)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield received
    controller.stop()
