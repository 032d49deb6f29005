"""The directory's view of the delegation service's relationships (``partner_customers``):
who may act for which customer."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from shared.db import Connection


async def delegation_role(
    conn: Connection, *, partner_id: UUID, customer_id: UUID, lock: bool = False
) -> str | None:
    """The active delegation's role in the directory's view (``partner_customers``)."""
    role: str | None = await conn.fetchval(
        "SELECT delegation_role FROM partner_customers WHERE partner_id = $1 "
        "AND customer_id = $2" + (" FOR SHARE" if lock else ""),
        partner_id,
        customer_id,
    )
    return role


class DelegationView:
    """The directory's copy of active delegations (in ``partner_customers``), fed by the
    delegation service's events. At most one is active per partner and customer."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def approved(
        self,
        *,
        partner_id: UUID,
        customer_id: UUID,
        relationship_id: UUID,
        role: str,
        approved_at: datetime,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO partner_customers (partner_id, customer_id, delegation_id, "
            "delegation_role, delegation_approved_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (partner_id, customer_id) DO UPDATE "
            "SET delegation_id = $3, delegation_role = $4, delegation_approved_at = $5",
            partner_id,
            customer_id,
            relationship_id,
            role,
            approved_at,
        )

    async def ended(self, *, relationship_id: UUID) -> None:
        await self.conn.execute(
            "DELETE FROM partner_customers WHERE delegation_id = $1 AND NOT partner_of_record",
            relationship_id,
        )
        await self.conn.execute(
            "UPDATE partner_customers SET delegation_id = NULL, delegation_role = NULL, "
            "delegation_approved_at = NULL WHERE delegation_id = $1",
            relationship_id,
        )
