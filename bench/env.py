"""Where the run happens: its namespace, its own database on the project's PostgreSQL, the
project's Kafka."""

from __future__ import annotations

import os

import asyncpg

import bench  # noqa: F401  (fixes the namespace first)
from shared.contracts.topics import NAMESPACE

BOOTSTRAP = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
ADMIN_DSN = os.environ.get(
    "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
)
BENCH_DSN = ADMIN_DSN.rsplit("/", 1)[0] + f"/{NAMESPACE}"
PARTITIONS = 8


async def create_database() -> str:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{NAMESPACE}"')
    finally:
        await admin.close()
    return BENCH_DSN


async def drop_database() -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAMESPACE}" WITH (FORCE)')
    finally:
        await admin.close()


def stack_env() -> dict[str, str]:
    """What every service process of the run gets (and the bare baseline's processes too)."""
    return {
        "PORTAL_NAMESPACE": NAMESPACE,
        "PORTAL_DATABASE_URL": BENCH_DSN,
        "PORTAL_KAFKA_BOOTSTRAP": BOOTSTRAP,
        "PORTAL_ENVIRONMENT": "test",
        "PORTAL_LOG_LEVEL": "INFO",
    }
