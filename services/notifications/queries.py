"""The notifications service's read side: each HTTP read is one of these queries, answering
a view model of ``shared.views.notifications``. A partner sees only the deliveries it sent:
another partner's subject answers like one with no deliveries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

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
