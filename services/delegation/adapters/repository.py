"""Persistence of requests and relationships, and the local view of customers' admins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from services.delegation.domain.model import DelegationRequest, Relationship
from shared import rows
from shared.repository import KnownCustomers

REQUEST_COLUMNS = (
    "request_id, partner_id, customer_id, role, source_kind, source_id, requested_at, "
    "expires_at, duration, requested_by, code, state, decided_at, decided_by"
)
RELATIONSHIP_COLUMNS = (
    "relationship_id, partner_id, customer_id, role, approved_by, started_at, ends_at, state, "
    "warned_at, ended_at, ended_by, ended_by_party, replaced_by"
)
# What deciding a request, and ending or warning of a relationship, may change.
_REQUEST_CHANGES = "state, decided_at, decided_by"
_RELATIONSHIP_CHANGES = "state, warned_at, ended_at, ended_by, ended_by_party, replaced_by"
_UPDATE_REQUEST = rows.update("requests", "request_id", _REQUEST_CHANGES)
_INSERT_RELATIONSHIP = rows.insert("relationships", RELATIONSHIP_COLUMNS)
_UPDATE_RELATIONSHIP = rows.update("relationships", "relationship_id", _RELATIONSHIP_CHANGES)


class Repository(Protocol):
    async def customer_exists(self, *, customer_id: UUID) -> bool: ...
    async def customer_admins(self, *, customer_id: UUID) -> frozenset[UUID]: ...
    async def add_request(self, *, request: DelegationRequest) -> bool: ...
    async def add_requests(self, requests: Sequence[DelegationRequest]) -> set[UUID]: ...
    async def get_request(self, *, request_id: UUID) -> DelegationRequest | None: ...
    async def save_request(self, *, request: DelegationRequest) -> None: ...
    async def get_relationship(self, *, relationship_id: UUID) -> Relationship | None: ...
    async def active_relationship(
        self, *, partner_id: UUID, customer_id: UUID
    ) -> Relationship | None: ...
    async def add_relationship(self, *, relationship: Relationship) -> None: ...
    async def save_relationship(self, *, relationship: Relationship) -> None: ...
    async def expire_pending(self, *, now: datetime) -> list[DelegationRequest]: ...
    async def warn_ending(self, *, now: datetime, lead: timedelta) -> list[Relationship]: ...
    async def expire_ended(self, *, now: datetime) -> list[Relationship]: ...


def to_request(row: Any) -> DelegationRequest:
    return DelegationRequest(**dict(row))


def to_relationship(row: Any) -> Relationship:
    return Relationship(**dict(row))


class PgRepository(KnownCustomers):
    """Every ``get`` locks its row: the caller is inside the consumer's transaction."""

    async def customer_admins(self, *, customer_id: UUID) -> frozenset[UUID]:
        rows = await self.conn.fetch(
            "SELECT user_id FROM customer_admins WHERE customer_id = $1", customer_id
        )
        return frozenset(r["user_id"] for r in rows)

    async def add_request(self, *, request: DelegationRequest) -> bool:
        """False when a request with this id, source or code exists already."""
        return request.request_id in await self.add_requests([request])

    async def add_requests(self, requests: Sequence[DelegationRequest]) -> set[UUID]:
        """The ids of those inserted, in one statement; a request whose id, source or code
        exists already is left out."""
        if not requests:
            return set()
        columns = rows.names(REQUEST_COLUMNS)
        added = await self.conn.fetch(
            f"INSERT INTO requests ({REQUEST_COLUMNS}) SELECT * FROM unnest("
            "$1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], "
            "$7::timestamptz[], $8::timestamptz[], $9::interval[], $10::uuid[], $11::text[], "
            "$12::text[], $13::timestamptz[], $14::uuid[]) "
            "ON CONFLICT DO NOTHING RETURNING request_id",
            *([getattr(r, c) for r in requests] for c in columns),
        )
        return {r["request_id"] for r in added}

    async def get_request(self, *, request_id: UUID) -> DelegationRequest | None:
        row = await self.conn.fetchrow(
            f"SELECT {REQUEST_COLUMNS} FROM requests WHERE request_id = $1 FOR UPDATE",
            request_id,
        )
        return to_request(row) if row else None

    async def save_request(self, *, request: DelegationRequest) -> None:
        await self.conn.execute(
            _UPDATE_REQUEST, request.request_id, *rows.values(request, _REQUEST_CHANGES)
        )

    async def get_relationship(self, *, relationship_id: UUID) -> Relationship | None:
        row = await self.conn.fetchrow(
            f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships "
            "WHERE relationship_id = $1 FOR UPDATE",
            relationship_id,
        )
        return to_relationship(row) if row else None

    async def active_relationship(
        self, *, partner_id: UUID, customer_id: UUID
    ) -> Relationship | None:
        row = await self.conn.fetchrow(
            f"SELECT {RELATIONSHIP_COLUMNS} FROM relationships "
            "WHERE partner_id = $1 AND customer_id = $2 AND state = 'active' FOR UPDATE",
            partner_id,
            customer_id,
        )
        return to_relationship(row) if row else None

    async def add_relationship(self, *, relationship: Relationship) -> None:
        await self.conn.execute(
            _INSERT_RELATIONSHIP, *rows.values(relationship, RELATIONSHIP_COLUMNS)
        )

    async def save_relationship(self, *, relationship: Relationship) -> None:
        await self.conn.execute(
            _UPDATE_RELATIONSHIP,
            relationship.relationship_id,
            *rows.values(relationship, _RELATIONSHIP_CHANGES),
        )

    # The sweep. Each is one conditional UPDATE: of two copies of the service sweeping at
    # once, the second finds the rows already changed (READ COMMITTED re-checks the WHERE
    # after waiting for the row lock) and returns nothing, so no event is emitted twice.

    async def expire_pending(self, *, now: datetime) -> list[DelegationRequest]:
        rows = await self.conn.fetch(
            "UPDATE requests SET state = 'expired', decided_at = $1 "
            f"WHERE state = 'pending' AND expires_at <= $1 RETURNING {REQUEST_COLUMNS}",
            now,
        )
        return [to_request(r) for r in rows]

    async def warn_ending(self, *, now: datetime, lead: timedelta) -> list[Relationship]:
        rows = await self.conn.fetch(
            "UPDATE relationships SET warned_at = $1 WHERE state = 'active' "
            "AND ends_at IS NOT NULL AND warned_at IS NULL AND ends_at - $2::interval <= $1 "
            f"RETURNING {RELATIONSHIP_COLUMNS}",
            now,
            lead,
        )
        return [to_relationship(r) for r in rows]

    async def expire_ended(self, *, now: datetime) -> list[Relationship]:
        rows = await self.conn.fetch(
            "UPDATE relationships SET state = 'expired', ended_at = $1 "
            "WHERE state = 'active' AND ends_at <= $1 "
            f"RETURNING {RELATIONSHIP_COLUMNS}",
            now,
        )
        return [to_relationship(r) for r in rows]

    # The local view fed by the directory's events.

    async def add_customer_admin(self, *, customer_id: UUID, user_id: UUID) -> None:
        await self.conn.execute(
            "INSERT INTO customers (customer_id) VALUES ($1) ON CONFLICT DO NOTHING", customer_id
        )
        await self.conn.execute(
            "INSERT INTO customer_admins (customer_id, user_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            customer_id,
            user_id,
        )

    async def remove_customer_admin(self, *, customer_id: UUID, user_id: UUID) -> None:
        await self.conn.execute(
            "DELETE FROM customer_admins WHERE customer_id = $1 AND user_id = $2",
            customer_id,
            user_id,
        )
