"""Read queries behind the internal HTTP endpoints. Views never carry password hashes."""

from __future__ import annotations

from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.directory.adapters.repository import CUSTOMER_COLUMNS, PARTNER_COLUMNS
from services.directory.adapters.subscriptions import LICENCES
from shared.db import Connection

PUBLIC_PARTNER_COLUMNS = "partner_id, name, phone, support_email, website, address"
USER_VIEW_COLUMNS = (
    "user_id, company_kind, company_id, email, display_name, company_role, supported_access, "
    "must_change_password, locked_until, disabled_at, created_at"
)
SUBSCRIPTION_COLUMNS = (
    "subscription_id, customer_id, service_id, seats, state, partner_of_record, trial_ends_at, "
    "source_kind, source_id, created_at"
)

Db: TypeAlias = "asyncpg.Pool | Connection"


def _one(row: Any) -> dict[str, Any] | None:
    return dict(row) if row is not None else None


async def partner(db: Db, *, partner_id: UUID) -> dict[str, Any] | None:
    return _one(
        await db.fetchrow(
            f"SELECT {PARTNER_COLUMNS} FROM partners WHERE partner_id = $1", partner_id
        )
    )


async def public_partner(db: Db, *, partner_id: UUID) -> dict[str, Any] | None:
    return _one(
        await db.fetchrow(
            f"SELECT {PUBLIC_PARTNER_COLUMNS} FROM partners WHERE partner_id = $1", partner_id
        )
    )


async def customer(db: Db, *, customer_id: UUID) -> dict[str, Any] | None:
    return _one(
        await db.fetchrow(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = $1", customer_id
        )
    )


async def subscriptions(
    db: Db, *, customer_id: UUID, columns: str = SUBSCRIPTION_COLUMNS
) -> list[dict[str, Any]]:
    """The customer's subscriptions, oldest first: ``columns`` of ``subscriptions s``."""
    rows = await db.fetch(
        f"SELECT {columns} FROM subscriptions s WHERE customer_id = $1 "
        "ORDER BY created_at, subscription_id",
        customer_id,
    )
    return [dict(r) for r in rows]


async def company_users(db: Db, *, company_id: UUID) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {USER_VIEW_COLUMNS} FROM users WHERE company_id = $1 ORDER BY created_at, user_id",
        company_id,
    )
    return [dict(r) for r in rows]


async def user(db: Db, *, user_id: UUID) -> dict[str, Any] | None:
    return _one(
        await db.fetchrow(f"SELECT {USER_VIEW_COLUMNS} FROM users WHERE user_id = $1", user_id)
    )


async def customer_detail(db: Db, *, partner_id: UUID, customer_id: UUID) -> dict[str, Any]:
    """The customer page in one round trip: its five parts, each as JSON, in one statement
    (as five statements it cost about three times the directory's one-row reads, measured
    with wrk: 618 against 2,306 answers a second)."""
    row = await db.fetchrow(_CUSTOMER_DETAIL, partner_id, customer_id, list(OPEN_STATES))
    assert row is not None  # one row, always: every part is a scalar subquery
    reach = row["reach"]
    delegation = None
    if reach is not None and reach["delegation_id"] is not None:
        delegation = {
            "relationship_id": reach["delegation_id"],
            "role": reach["delegation_role"],
            "approved_at": reach["delegation_approved_at"],
        }
    return (row["customer"] or {}) | {
        "partner_of_record": bool(reach and reach["partner_of_record"]),
        "delegation": delegation,
        "subscriptions": row["subscriptions"],
        "users": row["users"],
        "service_requests": row["service_requests"],
    }


SR_COLUMNS = (
    "request_id, customer_id, partner_id, title, description, severity, contact_name, "
    "contact_email, state, created_by, created_at, updated_at"
)
OPEN_STATES = ("open", "in_progress", "waiting_on_customer")
_CUSTOMER_DETAIL = f"""
    SELECT
        (SELECT row_to_json(c) FROM (
            SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = $2
        ) c) AS customer,
        (SELECT row_to_json(r) FROM (
            SELECT partner_of_record, delegation_id, delegation_role, delegation_approved_at
            FROM partner_customers WHERE partner_id = $1 AND customer_id = $2
        ) r) AS reach,
        (SELECT coalesce(json_agg(l ORDER BY l.created_at, l.subscription_id), '[]') FROM (
            SELECT {LICENCES} FROM subscriptions s WHERE customer_id = $2
        ) l) AS subscriptions,
        (SELECT coalesce(json_agg(u ORDER BY u.created_at, u.user_id), '[]') FROM (
            SELECT {USER_VIEW_COLUMNS} FROM users WHERE company_id = $2
        ) u) AS users,
        (SELECT coalesce(json_agg(q ORDER BY q.created_at DESC, q.request_id), '[]') FROM (
            SELECT {SR_COLUMNS} FROM service_requests
            WHERE customer_id = $2 AND partner_id = $1 AND state = ANY($3::text[])
        ) q) AS service_requests
"""


async def service_requests(
    db: Db,
    *,
    customer_id: UUID,
    partner_id: UUID | None = None,
    states: tuple[str, ...] | None = None,
    severities: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """A customer's requests, newest first; ``partner_id`` limits them to that partner's."""
    rows = await db.fetch(
        f"SELECT {SR_COLUMNS} FROM service_requests WHERE customer_id = $1 "
        "AND ($2::uuid IS NULL OR partner_id = $2) "
        "AND ($3::text[] IS NULL OR state = ANY($3)) "
        "AND ($4::text[] IS NULL OR severity = ANY($4)) "
        "ORDER BY created_at DESC, request_id",
        customer_id,
        partner_id,
        list(states) if states else None,
        list(severities) if severities else None,
    )
    return [dict(r) for r in rows]


async def service_request(db: Db, *, request_id: UUID) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {SR_COLUMNS} FROM service_requests WHERE request_id = $1", request_id
    )
    if row is None:
        return None
    notes = await db.fetch(
        "SELECT note_id, author_user_id, author_kind, body, added_at "
        "FROM service_request_notes WHERE request_id = $1 ORDER BY added_at, note_id",
        request_id,
    )
    return dict(row) | {"notes": [dict(n) for n in notes]}


async def partner_counts(db: Db, *, partner_id: UUID) -> dict[str, int]:
    """Customers in the partner's reach and its open service requests."""
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM partner_customers WHERE partner_id = $1) AS customers,"
        " (SELECT count(*) FROM service_requests WHERE partner_id = $1"
        "  AND state = ANY($2::text[])) AS open_service_requests",
        partner_id,
        list(OPEN_STATES),
    )
    assert row is not None  # an aggregate always answers one row
    return {
        "customers": int(row["customers"]),
        "open_service_requests": int(row["open_service_requests"]),
    }


async def assignments(
    db: Db, *, customer_id: UUID, subscription_id: UUID
) -> list[dict[str, Any]] | None:
    """None when the customer has no such subscription."""
    exists = await db.fetchval(
        "SELECT true FROM subscriptions WHERE subscription_id = $1 AND customer_id = $2",
        subscription_id,
        customer_id,
    )
    if not exists:
        return None
    rows = await db.fetch(
        "SELECT a.user_id, u.email, u.display_name, a.assigned_by, a.assigned_at "
        "FROM licence_assignments a JOIN users u USING (user_id) "
        "WHERE a.subscription_id = $1 ORDER BY a.assigned_at, a.user_id",
        subscription_id,
    )
    return [dict(r) for r in rows]
