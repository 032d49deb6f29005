"""Persistence of the Subscription aggregate (trial and paid) and licence assignments
(asyncpg, directory schema). Every change to a subscription's quantity or assignments happens
under a row lock on the subscription (``get(lock=True)``), so concurrent commands cannot
over-assign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any, Protocol
from uuid import UUID

from services.directory.adapters.delegations import delegation_role
from services.directory.adapters.repository import USER_COLUMNS, user_from_row
from services.directory.domain.model import User
from services.directory.domain.subscriptions import Subscription
from shared import rows
from shared.repository import KnownCustomers

COLUMNS = (
    "subscription_id, customer_id, service_id, seats, state, partner_of_record, trial_ends_at, "
    "source_kind, source_id, paid_source_id, created_at, updated_at"
)
_ASSIGNED = (
    "(SELECT count(*) FROM licence_assignments a "
    "WHERE a.subscription_id = s.subscription_id)::int AS assigned"
)
LICENCES = f"{COLUMNS}, {_ASSIGNED}"  # a subscription and its assigned licences, from ``s``
# What saving a subscription may change (not its id, customer, service, source or creation).
_CHANGES = "seats, state, partner_of_record, trial_ends_at, paid_source_id, updated_at"
_INSERT = rows.insert("subscriptions", COLUMNS) + " ON CONFLICT DO NOTHING RETURNING true"
_UPDATE = rows.update("subscriptions", "subscription_id", _CHANGES)
# A subscription's columns in ``COLUMNS``' order (no enum among them: stored as they are).
_values = attrgetter(*rows.names(COLUMNS))


class SubscriptionRepository(Protocol):
    async def customer_exists(self, *, customer_id: UUID) -> bool: ...
    async def get_user(self, *, user_id: UUID) -> User | None: ...
    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        """The partner's active delegation with the customer (see ``Repository``)."""
        ...

    async def get(self, *, subscription_id: UUID, lock: bool = False) -> Subscription | None: ...
    async def line_applied(self, *, redemption_id: UUID, service_id: str) -> bool: ...
    async def convertible(self, *, customer_id: UUID, service_id: str) -> Subscription | None:
        """The customer's newest trial (or expired trial) of the service, locked."""
        ...

    async def add(self, *, subscription: Subscription) -> bool:
        """False (nothing written) when its source or paid source already exists."""
        ...

    async def add_partner_of_record(self, *, partner_id: UUID, customer_id: UUID) -> None:
        """The partner of record reaches the customer (finds and supports it)."""
        ...

    # Set-based, for a run of redemptions: one statement each.
    async def customers_known(self, *, customer_ids: set[UUID]) -> set[UUID]: ...
    async def add_all(self, *, subscriptions: Sequence[Subscription]) -> set[UUID]:
        """Insert in the given order, skipping any whose source or paid source exists (or
        comes earlier in ``subscriptions``); returns the ids inserted."""
        ...

    async def add_partners_of_record(self, *, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        """``add_partner_of_record`` for distinct (partner, customer) pairs, in that order."""
        ...

    async def save(self, *, subscription: Subscription) -> None: ...
    async def is_assigned(self, *, subscription_id: UUID, user_id: UUID) -> bool: ...
    async def assign(
        self, *, subscription_id: UUID, user_id: UUID, by: UUID, now: datetime
    ) -> None: ...
    async def unassign(self, *, subscription_id: UUID, user_id: UUID) -> bool: ...
    async def release_newest(self, *, subscription_id: UUID, count: int) -> list[UUID]: ...
    async def release_all(self, *, subscription_id: UUID) -> list[UUID]: ...
    async def expire_trials(self, *, now: datetime, limit: int) -> list[Subscription]:
        """Trials whose end passed become expired (at most ``limit``); returns them."""
        ...


def from_row(row: Any) -> Subscription:
    return Subscription(**dict(row))


class PgSubscriptionRepository(KnownCustomers):
    async def get_user(self, *, user_id: UUID) -> User | None:
        row = await self.conn.fetchrow(
            f"SELECT {USER_COLUMNS} FROM users WHERE user_id = $1", user_id
        )
        return user_from_row(row) if row else None

    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        return await delegation_role(
            self.conn, partner_id=partner_id, customer_id=customer_id, lock=lock
        )

    async def get(self, *, subscription_id: UUID, lock: bool = False) -> Subscription | None:
        # Lock first, count after: the count is then stable until the transaction ends.
        if lock:
            await self.conn.execute(
                "SELECT 1 FROM subscriptions WHERE subscription_id = $1 FOR UPDATE",
                subscription_id,
            )
        row = await self.conn.fetchrow(
            f"SELECT {COLUMNS}, {_ASSIGNED} FROM subscriptions s WHERE subscription_id = $1",
            subscription_id,
        )
        return from_row(row) if row else None

    async def line_applied(self, *, redemption_id: UUID, service_id: str) -> bool:
        return await self.exists(
            "SELECT true FROM subscriptions WHERE paid_source_id = $1 AND service_id = $2",
            redemption_id,
            service_id,
        )

    async def convertible(self, *, customer_id: UUID, service_id: str) -> Subscription | None:
        found = await self.conn.fetchval(
            "SELECT subscription_id FROM subscriptions WHERE customer_id = $1 "
            "AND service_id = $2 AND state IN ('trial', 'expired') "
            "ORDER BY state = 'trial' DESC, created_at DESC LIMIT 1 FOR UPDATE",
            customer_id,
            service_id,
        )
        if found is None:
            return None
        subscription = await self.get(subscription_id=found)
        # Another transaction may have converted it between the lock wait and now.
        return subscription if subscription and subscription.state in ("trial", "expired") else None

    async def add(self, *, subscription: Subscription) -> bool:
        inserted = await self.conn.fetchval(_INSERT, *_values(subscription))
        return bool(inserted)

    async def add_partner_of_record(self, *, partner_id: UUID, customer_id: UUID) -> None:
        await self.conn.execute(
            "INSERT INTO partner_customers (partner_id, customer_id, partner_of_record) "
            "VALUES ($1, $2, true) ON CONFLICT (partner_id, customer_id) "
            "DO UPDATE SET partner_of_record = true WHERE NOT partner_customers.partner_of_record",
            partner_id,
            customer_id,
        )

    async def customers_known(self, *, customer_ids: set[UUID]) -> set[UUID]:
        rows = await self.conn.fetch(
            "SELECT customer_id FROM customers WHERE customer_id = ANY($1::uuid[])",
            list(customer_ids),
        )
        return {r["customer_id"] for r in rows}

    async def add_all(self, *, subscriptions: Sequence[Subscription]) -> set[UUID]:
        if not subscriptions:
            return set()
        columns = list(zip(*(_values(s) for s in subscriptions), strict=True))
        rows = await self.conn.fetch(
            f"INSERT INTO subscriptions ({COLUMNS}) "
            "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], "
            "$6::uuid[], $7::timestamptz[], $8::text[], $9::uuid[], $10::uuid[], "
            "$11::timestamptz[], $12::timestamptz[]) "
            "ON CONFLICT DO NOTHING RETURNING subscription_id",
            *(list(c) for c in columns),
        )
        return {r["subscription_id"] for r in rows}

    async def add_partners_of_record(self, *, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        if not pairs:
            return
        await self.conn.execute(
            "INSERT INTO partner_customers (partner_id, customer_id, partner_of_record) "
            "SELECT p, c, true FROM unnest($1::uuid[], $2::uuid[]) AS u(p, c) "
            "ON CONFLICT (partner_id, customer_id) "
            "DO UPDATE SET partner_of_record = true WHERE NOT partner_customers.partner_of_record",
            [p for p, _ in pairs],
            [c for _, c in pairs],
        )

    async def save(self, *, subscription: Subscription) -> None:
        await self.conn.execute(
            _UPDATE, subscription.subscription_id, *rows.values(subscription, _CHANGES)
        )

    async def is_assigned(self, *, subscription_id: UUID, user_id: UUID) -> bool:
        return await self.exists(
            "SELECT true FROM licence_assignments WHERE subscription_id = $1 AND user_id = $2",
            subscription_id,
            user_id,
        )

    async def assign(
        self, *, subscription_id: UUID, user_id: UUID, by: UUID, now: datetime
    ) -> None:
        await self.conn.execute(
            "INSERT INTO licence_assignments (subscription_id, user_id, assigned_by, assigned_at) "
            "VALUES ($1, $2, $3, $4)",
            subscription_id,
            user_id,
            by,
            now,
        )

    async def unassign(self, *, subscription_id: UUID, user_id: UUID) -> bool:
        status = await self.conn.execute(
            "DELETE FROM licence_assignments WHERE subscription_id = $1 AND user_id = $2",
            subscription_id,
            user_id,
        )
        return bool(status == "DELETE 1")

    async def release_newest(self, *, subscription_id: UUID, count: int) -> list[UUID]:
        if count <= 0:
            return []
        rows = await self.conn.fetch(
            "DELETE FROM licence_assignments WHERE (subscription_id, user_id) IN ("
            " SELECT subscription_id, user_id FROM licence_assignments WHERE subscription_id = $1"
            " ORDER BY assigned_at DESC, user_id DESC LIMIT $2) RETURNING user_id",
            subscription_id,
            count,
        )
        return sorted(r["user_id"] for r in rows)

    async def release_all(self, *, subscription_id: UUID) -> list[UUID]:
        rows = await self.conn.fetch(
            "DELETE FROM licence_assignments WHERE subscription_id = $1 RETURNING user_id",
            subscription_id,
        )
        return sorted(r["user_id"] for r in rows)

    async def expire_trials(self, *, now: datetime, limit: int) -> list[Subscription]:
        # SKIP LOCKED: a second copy of the service sweeping at the same moment takes other
        # rows (or none); the state condition is re-checked by the UPDATE itself.
        rows = await self.conn.fetch(
            "UPDATE subscriptions s SET state = 'expired', updated_at = $1 "
            "WHERE subscription_id IN (SELECT subscription_id FROM subscriptions "
            " WHERE state = 'trial' AND trial_ends_at < $1 "
            " ORDER BY trial_ends_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
            "AND state = 'trial' "
            f"RETURNING {', '.join('s.' + c.strip() for c in COLUMNS.split(','))}",
            now,
            limit,
        )
        return [from_row(r) for r in rows]
