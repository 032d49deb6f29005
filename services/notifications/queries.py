"""The notifications service's read side: each HTTP read is one of these queries, answering
a view model of ``shared.views.notifications``. A partner sees only the deliveries it sent:
another partner's subject answers like one with no deliveries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.notifications.domain.webhooks import SENDER_REASON, EndpointNotFound
from shared.views import notifications as views

Pool = Any


async def subject_deliveries(
    pool: Pool, *, partner_id: UUID, subject_kind: str, subject_id: UUID, limit: int
) -> views.DeliveryList:
    """The deliveries of one invitation, offer or delegation request, newest first."""
    rows = await pool.fetch(
        "SELECT d.delivery_id, d.request_id, d.recipient, m.language, d.status, d.attempts, "
        "d.last_error, CASE WHEN d.status = 'queued' THEN d.next_attempt_at END "
        "AS next_attempt_at, d.created_at, d.sent_at, m.sent_by "
        "FROM mail_requests m JOIN deliveries d USING (request_id) "
        "WHERE m.subject_id = $1 AND m.partner_id = $2 AND m.subject_kind = $3 "
        "ORDER BY d.created_at DESC, d.recipient LIMIT $4",
        subject_id,
        partner_id,
        subject_kind,
        limit,
    )
    return views.DeliveryList(items=[views.Delivery(**dict(r)) for r in rows])


_ENDPOINT_COLUMNS = (
    "endpoint_id, url, description, event_types, enabled, disabled_at, disabled_reason, "
    "consecutive_failures, created_by, created_at, updated_at, "
    "CASE WHEN previous_secret_until > now() THEN previous_secret_until END "
    "AS previous_secret_until"
)


def _endpoint(row: Any) -> dict[str, Any]:
    fields = dict(row)
    fields["event_types"] = list(fields["event_types"])
    fields["disabled_by_sender"] = not fields["enabled"] and (
        fields["disabled_reason"] or ""
    ).startswith(SENDER_REASON)
    return fields


async def webhook_endpoints(pool: Pool, *, partner_id: UUID) -> views.WebhookEndpointList:
    rows = await pool.fetch(
        f"SELECT {_ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE partner_id = $1 "
        "ORDER BY created_at, endpoint_id",
        partner_id,
    )
    return views.WebhookEndpointList(items=[views.WebhookEndpoint(**_endpoint(r)) for r in rows])


async def webhook_endpoint(
    pool: Pool, *, endpoint_id: UUID, partner_id: UUID, limit: int
) -> views.WebhookEndpointDetail:
    """One endpoint of the partner with its latest deliveries and each one's attempts;
    another partner's endpoint is not found, like a random id."""
    row = await pool.fetchrow(
        f"SELECT {_ENDPOINT_COLUMNS} FROM webhook_endpoints "
        "WHERE endpoint_id = $1 AND partner_id = $2",
        endpoint_id,
        partner_id,
    )
    if row is None:
        raise EndpointNotFound("No such webhook endpoint.")
    deliveries = await pool.fetch(
        "SELECT delivery_id, event_id, event_type, status, attempts, last_http_status, "
        "last_response_ms, last_error, created_at, delivered_at, "
        "CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at "
        "FROM webhook_deliveries WHERE endpoint_id = $1 "
        "ORDER BY created_at DESC, delivery_id LIMIT $2",
        endpoint_id,
        limit,
    )
    tries: dict[UUID, list[views.WebhookAttempt]] = {d["delivery_id"]: [] for d in deliveries}
    for a in await pool.fetch(
        "SELECT delivery_id, attempt, attempted_at, http_status, response_ms, error "
        "FROM webhook_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt",
        list(tries),
    ):
        fields = dict(a)
        tries[fields.pop("delivery_id")].append(views.WebhookAttempt(**fields))
    return views.WebhookEndpointDetail(
        **_endpoint(row),
        deliveries=[
            views.WebhookDelivery(**dict(d), tries=tries[d["delivery_id"]]) for d in deliveries
        ],
    )
