"""An in-memory SubscriptionRepository with the same contract as PgSubscriptionRepository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from services.directory.domain.model import User
from services.directory.domain.subscriptions import Subscription


class FakeSubscriptions:
    def __init__(self) -> None:
        self.customers: set[UUID] = set()
        self.users: dict[UUID, User] = {}
        self.rows: dict[UUID, Subscription] = {}
        self.assignments: dict[UUID, dict[UUID, datetime]] = {}
        self.delegations: dict[tuple[UUID, UUID], str] = {}  # (partner, customer) -> role
        self.reach: set[tuple[UUID, UUID]] = set()  # (partner of record, customer)

    def _assigned(self, subscription_id: UUID) -> int:
        return len(self.assignments.get(subscription_id, {}))

    async def customer_exists(self, *, customer_id: UUID) -> bool:
        return customer_id in self.customers

    async def get_user(self, *, user_id: UUID) -> User | None:
        return self.users.get(user_id)

    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        return self.delegations.get((partner_id, customer_id))

    async def get(self, *, subscription_id: UUID, lock: bool = False) -> Subscription | None:
        found = self.rows.get(subscription_id)
        if found is None:
            return None
        return replace(found, assigned=self._assigned(subscription_id))

    async def line_applied(self, *, redemption_id: UUID, service_id: str) -> bool:
        return any(
            s.paid_source_id == redemption_id and s.service_id == service_id
            for s in self.rows.values()
        )

    async def convertible(self, *, customer_id: UUID, service_id: str) -> Subscription | None:
        found = [
            s
            for s in self.rows.values()
            if s.customer_id == customer_id
            and s.service_id == service_id
            and s.state in ("trial", "expired")
        ]
        found.sort(key=lambda s: (s.state == "trial", s.created_at), reverse=True)
        return await self.get(subscription_id=found[0].subscription_id) if found else None

    async def add(self, *, subscription: Subscription) -> bool:
        s = subscription
        for other in self.rows.values():
            if (other.source_kind, other.source_id, other.service_id) == (
                s.source_kind,
                s.source_id,
                s.service_id,
            ) or (
                s.paid_source_id
                and (other.paid_source_id, other.service_id)
                == (
                    s.paid_source_id,
                    s.service_id,
                )
            ):
                return False
        self.rows[s.subscription_id] = replace(s)
        return True

    async def add_partner_of_record(self, *, partner_id: UUID, customer_id: UUID) -> None:
        self.reach.add((partner_id, customer_id))

    async def customers_known(self, *, customer_ids: set[UUID]) -> set[UUID]:
        return customer_ids & self.customers

    async def add_all(self, *, subscriptions: Sequence[Subscription]) -> set[UUID]:
        return {s.subscription_id for s in subscriptions if await self.add(subscription=s)}

    async def add_partners_of_record(self, *, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        assert len(set(pairs)) == len(pairs)  # one statement may not touch a row twice
        self.reach.update(pairs)

    async def save(self, *, subscription: Subscription) -> None:
        self.rows[subscription.subscription_id] = replace(subscription)

    async def is_assigned(self, *, subscription_id: UUID, user_id: UUID) -> bool:
        return user_id in self.assignments.get(subscription_id, {})

    async def assign(
        self, *, subscription_id: UUID, user_id: UUID, by: UUID, now: datetime
    ) -> None:
        self.assignments.setdefault(subscription_id, {})[user_id] = now

    async def unassign(self, *, subscription_id: UUID, user_id: UUID) -> bool:
        return self.assignments.get(subscription_id, {}).pop(user_id, None) is not None

    async def release_newest(self, *, subscription_id: UUID, count: int) -> list[UUID]:
        held = self.assignments.get(subscription_id, {})
        newest = sorted(held, key=lambda u: (held[u], u), reverse=True)[: max(0, count)]
        for user_id in newest:
            del held[user_id]
        return sorted(newest)

    async def release_all(self, *, subscription_id: UUID) -> list[UUID]:
        return sorted(self.assignments.pop(subscription_id, {}))

    async def expire_trials(self, *, now: datetime, limit: int) -> list[Subscription]:
        due = [
            s
            for s in self.rows.values()
            if s.state == "trial" and s.trial_ends_at is not None and s.trial_ends_at < now
        ][:limit]
        for s in due:
            s.state, s.updated_at = "expired", now
        return [replace(s) for s in due]
