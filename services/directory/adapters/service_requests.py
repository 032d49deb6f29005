"""Persistence of service requests and their notes (asyncpg, directory schema)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

import asyncpg

from services.directory.domain import errors
from services.directory.domain.service_requests import Note, ServiceRequest, State
from shared import rows
from shared.db import Connection

_SR_COLUMNS = (
    "request_id, customer_id, partner_id, title, description, severity, contact_name, "
    "contact_email, state, created_by, created_at, updated_at"
)


class ServiceRequestStore(Protocol):
    async def get_service_request(self, *, request_id: UUID) -> ServiceRequest | None: ...
    async def add_service_request(self, *, request: ServiceRequest) -> None: ...
    async def save_service_request(self, *, request: ServiceRequest) -> None: ...
    async def add_note(self, *, note: Note) -> bool:
        """False when a note with this id exists already."""
        ...


class PgServiceRequests:
    conn: Connection

    async def get_service_request(self, *, request_id: UUID) -> ServiceRequest | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SR_COLUMNS} FROM service_requests WHERE request_id = $1 FOR UPDATE",
            request_id,
        )
        if row is None:
            return None
        return ServiceRequest(**(dict(row) | {"state": State(row["state"])}))

    async def add_service_request(self, *, request: ServiceRequest) -> None:
        try:
            await self.conn.execute(
                rows.insert("service_requests", _SR_COLUMNS), *rows.values(request, _SR_COLUMNS)
            )
        except asyncpg.UniqueViolationError as exc:
            raise errors.ServiceRequestAlreadyExists("This request id is taken.") from exc

    async def save_service_request(self, *, request: ServiceRequest) -> None:
        await self.conn.execute(
            "UPDATE service_requests SET state = $2, updated_at = $3 WHERE request_id = $1",
            request.request_id,
            request.state.value,
            request.updated_at,
        )

    async def add_note(self, *, note: Note) -> bool:
        n = note
        inserted = await self.conn.fetchval(
            "INSERT INTO service_request_notes (note_id, request_id, author_user_id, "
            "author_kind, body, added_at) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (note_id) DO NOTHING RETURNING true",
            n.note_id, n.request_id, n.author_user_id, n.author_kind, n.body, n.added_at,
        )  # fmt: skip
        return bool(inserted)
