"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction (the inbox claim is in it), emit what it returns."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.notifications import handlers, webhook_handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.adapters.webhooks import PgWebhooks
from services.notifications.domain import commands
from services.notifications.entrypoints.webhook_sender import resolve as lookup
from shared.contracts import notifications
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.messaging.consumer import MessageContext, Routes


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
    each handler checks the endpoint is the partner's own)."""

    def repo(ctx: MessageContext) -> PgWebhooks:
        return PgWebhooks(ctx.conn)

    @routes.on(notifications.RegisterWebhookEndpoint)
    async def register(ctx: MessageContext, msg: notifications.RegisterWebhookEndpoint) -> None:
        event = await webhook_handlers.register_endpoint(
            repo(ctx), msg, production=production, resolve=resolve, now=datetime.now(UTC)
        )
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    @routes.on(notifications.RotateWebhookSecret)
    async def rotate(ctx: MessageContext, msg: notifications.RotateWebhookSecret) -> None:
        event = await webhook_handlers.rotate_secret(repo(ctx), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    @routes.on(notifications.DisableWebhookEndpoint)
    async def disable(ctx: MessageContext, msg: notifications.DisableWebhookEndpoint) -> None:
        event = await webhook_handlers.disable_endpoint(repo(ctx), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    @routes.on(notifications.EnableWebhookEndpoint)
    async def enable(ctx: MessageContext, msg: notifications.EnableWebhookEndpoint) -> None:
        event = await webhook_handlers.enable_endpoint(repo(ctx), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    @routes.on(notifications.DeleteWebhookEndpoint)
    async def delete(ctx: MessageContext, msg: notifications.DeleteWebhookEndpoint) -> None:
        event = await webhook_handlers.delete_endpoint(repo(ctx), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)

    @routes.on(notifications.RedeliverWebhook)
    async def redeliver(ctx: MessageContext, msg: notifications.RedeliverWebhook) -> None:
        event = await webhook_handlers.redeliver(repo(ctx), msg, now=datetime.now(UTC))
        ctx.emit(event, topic=NOTIFICATIONS_EVENTS)
