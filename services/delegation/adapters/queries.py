"""Read side for the internal HTTP endpoints: views of requests and relationships as the
gateway shows them, with the state as of now (an expiry not yet swept already shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from services.delegation.adapters.repository import (
    RELATIONSHIP_COLUMNS,
    REQUEST_COLUMNS,
    to_relationship,
    to_request,
)
from services.delegation.domain.model import offer_url

Party = Literal["customer", "partner"]

_REQUEST_STATE = "CASE WHEN state = 'pending' AND expires_at <= $2 THEN 'expired' ELSE state END"
_RELATIONSHIP_STATE = "CASE WHEN state = 'active' AND ends_at <= $2 THEN 'expired' ELSE state END"


def request_view(row: Any, now: datetime, *, base_url: str | None) -> dict[str, Any]:
    request = to_request(row)
    view: dict[str, Any] = {
        "request_id": request.request_id,
        "partner_id": request.partner_id,
        "customer_id": request.customer_id,
        "role": request.role,
        "duration_seconds": (
            int(request.duration.total_seconds()) if request.duration is not None else None
        ),
        "state": request.status(now),
        "source_kind": request.source_kind,
        "source_id": request.source_id,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "expires_at": request.expires_at,
        "decided_at": request.decided_at,
        "decided_by": request.decided_by,
    }
    if base_url is not None:
        view["url"] = offer_url(base_url, request.code) if request.code else None
    return view


def relationship_view(row: Any, now: datetime) -> dict[str, Any]:
    relationship = to_relationship(row)
    view = dict(row)
    view["state"] = relationship.status(now)
    return view


async def requests_of(
    pool: Any,
    *,
    party: Party,
    party_id: UUID,
    now: datetime,
    state: str | None,
    before: datetime | None,
    limit: int,
) -> list[Any]:
    column = "customer_id" if party == "customer" else "partner_id"
    rows: list[Any] = await pool.fetch(
        f"SELECT {REQUEST_COLUMNS} FROM requests WHERE {column} = $1 "
        f"AND ($3::text IS NULL OR {_REQUEST_STATE} = $3) "
        "AND ($4::timestamptz IS NULL OR requested_at < $4) "
        "ORDER BY requested_at DESC, request_id LIMIT $5",
        party_id,
        now,
        state,
        before,
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
    before: datetime | None,
    limit: int,
) -> list[Any]:
    column = "customer_id" if party == "customer" else "partner_id"
    rows: list[Any] = await pool.fetch(
        f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE {column} = $1 "
        f"AND ($3::text IS NULL OR {_RELATIONSHIP_STATE} = $3) "
        "AND ($4::timestamptz IS NULL OR started_at < $4) "
        "ORDER BY started_at DESC, relationship_id LIMIT $5",
        party_id,
        now,
        state,
        before,
        limit,
    )
    return rows


async def request_by_id(pool: Any, *, request_id: UUID) -> Any:
    return await pool.fetchrow(
        f"SELECT {REQUEST_COLUMNS} FROM requests WHERE request_id = $1", request_id
    )


async def request_by_code(pool: Any, *, code: str) -> Any:
    return await pool.fetchrow(f"SELECT {REQUEST_COLUMNS} FROM requests WHERE code = $1", code)


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
