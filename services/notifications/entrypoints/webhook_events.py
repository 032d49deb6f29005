"""The events consumer of partner webhooks: every event a partner may receive by webhook,
from the four services' events topics (the directory has two), becomes deliveries inside the
consumer's transaction (the inbox claim is in it, so a redelivered event makes none twice)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from services.notifications import webhook_handlers
from services.notifications.adapters.webhooks import PgWebhooks
from shared.contracts.base import Contract
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
)
from shared.contracts.webhooks import webhook_event_models
from shared.db import Connection
from shared.messaging.consumer import MessageContext, Routes

TOPICS = [
    INVITATIONS_EVENTS,
    OFFERS_EVENTS,
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
]


def _event(ctx: MessageContext, msg: Contract) -> webhook_handlers.WebhookEvent:
    env = ctx.envelope
    return webhook_handlers.WebhookEvent(
        event_id=env.id,
        event_type=env.type,
        source=env.source,
        time=env.time,
        data=msg.model_dump(mode="json"),
        correlation_id=env.correlation_id,
    )


async def _record(ctx: MessageContext, msg: Contract) -> None:
    await _record_all(ctx.conn, [(ctx, msg)])


async def _record_all(conn: Connection, run: Sequence[tuple[MessageContext, Contract]]) -> None:
    """A run of events, whatever their types: one query for the endpoints, one insert."""
    await webhook_handlers.deliveries_for_events(
        PgWebhooks(conn), [_event(ctx, msg) for ctx, msg in run], now=datetime.now(UTC)
    )


def event_routes() -> Routes:
    routes = Routes(strict=False)
    for model in webhook_event_models().values():
        routes.on(model, batch=_record_all)(_record)
    return routes
