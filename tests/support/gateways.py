"""More gateway processes beside the stack's, for the tests of what depends on a gateway's
settings (rate limits, trusted proxies) or on several instances. Each deployment of copies gets
a database of its own: a gateway's rate-limit counts live in its database, shared by the
instances of one deployment, and a test's limits must start at zero whatever the stack's own
gateway has counted."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from shared.contracts.topics import NAMESPACE
from tools.procs import ServiceProcess, free_port
from tools.stack import ADMIN_DSN, ARTIFACTS, on_server


@contextlib.asynccontextmanager
async def deployment_database(name: str) -> AsyncIterator[str]:
    """A database of the run's namespace for one deployment of gateways; its DSN."""
    database = f"{NAMESPACE}_{name}"
    await on_server(f'CREATE DATABASE "{database}"')
    try:
        yield ADMIN_DSN.rsplit("/", 1)[0] + f"/{database}"
    finally:
        await on_server(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def copy_log(instance: str) -> Path:
    """Where the gateway copy ``instance`` writes its log."""
    return ARTIFACTS / "logs" / NAMESPACE / f"gateway-{instance}.log"


@contextlib.asynccontextmanager
async def gateway_copy(
    stack: Mapping[str, ServiceProcess],
    service_env: Mapping[str, str],
    instance: str,
    settings: Mapping[str, str],
) -> AsyncIterator[ServiceProcess]:
    """One more gateway before the stack's services: ``service_env`` (the run's environment
    on the deployment's database) with ``settings`` on top; stopped on the way out."""
    urls = {f"PORTAL_{n.upper()}_URL": p.url for n, p in stack.items() if n != "gateway"}
    log = copy_log(instance)
    process = ServiceProcess(
        "gateway", free_port(), {**service_env, **urls, **settings}, log, instance=instance
    )
    process.start()
    try:
        await asyncio.to_thread(process.wait_ready)
        yield process
    finally:
        process.stop()
