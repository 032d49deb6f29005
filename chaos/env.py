"""Where the run happens: its namespace and its own database on the project's PostgreSQL and
Kafka, and the local infrastructure scripts it stops and starts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import asyncpg

import chaos  # noqa: F401  (fixes the namespace first)
from shared.contracts.topics import NAMESPACE
from tools.procs import ROOT, free_port

BOOTSTRAP = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
ADMIN_DSN = os.environ.get(
    "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
)
DSN = ADMIN_DSN.rsplit("/", 1)[0] + f"/{NAMESPACE}"
PARTITIONS = 8
SCHEMAS = ("invitations", "offers", "delegation", "directory", "gateway", "notifications")
SMTP_PORT = free_port()  # the run's own mail sink (chaos.mail.Sink), for every start


async def create_database() -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{NAMESPACE}"')
    finally:
        await admin.close()


async def drop_database() -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAMESPACE}" WITH (FORCE)')
    finally:
        await admin.close()


def stack_env() -> dict[str, str]:
    return {
        "PORTAL_NAMESPACE": NAMESPACE,
        "PORTAL_DATABASE_URL": DSN,
        "PORTAL_KAFKA_BOOTSTRAP": BOOTSTRAP,
        "PORTAL_ENVIRONMENT": "test",
        "PORTAL_LOG_LEVEL": "INFO",
        "PORTAL_SECRET_KEY": "chaos-run-" + NAMESPACE * 4,
        "PORTAL_SMTP_HOST": "127.0.0.1",
        "PORTAL_SMTP_PORT": str(SMTP_PORT),
        # A delivery a killed sender was sending is taken over when its lease (4 x this)
        # runs out: short, so the run's drain sees it through.
        "PORTAL_SMTP_TIMEOUT": "5",
        "PORTAL_MAIL_RETRY_BASE_SECONDS": "1",
    }


def infra(script: str, action: str) -> None:
    """``bash infra/<script>.sh <action>``: the same scripts ``make infra-up`` runs (of the
    checkout whose broker and database are running: ``PORTAL_INFRA_DIR`` names another)."""
    folder = Path(os.environ.get("PORTAL_INFRA_DIR", ROOT / "infra"))
    subprocess.run(
        ["bash", str(folder / f"{script}.sh"), action],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
