"""SQL of the read side: rows of requests and relationships for ``services.delegation.queries``
(which turns them into view models). Lists are keyset pages, tie-safe: ordered by
(sort key, id) descending and continued strictly after the cursor's (key, id)."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Listing:
    """A keyset-paged list: its table and columns, its state as of ``$2``, and its order
    (time column, id column), newest first."""

    table: str
    columns: str
    state: str
    at: str
    key: str

    def sort_key(self, row: Any) -> tuple[datetime, UUID]:
        return row[self.at], row[self.key]


REQUESTS = Listing("requests", REQUEST_COLUMNS, _REQUEST_STATE, "requested_at", "request_id")
RELATIONSHIPS = Listing(
    "relationships", RELATIONSHIP_COLUMNS, _RELATIONSHIP_STATE, "started_at", "relationship_id"
)


@dataclass(frozen=True)
class Slice:
    """Which page of a list: one party's rows, in a state or any, after a cursor."""

    party: Party
    party_id: UUID
    state: str | None
    after: Cursor | None
    limit: int


async def page_of(pool: Any, listing: Listing, page: Slice, *, now: datetime) -> list[Any]:
    """``page``'s rows of ``listing`` and one more (to tell whether a next page exists)."""
    at, key = listing.at, listing.key
    rows: list[Any] = await pool.fetch(
        f"SELECT {listing.columns} FROM {listing.table} WHERE {_column(page.party)} = $1 "
        f"AND ($3::text IS NULL OR {listing.state} = $3) "
        f"AND ($4::timestamptz IS NULL OR ({at}, {key}) < ($4, $5::uuid)) "
        f"ORDER BY {at} DESC, {key} DESC LIMIT $6",
        page.party_id,
        now,
        page.state,
        page.after.key if page.after else None,
        page.after.id if page.after else None,
        page.limit + 1,
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
