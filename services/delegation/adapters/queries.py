"""SQL of the read side: rows of requests and relationships for ``services.delegation.queries``
(which turns them into view models). Lists are keyset pages, tie-safe: ordered by
(sort key, id) descending and continued strictly after the cursor's (key, id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from services.delegation.adapters.repository import RELATIONSHIP_COLUMNS, REQUEST_COLUMNS
from shared.cursor import Cursor

Party = Literal["customer", "partner"]

_REQUEST_STATE = "CASE WHEN state = 'pending' AND expires_at <= $2 THEN 'expired' ELSE state END"
_RELATIONSHIP_STATE = "CASE WHEN state = 'active' AND ends_at <= $2 THEN 'expired' ELSE state END"


def _column(party: Party) -> str:
    return "customer_id" if party == "customer" else "partner_id"


async def requests_of(
    pool: Any,
    *,
    party: Party,
    party_id: UUID,
    now: datetime,
    state: str | None,
    after: Cursor | None,
    limit: int,
) -> list[Any]:
    rows: list[Any] = await pool.fetch(
        f"SELECT {REQUEST_COLUMNS} FROM requests WHERE {_column(party)} = $1 "
        f"AND ($3::text IS NULL OR {_REQUEST_STATE} = $3) "
        "AND ($4::timestamptz IS NULL OR (requested_at, request_id) < ($4, $5::uuid)) "
        "ORDER BY requested_at DESC, request_id DESC LIMIT $6",
        party_id,
        now,
        state,
        after.key if after else None,
        after.id if after else None,
        limit,
    )
    return rows


async def relationships_of(
    pool: Any,
    *,
    party: Party,
    party_id: UUID,
    now: datetime,
    state: str | None,
    after: Cursor | None,
    limit: int,
) -> list[Any]:
    rows: list[Any] = await pool.fetch(
        f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE {_column(party)} = $1 "
        f"AND ($3::text IS NULL OR {_RELATIONSHIP_STATE} = $3) "
        "AND ($4::timestamptz IS NULL OR (started_at, relationship_id) < ($4, $5::uuid)) "
        "ORDER BY started_at DESC, relationship_id DESC LIMIT $6",
        party_id,
        now,
        state,
        after.key if after else None,
        after.id if after else None,
        limit,
    )
    return rows


async def request_by_id(pool: Any, *, request_id: UUID) -> Any:
    return await pool.fetchrow(
        f"SELECT {REQUEST_COLUMNS} FROM requests WHERE request_id = $1", request_id
    )


async def request_by_code(pool: Any, *, code: str) -> Any:
    return await pool.fetchrow(f"SELECT {REQUEST_COLUMNS} FROM requests WHERE code = $1", code)


async def relationship_by_id(pool: Any, *, relationship_id: UUID) -> Any:
    return await pool.fetchrow(
        f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE relationship_id = $1",
        relationship_id,
    )


async def active_relationship(
    pool: Any, *, partner_id: UUID, customer_id: UUID, now: datetime
) -> Any:
    return await pool.fetchrow(
        f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE partner_id = $1 "
        "AND customer_id = $2 AND state = 'active' AND (ends_at IS NULL OR ends_at > $3)",
        partner_id,
        customer_id,
        now,
    )


async def partner_counts(pool: Any, *, partner_id: UUID) -> Any:
    return await pool.fetchrow(
        "SELECT (SELECT count(*) FROM requests WHERE partner_id = $1 AND state = 'pending' "
        "        AND expires_at > now()) AS pending, "
        "       (SELECT count(*) FROM relationships WHERE partner_id = $1 AND state = 'active' "
        "        AND (ends_at IS NULL OR ends_at > now())) AS active",
        partner_id,
    )
