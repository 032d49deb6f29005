"""Fixtures for every level. The test run gets its own namespace: topics ``<ns>.*`` and a
database of its own, on the project's real Kafka and PostgreSQL (``make test`` starts them);
``tools.stack`` sets them up as it does for the bench and chaos."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller

# Before any project import that reads topic names: the run's namespace is claimed here.
from tools.stack import ADMIN_DSN, ARTIFACTS, BOOTSTRAP, Stack

os.environ.setdefault("PORTAL_ENVIRONMENT", "test")
STACK = Stack(
    "t",
    partitions=4,
    mail=True,  # the mailbox fixture listens on STACK.smtp_port; the services send there
    env={
        # The suite signs in far more often than a person; the limits have their own test.
        "PORTAL_SIGN_IN_PER_MINUTE": "100000",
        "PORTAL_PUBLIC_PAGES_PER_MINUTE": "100000",
        # A refused message is tried again within the test's patience, not after 30 s.
        "PORTAL_MAIL_RETRY_BASE_SECONDS": "0.3",
        "PORTAL_MAIL_POLL_SECONDS": "0.2",
        # Webhooks likewise: retried after about 0.3 s, 0.6 s, ...; an endpoint failing 6
        # times in a row is disabled (and its owner e-mailed) at once.
        "PORTAL_WEBHOOK_RETRY_BASE_SECONDS": "0.3",
        "PORTAL_WEBHOOK_POLL_SECONDS": "0.2",
        "PORTAL_WEBHOOK_DISABLE_AFTER_FAILURES": "6",
        "PORTAL_WEBHOOK_DISABLE_AFTER_SECONDS": "0",
        # The trial sweep runs every 2 s, so a trial ending within a week is told in time.
        "PORTAL_TRIAL_SWEEP_SECONDS": "2",
    },
)

from shared.contracts.topics import NAMESPACE  # noqa: E402  (after the namespace is claimed)
from tests.support import secrets  # noqa: E402
from tests.support.bus import Bus  # noqa: E402
from tools.procs import ROOT, ServiceProcess  # noqa: E402

__all__ = ["ADMIN_DSN", "ARTIFACTS", "BOOTSTRAP", "NAMESPACE", "stack_env"]
TEST_DSN = STACK.dsn
stack_env = STACK.service_env


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The level of a test is the folder it lives in."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts and parts[0] in {"unit", "integration", "e2e", "browser", "cluster"}:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """After the whole run, with every service stopped: no password, temporary password,
    session or CSRF token that the tests handled is in any service's log."""
    yield
    log_dir = STACK.log_dir
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
    os.environ["PORTAL_DATABASE_URL"] = await STACK.create_database()
    yield TEST_DSN
    await STACK.drop_database()


@pytest.fixture(scope="session")
async def topics() -> AsyncIterator[list[str]]:
    yield await STACK.create_topics()
    await STACK.delete_topics()


@pytest.fixture(scope="session")
async def bus(topics: list[str]) -> AsyncIterator[Bus]:
    watcher = Bus(BOOTSTRAP)
    await watcher.start()
    yield watcher
    await watcher.stop()


@pytest.fixture(scope="session")
def stack(database: str, topics: list[str]) -> Iterator[dict[str, ServiceProcess]]:
    """Every service of the project as a real process on the real broker and database."""
    procs = STACK.start()
    yield procs
    STACK.stop(procs)


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

    controller = Controller(Handler(), hostname="127.0.0.1", port=STACK.smtp_port)
    controller.start()
    yield received
    controller.stop()
