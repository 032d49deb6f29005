"""Composition root of the gateway."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from services.gateway.adapters.fresh import Fresh
from services.gateway.adapters.idempotency import IdempotencyStore
from services.gateway.adapters.metrics import MetricsServer
from services.gateway.adapters.preferences import PreferenceStore
from services.gateway.adapters.ratelimit import RateLimiter
from services.gateway.adapters.services import ServiceClient
from services.gateway.adapters.sessions import SessionStore
from services.gateway.config import Settings
from services.gateway.deps import Gateway
from services.gateway.entrypoints import (
    acting,
    asyncapi,
    customer,
    delegations,
    docs,
    events,
    health,
    invitations,
    mail,
    offers,
    overview,
    partner,
    preferences,
    public,
    session,
    subscriptions,
    support,
    web,
    webhooks,
)
from services.gateway.live import LiveFeed
from services.gateway.middleware import Edge, Idempotency
from services.gateway.proxy import ProxyHeaders
from shared import problems, runtime
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    INVITATIONS_EVENTS,
    NOTIFICATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.messaging.client import CommandBus
from shared.web import make_app

EVENTS_TOPICS = (
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    NOTIFICATIONS_EVENTS,
)
ROUTERS = (
    health,
    session,
    partner,
    overview,
    events,
    invitations,
    mail,
    offers,
    delegations,
    customer,
    subscriptions,
    support,
    webhooks,
    acting,
    public,
    preferences,
    docs,
    asyncapi,
    web,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def wiring(app: FastAPI, pool: asyncpg.Pool) -> AsyncIterator[None]:
        """What the gateway has that a service has not: its /metrics port, the command bus
        watching every service's events, the stores and clients behind the routes."""
        metrics = MetricsServer(settings.metrics_host, settings.metrics_port)
        metrics.start()
        bus = CommandBus(
            bootstrap=settings.kafka_bootstrap,
            watch=EVENTS_TOPICS,
            source=f"gateway-{settings.instance}",
        )
        await bus.start()
        gateway = Gateway(
            settings=settings,
            bus=bus,
            invitations=ServiceClient("invitations", settings.invitations_url),
            offers=ServiceClient("offers", settings.offers_url),
            delegation=ServiceClient("delegation", settings.delegation_url),
            directory=ServiceClient("directory", settings.directory_url),
            notifications=ServiceClient("notifications", settings.notifications_url),
            sessions=SessionStore(
                pool,
                idle=timedelta(minutes=settings.session_idle_minutes),
                absolute=timedelta(hours=settings.session_max_hours),
                cache_seconds=settings.session_cache_seconds,
            ),
            # A request sends a command or two, each waited for up to command_timeout.
            idempotency=IdempotencyStore(pool, in_flight_for=4 * settings.command_timeout),
            limiters={
                bucket: RateLimiter(pool, bucket, per_minute=per_minute)
                for bucket, per_minute in (
                    ("sign_in", settings.sign_in_per_minute),
                    ("public", settings.public_pages_per_minute),
                )
            },
            live=LiveFeed(),
            fresh=Fresh(ttl=settings.fresh_seconds, settle=settings.fresh_settle_seconds),
            preferences=PreferenceStore(pool),
        )
        bus.add_listener(gateway.live.on_event)
        bus.add_listener(gateway.fresh.on_event)
        app.state.gateway = gateway
        app.state.readiness = health.Readiness(pool=pool, bus=bus)
        try:
            yield
        finally:
            del app.state.readiness
            await bus.stop()
            for client in (
                gateway.invitations,
                gateway.offers,
                gateway.delegation,
                gateway.directory,
                gateway.notifications,
            ):
                await client.close()
            metrics.stop()

    async def housekeeping(pool: asyncpg.Pool) -> None:
        gateway: Gateway = app.state.gateway
        await gateway.sessions.purge_expired()
        await gateway.idempotency.purge()
        await RateLimiter.purge(pool)

    lifespan = runtime.lifespan(
        "gateway",
        settings,
        Path(__file__).parent / "migrations",
        wiring,
        periodic=(runtime.Periodic("housekeeping", 300, housekeeping),),
    )
    app = make_app(
        title="Partner Portal API",
        docs_url=None,  # entrypoints/docs.py serves it offline, under the CSP
        redoc_url=None,
        version="1.0.0",
        description=(
            "The HTTP API of the Partner Portal. Sign in with `POST /api/session`; the session "
            "cookie is HttpOnly, and every state-changing request carries the `X-CSRF-Token` "
            "header from the sign-in answer. Errors are RFC 9457 problem bodies. POST requests "
            "honour `Idempotency-Key`."
        ),
        lifespan=lifespan,
    )
    problems.install(app)
    # Added last = outermost: Edge sees every answer, even a refused or replayed one, and
    # ProxyHeaders before it the client, scheme and host a trusted proxy saw.
    app.add_middleware(Idempotency)
    app.add_middleware(Edge, access_log=settings.access_log)
    app.add_middleware(ProxyHeaders, trusted=settings.trusted_networks)
    # No /metrics here: it is served on settings.metrics_port (adapters/metrics.py).
    for module in ROUTERS:
        app.include_router(module.router)
    return app
