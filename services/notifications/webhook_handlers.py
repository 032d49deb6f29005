"""Partner webhooks' handlers: an event becomes one delivery per matching endpoint (inside
the consumer's transaction, so the inbox claim and the deliveries commit together), and an
attempt's answer is recorded (retry, give up, disable a failing endpoint)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.notifications.adapters.webhooks import PgWebhooks, WebhookOutgoing
from services.notifications.domain.webhooks import (
    DisablePolicy,
    WebhookRetryPolicy,
    after_webhook_attempt,
    audience,
    cloudevent,
    matches,
    without_secrets,
)

_DELIVERY_NAMESPACE = uuid.UUID("0c7e5b1a-3f2d-4e8a-b6c9-5d1f0a2e7b34")


def webhook_delivery_id(endpoint_id: UUID, event_id: str) -> UUID:
    """One event to one endpoint is always the same delivery (its webhook-id)."""
    return uuid.uuid5(_DELIVERY_NAMESPACE, f"{endpoint_id}:{event_id}")


def _time(value: str, fallback: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def deliveries_for_event(
    repo: PgWebhooks,
    *,
    event_id: str,
    event_type: str,
    source: str,
    time: str,
    data: dict[str, Any],
    correlation_id: str,
    now: datetime,
) -> int:
    """How many deliveries the event made: one per enabled endpoint of a partner the event
    names whose types match. A redelivered event makes none twice (inbox, and the delivery
    id is named by endpoint and event)."""
    named = audience(data)
    if not named:
        return 0
    subscribers = [
        s for s in await repo.subscribers(sorted(named)) if matches(s.event_types, event_type)
    ]
    if not subscribers:
        return 0
    body = cloudevent(
        event_id=event_id,
        event_type=event_type,
        source=source,
        time=_time(time, now),
        data=without_secrets(data),
    )
    await repo.add_deliveries(
        deliveries=[
            (webhook_delivery_id(s.endpoint_id, event_id), s.endpoint_id, s.partner_id)
            for s in subscribers
        ],
        event_id=event_id,
        event_type=event_type,
        body=body,
        correlation_id=correlation_id,
        now=now,
    )
    return len(subscribers)


async def record_webhook_attempt(
    repo: PgWebhooks,
    delivery: WebhookOutgoing,
    *,
    http_status: int | None,
    response_ms: int | None,
    error: str | None,
    now: datetime,
    policy: WebhookRetryPolicy,
    disable: DisablePolicy,
) -> bool:
    """Record the answer; True when it disabled the endpoint."""
    outcome = after_webhook_attempt(
        http_status,
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        now=now,
        policy=policy,
    )
    health = await repo.record(
        delivery=delivery,
        outcome=outcome,
        http_status=http_status,
        response_ms=response_ms,
        error=error,
        now=now,
    )
    if health is None or not health.enabled:
        return False
    if disable.should_disable(
        consecutive_failures=health.consecutive_failures,
        failing_since=health.failing_since,
        now=now,
    ):
        return await repo.set_enabled(
            endpoint_id=delivery.endpoint_id,
            partner_id=delivery.partner_id,
            enabled=False,
            reason=f"failing: {health.consecutive_failures} attempts in a row",
            now=now,
        )
    return False
