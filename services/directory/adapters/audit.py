"""The audit of acting for customers (table ``acting_audit``): written once per attempt,
never updated or deleted (a trigger refuses both), read newest first in keyset pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from services.directory.adapters.queries import Db
from shared.cursor import Cursor, next_cursor
from shared.db import Connection
from shared.errors import DomainError

TargetKind = Literal["users", "user", "subscription"]


@dataclass(frozen=True)
class Attempt:
    """What an actor tried to do in a customer, known before anything is decided."""

    customer_id: UUID
    actor_user_id: UUID
    action: str
    target_kind: TargetKind
    target_id: UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None


async def record(
    conn: Connection, attempt: Attempt, *, now: datetime, refusal: DomainError | None = None
) -> None:
    """One row: allowed, or refused with the rejection's code and reason. The partner is
    the actor's company when the actor is a partner user (also for refusals)."""
    a = attempt
    await conn.execute(
        "INSERT INTO acting_audit (audit_id, at, customer_id, partner_id, actor_user_id, "
        "action, target_kind, target_id, details, outcome, reason_code, reason, message_id) "
        "VALUES ($1, $2, $3, (SELECT company_id FROM users WHERE user_id = $4 "
        "AND company_kind = 'partner'), $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        uuid.uuid4(),
        now,
        a.customer_id,
        a.actor_user_id,
        a.action,
        a.target_kind,
        a.target_id,
        {k: str(v) for k, v in a.details.items()},
        "allowed" if refusal is None else "refused",
        refusal.code() if refusal is not None else None,
        refusal.reason if refusal is not None else None,
        a.message_id,
    )


# A partner sees the name of a customer only if the customer is in its reach or it really
# acted for it: a refused attempt on another partner's customer id names nothing.
_COLUMNS = (
    "a.audit_id, a.at, a.customer_id, "
    "CASE WHEN $1::uuid IS NULL OR a.outcome = 'allowed' OR pc.customer_id IS NOT NULL "
    "THEN c.name END AS customer_name, a.partner_id, "
    "p.name AS partner_name, a.actor_user_id, u.display_name AS actor_name, "
    "u.email AS actor_email, a.action, a.target_kind, a.target_id, a.details, a.outcome, "
    "a.reason_code, a.reason"
)
_FROM = (
    "FROM acting_audit a LEFT JOIN users u ON u.user_id = a.actor_user_id "
    "LEFT JOIN customers c ON c.customer_id = a.customer_id "
    "LEFT JOIN partners p ON p.partner_id = a.partner_id "
    "LEFT JOIN partner_customers pc "
    "ON pc.partner_id = a.partner_id AND pc.customer_id = a.customer_id"
)


async def page(
    db: Db,
    *,
    partner_id: UUID | None,
    customer_id: UUID | None,
    limit: int,
    cursor: Cursor | None,
) -> dict[str, Any]:
    """Records newest first, of a partner (optionally for one customer) or of a customer;
    tie-safe: ordered by (at, audit_id), the next page starts strictly after the cursor's."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} {_FROM} WHERE ($1::uuid IS NULL OR a.partner_id = $1) "
        "AND ($2::uuid IS NULL OR a.customer_id = $2) "
        "AND ($3::timestamptz IS NULL OR (a.at, a.audit_id) < ($3, $4)) "
        "ORDER BY a.at DESC, a.audit_id DESC LIMIT $5",
        partner_id,
        customer_id,
        cursor.key if cursor else None,
        cursor.id if cursor else None,
        limit + 1,
    )
    return {
        "items": [dict(r) for r in rows[:limit]],
        "next_cursor": next_cursor(rows, limit, key=lambda r: (r["at"], r["audit_id"])),
    }
