"""Composition root of the gateway."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

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
from shared import problems
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    INVITATIONS_EVENTS,
    NOTIFICATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.db import create_pool, migrate
from shared.logging import configure_logging, get_logger
from shared.messaging.client import CommandBus
from shared.web import make_app

log = get_logger(__name__)
EVENTS_TOPICS = (
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
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


async def _housekeeping(gateway: Gateway) -> None:
    while True:
        try:
            await gateway.sessions.purge_expired()
            await gateway.idempotency.purge()
        except Exception as exc:
            log.warning("housekeeping_failed", error=repr(exc))
        await asyncio.sleep(300)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging("gateway", settings.log_level)
        metrics = MetricsServer(settings.metrics_host, settings.metrics_port)
        metrics.start()
        pool = await create_pool(settings.database_url, "gateway", size=settings.db_pool_size)
        await migrate(pool, "gateway", Path(__file__).parent / "migrations")
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
            idempotency=IdempotencyStore(pool),
            limiters={
                "sign_in": RateLimiter(per_minute=settings.sign_in_per_minute),
                "public": RateLimiter(per_minute=settings.public_pages_per_minute),
            },
            live=LiveFeed(),
            fresh=Fresh(ttl=settings.fresh_seconds, settle=settings.fresh_settle_seconds),
            preferences=PreferenceStore(pool),
        )
        bus.add_listener(gateway.live.on_event)
        bus.add_listener(gateway.fresh.on_event)
        app.state.gateway = gateway
        app.state.readiness = health.Readiness(pool=pool, bus=bus)
        housekeeping = asyncio.create_task(_housekeeping(gateway))
        log.info("gateway_started", port=settings.http_port)
        try:
            yield
        finally:
            housekeeping.cancel()
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
            await pool.close()
            metrics.stop()

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
