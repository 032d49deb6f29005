"""The running service's connection pool, as an HTTP route reaches it (``create_service_app``
keeps the service on the app's state)."""

from __future__ import annotations

import asyncpg
from fastapi import Request


def pool_of(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.service.pool
    return pool
