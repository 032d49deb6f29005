"""Persistence of mail requests and their deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from services.notifications.domain.message import MailRequest
from services.notifications.domain.model import Next, Outgoing
from shared.db import Connection


class Repository(Protocol):
    async def add_request(self, *, request: MailRequest, now: datetime) -> bool: ...
    async def add_deliveries(
        self, *, request_id: UUID, deliveries: list[tuple[UUID, str]], now: datetime
    ) -> None: ...
    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Outgoing]: ...
    async def record(
        self, *, delivery_id: UUID, attempts: int, outcome: Next, now: datetime
    ) -> bool: ...


class PgRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def add_request(self, *, request: MailRequest, now: datetime) -> bool:
        """False when the request exists already (its deliveries are queued)."""
        r, m = request, request.message
        added = await self.conn.fetchval(
            "INSERT INTO mail_requests (request_id, partner_id, sent_by, subject_kind, "
            "subject_id, language, subject, text_body, html_body, reply_to, correlation_id, "
            "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) "
            "ON CONFLICT (request_id) DO NOTHING RETURNING true",
            r.request_id, r.partner_id, r.sent_by, r.subject_kind, r.subject_id, r.language,
            m.subject, m.text, m.html, r.reply_to, r.correlation_id, now,
        )  # fmt: skip
        return bool(added)

    async def add_deliveries(
        self, *, request_id: UUID, deliveries: list[tuple[UUID, str]], now: datetime
    ) -> None:
        await self.conn.execute(
            "INSERT INTO deliveries (delivery_id, request_id, recipient, next_attempt_at, "
            "created_at) SELECT d, $1, r, $4, $4 FROM unnest($2::uuid[], $3::text[]) AS t(d, r) "
            "ON CONFLICT DO NOTHING",
            request_id,
            [d for d, _ in deliveries],
            [r for _, r in deliveries],
            now,
        )

    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Outgoing]:
        """Mark up to ``limit`` due deliveries 'sending' (one more attempt, leased until
        ``now + lease``) and return them. Due: queued and past their next attempt, or sending
        with a lease that ran out (the copy sending it died). SKIP LOCKED: two copies of the
        service never claim the same row."""
        rows = await self.conn.fetch(
            "WITH due AS (SELECT delivery_id FROM deliveries "
            "  WHERE (status = 'queued' AND next_attempt_at <= $1) "
            "     OR (status = 'sending' AND lease_until < $1) "
            "  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) "
            "UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, "
            "  lease_until = $2 FROM due, mail_requests m "
            "WHERE d.delivery_id = due.delivery_id AND m.request_id = d.request_id "
            "RETURNING d.delivery_id, d.request_id, m.partner_id, m.subject_kind, m.subject_id, "
            "  d.recipient, d.attempts, m.subject, m.text_body, m.html_body, m.reply_to, "
            "  m.correlation_id",
            now,
            now + lease,
            limit,
        )
        return [Outgoing(**dict(r)) for r in rows]

    async def record(
        self, *, delivery_id: UUID, attempts: int, outcome: Next, now: datetime
    ) -> bool:
        """The attempt's outcome, only while the row is still this attempt's (sending, with
        this attempt count): False if its lease ran out and another copy took it over."""
        changed = await self.conn.fetchval(
            "UPDATE deliveries SET status = $2, next_attempt_at = $3, lease_until = NULL, "
            "last_error = coalesce($4, last_error), "
            "sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END "
            "WHERE delivery_id = $1 AND status = 'sending' AND attempts = $6 RETURNING true",
            delivery_id,
            outcome.status,
            outcome.next_attempt_at,
            outcome.error,
            now,
            attempts,
        )
        return bool(changed)
