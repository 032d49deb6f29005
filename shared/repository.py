"""What the services' PostgreSQL repositories share: a repository works on the one
connection of the unit of work it was made for, and several services keep the same local
view of the directory's customers (``customers``, keyed by ``customer_id``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared.db import Connection


class PgRepository:
    """A repository over the unit of work's connection (inside its transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def exists(self, query: str, *args: object) -> bool:
        """Whether ``query`` (``SELECT true FROM … WHERE …``) finds a row."""
        return bool(await self.conn.fetchval(query, *args))

    async def one(self, query: str, *args: object, lock: bool = False) -> Any:
        """The row ``query`` finds (None if none); ``lock``: held until commit."""
        return await self.conn.fetchrow(query + " FOR UPDATE" if lock else query, *args)


class KnownCustomers(PgRepository):
    """The customers the service has heard of from the directory's events."""

    async def customer_exists(self, *, customer_id: UUID) -> bool:
        return await self.exists("SELECT true FROM customers WHERE customer_id = $1", customer_id)


class NamedCustomers(KnownCustomers):
    """Known customers with their names (a later event may bring the name)."""

    async def add_customer(self, *, customer_id: UUID, name: str | None = None) -> None:
        await self.conn.execute(
            "INSERT INTO customers (customer_id, name) VALUES ($1, $2) "
            "ON CONFLICT (customer_id) DO UPDATE "
            "SET name = coalesce(EXCLUDED.name, customers.name)",
            customer_id,
            name,
        )
