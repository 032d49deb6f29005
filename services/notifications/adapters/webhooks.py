"""Persistence of partner webhook endpoints, their deliveries and every attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from services.notifications.domain.webhooks import WebhookNext
from shared.db import Connection


class Delivery(NamedTuple):
    """One event to one endpoint, to be sent (a tuple: its fields are the insert's columns)."""

    delivery_id: UUID
    endpoint_id: UUID
    partner_id: UUID
    event_id: str
    event_type: str
    body: str
    correlation_id: str


@dataclass(frozen=True)
class Subscriber:
    endpoint_id: UUID
    partner_id: UUID
    event_types: list[str]


@dataclass(frozen=True)
class WebhookOutgoing:
    """A delivery claimed for sending, with what its endpoint signs and sends to."""

    delivery_id: UUID
    endpoint_id: UUID
    partner_id: UUID
    url: str
    body: str
    attempts: int  # this attempt included
    created_at: datetime
    secrets: list[str]  # the current secret first, then one in its grace period
    correlation_id: str


@dataclass(frozen=True)
class EndpointHealth:
    consecutive_failures: int
    failing_since: datetime | None
    enabled: bool


class PgWebhooks:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def add_endpoint(
        self,
        *,
        endpoint_id: UUID,
        partner_id: UUID,
        url: str,
        description: str,
        event_types: list[str],
        secret: str,
        created_by: UUID,
        now: datetime,
    ) -> bool:
        added = await self.conn.fetchval(
            "INSERT INTO webhook_endpoints (endpoint_id, partner_id, url, description, "
            "event_types, secret, created_by, created_at, updated_at) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) ON CONFLICT DO NOTHING RETURNING true",
            endpoint_id,
            partner_id,
            url,
            description,
            event_types,
            secret,
            created_by,
            now,
        )
        return bool(added)

    async def owned(self, *, endpoint_id: UUID, partner_id: UUID) -> bool:
        """The partner's own endpoint, locked for the command changing it."""
        found = await self.conn.fetchval(
            "SELECT true FROM webhook_endpoints WHERE endpoint_id = $1 AND partner_id = $2 "
            "FOR UPDATE",
            endpoint_id,
            partner_id,
        )
        return bool(found)

    async def delete_endpoint(self, *, endpoint_id: UUID, partner_id: UUID) -> bool:
        """The endpoint, its deliveries and their attempts (ON DELETE CASCADE)."""
        deleted = await self.conn.fetchval(
            "DELETE FROM webhook_endpoints WHERE endpoint_id = $1 AND partner_id = $2 "
            "RETURNING true",
            endpoint_id,
            partner_id,
        )
        return bool(deleted)

    async def delivery_status(
        self, *, delivery_id: UUID, endpoint_id: UUID, partner_id: UUID
    ) -> str | None:
        value = await self.conn.fetchval(
            "SELECT status FROM webhook_deliveries "
            "WHERE delivery_id = $1 AND endpoint_id = $2 AND partner_id = $3 FOR UPDATE",
            delivery_id,
            endpoint_id,
            partner_id,
        )
        return str(value) if value is not None else None

    async def rotate_secret(
        self,
        *,
        endpoint_id: UUID,
        partner_id: UUID,
        secret: str,
        grace_until: datetime,
        now: datetime,
    ) -> bool:
        """The new secret signs from now on; the old one too until ``grace_until``."""
        changed = await self.conn.fetchval(
            "UPDATE webhook_endpoints SET previous_secret = secret, secret = $3, "
            "previous_secret_until = $4, updated_at = $5 "
            "WHERE endpoint_id = $1 AND partner_id = $2 AND secret <> $3 RETURNING true",
            endpoint_id,
            partner_id,
            secret,
            grace_until,
            now,
        )
        return bool(changed)

    async def set_enabled(
        self,
        *,
        endpoint_id: UUID,
        partner_id: UUID,
        enabled: bool,
        reason: str | None,
        now: datetime,
    ) -> bool:
        """Enabling starts its failure count afresh; False if nothing changed."""
        changed = await self.conn.fetchval(
            "UPDATE webhook_endpoints SET enabled = $3::boolean, updated_at = $5::timestamptz, "
            "disabled_at = CASE WHEN $3 THEN NULL ELSE $5 END, "
            "disabled_reason = CASE WHEN $3 THEN NULL ELSE $4::text END, "
            "consecutive_failures = CASE WHEN $3 THEN 0 ELSE consecutive_failures END, "
            "failing_since = CASE WHEN $3 THEN NULL ELSE failing_since END "
            "WHERE endpoint_id = $1 AND partner_id = $2 AND enabled <> $3 RETURNING true",
            endpoint_id,
            partner_id,
            enabled,
            reason,
            now,
        )
        return bool(changed)

    async def subscribers(self, partner_ids: list[str]) -> list[Subscriber]:
        rows = await self.conn.fetch(
            "SELECT endpoint_id, partner_id, event_types FROM webhook_endpoints "
            "WHERE partner_id = ANY($1::uuid[]) AND enabled",
            partner_ids,
        )
        return [Subscriber(r["endpoint_id"], r["partner_id"], list(r["event_types"])) for r in rows]

    async def add_deliveries(self, deliveries: Sequence[Delivery], *, now: datetime) -> None:
        """One statement for every delivery of a run of events."""
        columns = list(zip(*deliveries, strict=True))
        await self.conn.execute(
            "INSERT INTO webhook_deliveries (delivery_id, endpoint_id, partner_id, event_id, "
            "event_type, body, next_attempt_at, correlation_id, created_at) "
            "SELECT d, e, p, i, t, b, $8, c, $8 FROM unnest($1::uuid[], $2::uuid[], "
            "$3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(d, e, p, i, t, b, c) "
            "ON CONFLICT DO NOTHING",
            *columns,
            now,
        )

    async def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int
    ) -> list[WebhookOutgoing]:
        """Mark up to ``limit`` due deliveries of enabled endpoints 'sending' (one more
        attempt, leased) and return them; SKIP LOCKED, as the mail sender."""
        rows = await self.conn.fetch(
            "WITH due AS (SELECT d.delivery_id FROM webhook_deliveries d "
            "  JOIN webhook_endpoints e USING (endpoint_id) "
            "  WHERE e.enabled AND ((d.status = 'pending' AND d.next_attempt_at <= $1) "
            "     OR (d.status = 'sending' AND d.lease_until < $1)) "
            "  ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED) "
            "UPDATE webhook_deliveries d SET status = 'sending', attempts = d.attempts + 1, "
            "  lease_until = $2 FROM due, webhook_endpoints e "
            "WHERE d.delivery_id = due.delivery_id AND e.endpoint_id = d.endpoint_id "
            "RETURNING d.delivery_id, d.endpoint_id, d.partner_id, e.url, d.body, d.attempts, "
            "  d.created_at, d.correlation_id, e.secret, "
            "  CASE WHEN e.previous_secret_until > $1 THEN e.previous_secret END AS previous",
            now,
            now + lease,
            limit,
        )
        return [
            WebhookOutgoing(
                delivery_id=r["delivery_id"],
                endpoint_id=r["endpoint_id"],
                partner_id=r["partner_id"],
                url=r["url"],
                body=r["body"],
                attempts=r["attempts"],
                created_at=r["created_at"],
                secrets=[r["secret"]] + ([r["previous"]] if r["previous"] else []),
                correlation_id=r["correlation_id"],
            )
            for r in rows
        ]

    async def record(
        self,
        *,
        delivery: WebhookOutgoing,
        outcome: WebhookNext,
        http_status: int | None,
        response_ms: int | None,
        error: str | None,
        now: datetime,
    ) -> EndpointHealth | None:
        """The attempt (its log row, the delivery's state, the endpoint's failure count),
        only while the row is still this attempt's. The endpoint's health after a failure;
        None after a success (nothing to disable) or if another copy took the row over."""
        changed = await self.conn.fetchval(
            "UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3, "
            "lease_until = NULL, last_http_status = $4, last_response_ms = $5, last_error = $6, "
            "delivered_at = CASE WHEN $2 = 'delivered' THEN $7 ELSE delivered_at END "
            "WHERE delivery_id = $1 AND status = 'sending' AND attempts = $8 RETURNING true",
            delivery.delivery_id,
            outcome.status,
            outcome.next_attempt_at,
            http_status,
            response_ms,
            error,
            now,
            delivery.attempts,
        )
        if not changed:
            return None
        await self.conn.execute(
            "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, http_status, "
            "response_ms, error) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
            delivery.delivery_id,
            delivery.attempts,
            now,
            http_status,
            response_ms,
            error,
        )
        if outcome.status == "delivered":
            # A success resets a failing endpoint; a healthy one's row is left alone (not
            # even locked): every delivery of a busy endpoint succeeding would otherwise
            # queue each round's commit behind the round holding that one row.
            await self.conn.execute(
                "UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL "
                "WHERE endpoint_id = $1 "
                "AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)",
                delivery.endpoint_id,
            )
            return None
        row = await self.conn.fetchrow(
            "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, "
            "failing_since = coalesce(failing_since, $2) "
            "WHERE endpoint_id = $1 RETURNING consecutive_failures, failing_since, enabled",
            delivery.endpoint_id,
            now,
        )
        if row is None:
            return None
        return EndpointHealth(row["consecutive_failures"], row["failing_since"], row["enabled"])

    async def redeliver(self, *, delivery_id: UUID, partner_id: UUID, now: datetime) -> bool:
        """A delivered or failed delivery is tried again: same id, one more attempt."""
        changed = await self.conn.fetchval(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3 "
            "WHERE delivery_id = $1 AND partner_id = $2 AND status IN ('delivered', 'failed') "
            "RETURNING true",
            delivery_id,
            partner_id,
            now,
        )
        return bool(changed)
