"""The events consumer of partner webhooks: every event a partner may receive by webhook,
from the four services' events topics, becomes deliveries inside the consumer's transaction
(the inbox claim is in it, so a redelivered event makes none twice)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifications import webhook_handlers
from services.notifications.adapters.webhooks import PgWebhooks
from shared.contracts.base import Contract
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.contracts.webhooks import webhook_event_models
from shared.messaging.consumer import MessageContext, Routes

TOPICS = [INVITATIONS_EVENTS, OFFERS_EVENTS, DELEGATION_EVENTS, DIRECTORY_EVENTS]


async def _record(ctx: MessageContext, msg: Contract) -> None:
    env = ctx.envelope
    await webhook_handlers.deliveries_for_event(
        PgWebhooks(ctx.conn),
        event_id=env.id,
        event_type=env.type,
        source=env.source,
        time=env.time,
        data=msg.model_dump(mode="json"),
        correlation_id=env.correlation_id,
        now=datetime.now(UTC),
    )


def event_routes() -> Routes:
    routes = Routes(strict=False)
    for model in webhook_event_models().values():
        routes.on(model)(_record)
    return routes
