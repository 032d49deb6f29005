"""Partner webhooks' handlers: an event becomes one delivery per matching endpoint (inside
the consumer's transaction, so the inbox claim and the deliveries commit together), and an
attempt's answer is recorded (retry, give up, disable a failing endpoint)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypedDict
from uuid import UUID

from services.notifications import lifecycle
from services.notifications.adapters.recipients import PgRecipients
from services.notifications.adapters.webhooks import (
    Delivery,
    PgWebhooks,
    Subscriber,
    WebhookOutgoing,
)
from services.notifications.domain.webhooks import (
    DeliveryInProgress,
    DisablePolicy,
    EndpointNotFound,
    UnresolvableHost,
    WebhookDeliveryNotFound,
    WebhookRetryPolicy,
    after_webhook_attempt,
    audience,
    check_endpoint_url,
    check_event_types,
    check_resolved,
    cloudevent,
    matches,
    sender_reason,
    without_secrets,
)
from shared.contracts import notifications as nc
from shared.contracts.webhooks import webhook_event_types
from shared.db import Connection

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


@dataclass(frozen=True)
class WebhookEvent:
    """An event a partner may receive by webhook, as the consumer read it."""

    event_id: str
    event_type: str
    source: str
    time: str
    data: dict[str, Any]
    correlation_id: str


async def deliveries_for_event(repo: PgWebhooks, *, now: datetime, **event: Any) -> int:
    """How many deliveries the event made (``deliveries_for_events`` of it alone)."""
    return (await deliveries_for_events(repo, [WebhookEvent(**event)], now=now))[0]


async def deliveries_for_events(
    repo: PgWebhooks, events: Sequence[WebhookEvent], *, now: datetime
) -> list[int]:
    """How many deliveries each event made: one per enabled endpoint of a partner the event
    names whose types match. One query finds the endpoints of every company the events
    name, one statement writes every delivery. A redelivered event makes none twice
    (inbox, and the delivery id is named by endpoint and event)."""
    named = [audience(e.data) for e in events]
    everyone = sorted(set().union(*named))
    if not everyone:
        return [0] * len(events)
    by_partner: dict[str, list[Subscriber]] = {}
    for s in await repo.subscribers(everyone):
        by_partner.setdefault(str(s.partner_id), []).append(s)
    made: list[int] = []
    rows: list[Delivery] = []
    for event, companies in zip(events, named, strict=True):
        subscribers = [
            s
            for company in sorted(companies)
            for s in by_partner.get(company, ())
            if matches(s.event_types, event.event_type)
        ]
        made.append(len(subscribers))
        if not subscribers:
            continue
        body = cloudevent(
            event_id=event.event_id,
            event_type=event.event_type,
            source=event.source,
            time=_time(event.time, now),
            data=without_secrets(event.data),
        )
        rows.extend(
            Delivery(
                webhook_delivery_id(s.endpoint_id, event.event_id),
                s.endpoint_id,
                s.partner_id,
                event.event_id,
                event.event_type,
                body,
                event.correlation_id,
            )
            for s in subscribers
        )
    if rows:
        await repo.add_deliveries(rows, now=now)
    return made


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
) -> nc.WebhookEndpointDisabled | None:
    """Record the answer; the event when it disabled the endpoint (only the attempt that
    disables it gets one: a disabled endpoint's deliveries are not claimed)."""
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
        return None
    if not disable.should_disable(
        consecutive_failures=health.consecutive_failures,
        failing_since=health.failing_since,
        now=now,
    ):
        return None
    reason = sender_reason(health.consecutive_failures)
    if not await repo.set_enabled(
        endpoint_id=delivery.endpoint_id,
        partner_id=delivery.partner_id,
        enabled=False,
        reason=reason,
        now=now,
    ):
        return None
    return nc.WebhookEndpointDisabled(
        endpoint_id=delivery.endpoint_id,
        partner_id=delivery.partner_id,
        reason=reason,
        disabled_by=None,
        disabled_at=now,
    )


async def tell_admins_disabled(
    conn: Connection,
    disabled: nc.WebhookEndpointDisabled,
    *,
    url: str,
    endpoint_url: str,
    correlation_id: str,
) -> list[UUID]:
    """One e-mail to each of the partner's Global admins, in the transaction that disabled
    the endpoint; named by the endpoint and the moment, so it is queued once."""
    view = PgRecipients(conn)
    return await lifecycle.queue(
        view,
        template="webhook_disabled",
        subject_kind="webhook_endpoint",
        subject_id=disabled.endpoint_id,
        occasion=disabled.disabled_at.isoformat(),
        partner_id=disabled.partner_id,
        customer_id=None,
        recipients=await lifecycle.partner_admins(view, disabled.partner_id, exclude=set()),
        params={"endpoint": endpoint_url, "reason": disabled.reason},
        url=url,
        correlation_id=correlation_id,
        now=disabled.disabled_at,
    )


# --- managing endpoints (a partner's Global admin, through the gateway) -----------------------

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def register_endpoint(
    repo: PgWebhooks,
    cmd: nc.RegisterWebhookEndpoint,
    *,
    production: bool,
    resolve: Resolver,
    now: datetime,
) -> nc.WebhookEndpointRegistered:
    """Every rule first (types, URL; in production the addresses the host resolves to),
    then the endpoint. The same command again (another ce_id, same endpoint id) adds
    nothing and answers the same."""
    types = check_event_types(cmd.event_types, webhook_event_types())
    host, port = check_endpoint_url(cmd.url, production=production)
    if production:
        try:
            addresses = await resolve(host, port)
        except OSError as exc:
            raise UnresolvableHost("The host does not resolve.", field="url") from exc
        check_resolved(addresses, production=production)
    await repo.add_endpoint(
        endpoint_id=cmd.endpoint_id,
        partner_id=cmd.partner_id,
        url=cmd.url,
        description=cmd.description,
        event_types=types,
        secret=cmd.secret,
        created_by=cmd.registered_by,
        now=now,
    )
    return nc.WebhookEndpointRegistered(
        endpoint_id=cmd.endpoint_id,
        partner_id=cmd.partner_id,
        event_types=types,
        registered_by=cmd.registered_by,
        registered_at=now,
    )


class _Endpoint(TypedDict):
    """A partner's endpoint, as every command on it names it and every answer carries it."""

    endpoint_id: UUID
    partner_id: UUID


class _NamesEndpoint(Protocol):
    @property
    def endpoint_id(self) -> UUID: ...
    @property
    def partner_id(self) -> UUID: ...


async def _own(repo: PgWebhooks, cmd: _NamesEndpoint) -> _Endpoint:
    """The endpoint the command names, once it is known to be the partner's own."""
    if not await repo.owned(endpoint_id=cmd.endpoint_id, partner_id=cmd.partner_id):
        raise EndpointNotFound("No such webhook endpoint.")
    return _Endpoint(endpoint_id=cmd.endpoint_id, partner_id=cmd.partner_id)


async def rotate_secret(
    repo: PgWebhooks, cmd: nc.RotateWebhookSecret, *, now: datetime
) -> nc.WebhookSecretRotated:
    endpoint = await _own(repo, cmd)
    until = now + timedelta(seconds=cmd.grace_seconds)
    await repo.rotate_secret(**endpoint, secret=cmd.secret, grace_until=until, now=now)
    return nc.WebhookSecretRotated(
        **endpoint, previous_valid_until=until, rotated_by=cmd.rotated_by, rotated_at=now
    )


DISABLED_BY_USER = "disabled by a Global admin"


async def disable_endpoint(
    repo: PgWebhooks, cmd: nc.DisableWebhookEndpoint, *, now: datetime
) -> nc.WebhookEndpointDisabled:
    """Disabled (an endpoint already disabled stays as it is, and answers the same)."""
    endpoint = await _own(repo, cmd)
    await repo.set_enabled(**endpoint, enabled=False, reason=DISABLED_BY_USER, now=now)
    return nc.WebhookEndpointDisabled(
        **endpoint, reason=DISABLED_BY_USER, disabled_by=cmd.disabled_by, disabled_at=now
    )


async def enable_endpoint(
    repo: PgWebhooks, cmd: nc.EnableWebhookEndpoint, *, now: datetime
) -> nc.WebhookEndpointEnabled:
    endpoint = await _own(repo, cmd)
    await repo.set_enabled(**endpoint, enabled=True, reason=None, now=now)
    return nc.WebhookEndpointEnabled(**endpoint, enabled_by=cmd.enabled_by, enabled_at=now)


async def delete_endpoint(
    repo: PgWebhooks, cmd: nc.DeleteWebhookEndpoint, *, now: datetime
) -> nc.WebhookEndpointDeleted:
    endpoint = await _own(repo, cmd)
    await repo.delete_endpoint(**endpoint)
    return nc.WebhookEndpointDeleted(**endpoint, deleted_by=cmd.deleted_by, deleted_at=now)


async def redeliver(
    repo: PgWebhooks, cmd: nc.RedeliverWebhook, *, now: datetime
) -> nc.WebhookRedeliveryQueued:
    """A delivered or failed delivery is sent again, with the same id."""
    endpoint = await _own(repo, cmd)
    status = await repo.delivery_status(delivery_id=cmd.delivery_id, **endpoint)
    if status is None:
        raise WebhookDeliveryNotFound("No such delivery of this endpoint.")
    if status in ("pending", "sending"):
        raise DeliveryInProgress("The delivery is still being tried; it needs no redeliver.")
    await repo.redeliver(delivery_id=cmd.delivery_id, partner_id=cmd.partner_id, now=now)
    return nc.WebhookRedeliveryQueued(
        **endpoint, delivery_id=cmd.delivery_id, requested_by=cmd.requested_by, queued_at=now
    )
