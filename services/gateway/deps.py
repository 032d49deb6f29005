"""Request-scoped dependencies (Annotated aliases, as FastAPI's template does)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from services.gateway.adapters.fresh import FreshPerPartner
from services.gateway.adapters.idempotency import IdempotencyStore
from services.gateway.adapters.mailer import Mailer
from services.gateway.adapters.preferences import PreferenceStore
from services.gateway.adapters.ratelimit import RateLimiter
from services.gateway.adapters.services import ServiceClient
from services.gateway.adapters.sessions import SessionStore
from services.gateway.config import Settings
from services.gateway.live import LiveFeed
from shared.contracts.base import Command
from shared.messaging.client import CommandBus, CommandTimeout, Outcome
from shared.problems import Problem

VIEW_LAG_GRACE = 3.0  # seconds


@dataclass
class Gateway:
    settings: Settings
    bus: CommandBus
    invitations: ServiceClient
    offers: ServiceClient
    delegation: ServiceClient
    directory: ServiceClient
    sessions: SessionStore
    idempotency: IdempotencyStore
    limiters: dict[str, RateLimiter]
    live: LiveFeed
    mailer: Mailer
    overviews: FreshPerPartner[Any]
    preferences: PreferenceStore

    async def execute(
        self, command: Command, *, topic: str, lagging_views: frozenset[str] = frozenset()
    ) -> Outcome:
        """Send a command; return its event, or raise its rejection as a problem.

        ``lagging_views``: rejection codes that can mean "the owner's local view has not yet
        seen a fact another service just confirmed" (a customer who signed up a moment ago).
        Such a rejection changed nothing, so the command is sent again, for a short while.
        """
        deadline = time.monotonic() + VIEW_LAG_GRACE
        while True:
            try:
                outcome = await self.bus.send(
                    command, topic=topic, timeout=self.settings.command_timeout
                )
            except CommandTimeout as exc:
                raise Problem(
                    504,
                    "command_timeout",
                    "The command was sent but its outcome did not arrive in time.",
                ) from exc
            if not outcome.rejected:
                return outcome
            if outcome.data.get("code") in lagging_views and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                continue
            raise Problem.from_rejection(outcome.data)


async def _gateway(request: Request) -> Gateway:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool.
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(_gateway)]
