"""Liveness and readiness of the gateway.

Ready means able to serve: the database pool answers and the command bus is started with its
outcome reader assigned the events partitions (otherwise a write would wait for an outcome it
can never see). Until then ``/health/ready`` answers 503 and says what is not ready, so a load
balancer or ``docker-compose`` sends no traffic to it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(include_in_schema=False)
DB_TIMEOUT = 2.0  # seconds


class Pool(Protocol):
    async def fetchval(self, query: str, *args: Any) -> Any: ...


class Bus(Protocol):
    @property
    def not_ready(self) -> str | None: ...


@dataclass(frozen=True)
class Readiness:
    pool: Pool
    bus: Bus

    async def problems(self) -> dict[str, str]:
        """What is not ready, by component; empty when ready."""
        found: dict[str, str] = {}
        try:
            if await asyncio.wait_for(self.pool.fetchval("SELECT 1"), DB_TIMEOUT) != 1:
                found["database"] = "unexpected answer"
        except Exception as exc:  # any failure of the pool is "not ready", said as such
            found["database"] = f"{type(exc).__name__}: {exc}"[:200]
        reason = self.bus.not_ready
        if reason:
            found["kafka"] = reason
        return found


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    readiness: Readiness | None = getattr(request.app.state, "readiness", None)
    found = {"gateway": "starting"} if readiness is None else await readiness.problems()
    if found:
        return JSONResponse({"status": "unavailable", "not_ready": found}, status_code=503)
    return JSONResponse({"status": "ok"})
