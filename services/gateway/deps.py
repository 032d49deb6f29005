"""Request-scoped dependencies (Annotated aliases, as FastAPI's template does)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Request
from starlette.responses import Response

from services.gateway.adapters.fresh import Fresh
from services.gateway.adapters.idempotency import IdempotencyStore
from services.gateway.adapters.preferences import PreferenceStore
from services.gateway.adapters.ratelimit import RateLimiter
from services.gateway.adapters.services import ServiceClient
from services.gateway.adapters.sessions import Principal, SessionStore
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
    notifications: ServiceClient
    sessions: SessionStore
    idempotency: IdempotencyStore
    limiters: dict[str, RateLimiter]
    live: LiveFeed
    fresh: Fresh[Any]
    preferences: PreferenceStore

    async def read(
        self, client: ServiceClient, path: str, *, ids: Iterable[UUID], **params: Any
    ) -> Response:
        """A view relayed from its owner as it is, and kept (``adapters/fresh.py``) until an
        event names one of ``ids``: the ids the answer depends on, the reader's own among them
        when the owner's answer depends on who asks."""
        key = (client.name, path, *((k, _hashable(v)) for k, v in sorted(params.items())))
        body = await self.fresh.get(key, ids, lambda: client.read(path, **params))
        return Response(body, media_type="application/json")

    async def customer_view(
        self, reader: Principal, customer_id: UUID, view: str, **params: Any
    ) -> Response:
        """The directory's ``/internal/customers/{customer_id}/<view>`` as ``reader`` may see
        it: the directory's access policy answers by the reader (another partner's customer,
        one out of reach, is a 404), so the answer is kept until an event names the customer,
        the reader's company or the reader."""
        return await self.read(
            self.directory,
            f"/internal/customers/{customer_id}/{view}",
            ids=(customer_id, reader.company_id, reader.user_id),
            actor_user_id=reader.user_id,
            **params,
        )

    async def partner_profile(self, partner_id: UUID) -> dict[str, Any] | None:
        """A partner's public profile (name and support details: what its customers see),
        kept until an event names the partner; None for no such partner."""
        profile: dict[str, Any] | None = await self.fresh.get(
            ("partner-public", partner_id),
            (partner_id,),
            lambda: self.directory.get_or_none(f"/internal/partners/{partner_id}/public"),
            keep=lambda found: found is not None,
        )
        return profile

    async def partner_named_by(self, partner_id: Any) -> dict[str, Any]:
        """``partner_profile`` of a partner another service's answer names: 404 if none."""
        profile = await self.partner_profile(UUID(str(partner_id)))
        if profile is None:
            raise Problem(404, "not_found", "No such resource.")
        return profile

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


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


async def _gateway(request: Request) -> Gateway:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool.
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(_gateway)]
PageCursor = Annotated[
    str | None, Query(max_length=512, description="`next_cursor` of the page before")
]
