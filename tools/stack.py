"""One run's stack on the project's Kafka and PostgreSQL, for the tests, the bench and chaos:
its namespace (topics ``<ns>.*``), its own database, the environment every service process
gets, its topics, and starting and stopping its services (``tools.procs``).

Topic names are read from the environment once, when ``shared.contracts.topics`` is first
imported: a run calls :func:`claim_namespace` before that, and this module imports nothing
that reads them until a topic is made."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from tools.procs import ROOT, ServiceProcess, available_services, free_port, start_stack

BOOTSTRAP = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
ADMIN_DSN = os.environ.get(
    "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
)
ARTIFACTS = ROOT / "test-artifacts"


def claim_namespace(prefix: str) -> str:
    """The run's namespace: ``PORTAL_NAMESPACE`` if set, else ``<prefix>`` and a random tail."""
    return os.environ.setdefault("PORTAL_NAMESPACE", f"{prefix}{uuid.uuid4().hex[:10]}")


@dataclass
class Stack:
    """What one run (``prefix``: t tests, b bench, c chaos) sets up and tears down.

    ``env`` is what this kind of run adds to every service's environment; with ``mail`` the
    services send to an SMTP server of the run's own on ``smtp_port`` (the caller starts it).
    """

    prefix: str
    partitions: int = 8
    env: Mapping[str, str] = field(default_factory=dict)
    mail: bool = False
    namespace: str = field(init=False)
    smtp_port: int = field(init=False, default_factory=free_port)

    def __post_init__(self) -> None:
        self.namespace = claim_namespace(self.prefix)

    @property
    def dsn(self) -> str:
        """The run's own database, next to the project's on the same server."""
        return ADMIN_DSN.rsplit("/", 1)[0] + f"/{self.namespace}"

    @property
    def log_dir(self) -> Path:
        return ARTIFACTS / "logs" / self.namespace

    def service_env(self, dsn: str | None = None) -> dict[str, str]:
        """What every service process of the run gets."""
        mail = {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(self.smtp_port)}
        return {
            "PORTAL_NAMESPACE": self.namespace,
            "PORTAL_DATABASE_URL": dsn or self.dsn,
            "PORTAL_KAFKA_BOOTSTRAP": BOOTSTRAP,
            "PORTAL_ENVIRONMENT": "test",
            "PORTAL_LOG_LEVEL": "INFO",
            **(mail if self.mail else {}),
            **self.env,
        }

    async def create_database(self) -> str:
        await on_server(f'CREATE DATABASE "{self.namespace}"')
        return self.dsn

    async def drop_database(self) -> None:
        await on_server(f'DROP DATABASE IF EXISTS "{self.namespace}" WITH (FORCE)')

    async def create_topics(self) -> list[str]:
        from shared.ops.topics import ensure_topics  # reads the namespace: not at import

        return await ensure_topics(BOOTSTRAP, partitions=self.partitions)

    async def delete_topics(self) -> None:
        from shared.ops.topics import delete_namespace

        await delete_namespace(BOOTSTRAP, self.namespace)

    def start(
        self, names: tuple[str, ...] | None = None, log_dir: Path | None = None
    ) -> dict[str, ServiceProcess]:
        """The services (every one there is, unless ``names``), started and ready."""
        return start_stack(
            self.service_env(), log_dir or self.log_dir, names or available_services()
        )

    @staticmethod
    def stop(procs: Mapping[str, ServiceProcess]) -> None:
        """Stops them, the gateway (started last) first."""
        for p in reversed(list(procs.values())):
            p.stop()


async def on_server(statement: str) -> None:
    """One statement on the project's database server (as its admin: CREATE/DROP DATABASE)."""
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()
