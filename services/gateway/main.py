"""Composition root of the gateway."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from services.gateway import problems
from services.gateway.adapters.services import ServiceClient
from services.gateway.config import Settings
from services.gateway.deps import Gateway
from services.gateway.entrypoints import customers, invitations, partners, public
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.logging import configure_logging, correlation_id, get_logger
from shared.messaging.client import CommandBus

log = get_logger(__name__)
REQUESTS = Counter("portal_gateway_requests_total", "HTTP requests", ["method", "status"])
EVENTS_TOPICS = (INVITATIONS_EVENTS, OFFERS_EVENTS, DELEGATION_EVENTS, DIRECTORY_EVENTS)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging("gateway", settings.log_level)
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
        )
        app.state.gateway = gateway
        log.info("gateway_started", port=settings.http_port)
        try:
            yield
        finally:
            await bus.stop()
            for client in (
                gateway.invitations,
                gateway.offers,
                gateway.delegation,
                gateway.directory,
            ):
                await client.close()

    app = FastAPI(
        title="Partner Portal API",
        version="1.0.0",
        description="The public HTTP API of the Partner Portal. Errors are RFC 9457 problems.",
        lifespan=lifespan,
    )
    problems.install(app)

    @app.middleware("http")
    async def correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cid = request.headers.get("x-correlation-id") or str(uuid.uuid4())
        token = correlation_id.set(cid)
        try:
            response = await call_next(request)
        finally:
            correlation_id.reset(token)
        response.headers["X-Correlation-Id"] = cid
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for module in (invitations, customers, partners, public):
        app.include_router(module.router)
    return app
