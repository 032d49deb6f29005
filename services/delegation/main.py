"""Composition root of the delegation service."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI

from services.delegation.config import Settings
from services.delegation.entrypoints import http, kafka
from services.delegation.entrypoints.sweeper import Sweeper
from shared.contracts import delegation
from shared.contracts.topics import (
    DELEGATION_COMMANDS,
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "delegation"


def spec(settings: Settings, sweeper: Sweeper | None = None) -> ServiceSpec:
    policy = settings.policy()
    return ServiceSpec(
        name=NAME,
        description="Delegated administration: requests, decisions and relationships.",
        events_topic=DELEGATION_EVENTS,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[
            Subscription(
                "commands",
                [DELEGATION_COMMANDS],
                kafka.command_routes(policy=policy, base_url=settings.public_base_url),
                "Commands to the delegation service.",
            ),
            Subscription(
                "events",
                [INVITATIONS_EVENTS, OFFERS_EVENTS, DIRECTORY_EVENTS],
                kafka.event_routes(policy=policy),
                "Redemptions that may include delegation; customers' Global admins.",
            ),
        ],
        emits=[
            delegation.DelegationRequested,
            delegation.DelegationApproved,
            delegation.DelegationDeclined,
            delegation.DelegationOffered,
            delegation.DelegationRequestExpired,
            delegation.DelegationRevoked,
            delegation.DelegationExpiring,
            delegation.DelegationExpired,
            delegation.DelegationReplaced,
        ],
        http=http.router,
        on_start=sweeper.start if sweeper is not None else None,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    sweeper = Sweeper(
        service=NAME, policy=settings.policy(), interval=settings.delegation_sweep_interval
    )
    app = create_service_app(spec(settings, sweeper), settings)

    # The kernel starts on_start tasks but has no stop hook: stop the sweeper before the
    # kernel's teardown closes the pool under it.
    kernel_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with kernel_lifespan(app):
            try:
                yield
            finally:
                await sweeper.stop()

    app.router.lifespan_context = lifespan
    return app
