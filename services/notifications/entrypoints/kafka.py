"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction (the inbox claim is in it), emit what it returns."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifications import handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.domain import commands
from shared.contracts import notifications
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.messaging.consumer import MessageContext, Routes


def command_routes() -> Routes:
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

    return routes
