"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction (the inbox claim is in it), emit what it returns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from services.notifications import handlers, webhook_handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.adapters.webhooks import PgWebhooks
from services.notifications.domain import commands
from services.notifications.entrypoints.webhook_sender import resolve as lookup
from shared.contracts import notifications
from shared.contracts.base import Contract, Event
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.messaging.consumer import Handler, MessageContext, Routes


async def resolve(host: str, port: int) -> list[str]:
    """The addresses a host resolves to (the sender resolves again at every attempt)."""
    return await asyncio.wait_for(lookup(host, port), timeout=5)


def command_routes(*, production: bool = False) -> Routes:
    routes = Routes(strict=True)

    @routes.on(notifications.SendLinkByEmail)
    async def send_link(ctx: MessageContext, msg: notifications.SendLinkByEmail) -> None:
        p = msg.partner
        cmd = commands.QueueLinkEmail(
            request_id=msg.request_id,
            partner_id=msg.partner_id,
            sent_by=msg.sent_by,
            subject_kind=msg.subject_kind,
            subject_id=msg.subject_id,
            url=msg.url,
            recipients=[str(r) for r in msg.recipients],
            note=msg.note,
            language=msg.language,
            partner=commands.Partner(
                name=p.name, phone=p.phone, website=p.website, support_email=p.support_email
            ),
        )
        event = await handlers.queue_link_email(
            PgRepository(ctx.conn),
            cmd,
            now=datetime.now(UTC),
            correlation_id=ctx.envelope.correlation_id,
        )
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    webhook_routes(routes, production=production)
    return routes


def webhook_routes(routes: Routes, *, production: bool) -> None:
    """A partner's Global admin manages its webhook endpoints (the gateway checked the role;
    each handler checks the endpoint is the partner's own). Each command is answered by the
    event its handler returns."""

    @routes.on(notifications.RegisterWebhookEndpoint)
    async def register(ctx: MessageContext, msg: notifications.RegisterWebhookEndpoint) -> None:
        event = await webhook_handlers.register_endpoint(
            PgWebhooks(ctx.conn), msg, production=production, resolve=resolve, now=datetime.now(UTC)
        )
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    for model, handler in _ANSWERED.items():
        routes.on(model)(_answered(handler))


def _answered(handler: Callable[..., Awaitable[Event]]) -> Handler:
    async def route(ctx: MessageContext, msg: Any) -> None:
        event = await handler(PgWebhooks(ctx.conn), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    return route


_ANSWERED: dict[type[Contract], Callable[..., Awaitable[Event]]] = {
    notifications.RotateWebhookSecret: webhook_handlers.rotate_secret,
    notifications.DisableWebhookEndpoint: webhook_handlers.disable_endpoint,
    notifications.EnableWebhookEndpoint: webhook_handlers.enable_endpoint,
    notifications.DeleteWebhookEndpoint: webhook_handlers.delete_endpoint,
    notifications.RedeliverWebhook: webhook_handlers.redeliver,
}
