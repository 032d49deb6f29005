"""An in-memory repository with the same behaviour as PgRepository (no I/O)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from services.delegation.domain.model import DelegationRequest, Relationship


class FakeRepository:
    def __init__(self) -> None:
        self.requests: dict[UUID, DelegationRequest] = {}
        self.relationships: dict[UUID, Relationship] = {}
        self.admins: dict[UUID, set[UUID]] = {}

    def add_admin(self, *, customer_id: UUID, user_id: UUID) -> None:
        self.admins.setdefault(customer_id, set()).add(user_id)

    async def customer_exists(self, *, customer_id: UUID) -> bool:
        return customer_id in self.admins

    async def customer_admins(self, *, customer_id: UUID) -> frozenset[UUID]:
        return frozenset(self.admins.get(customer_id, ()))

    async def add_request(self, *, request: DelegationRequest) -> bool:
        for known in self.requests.values():
            if (known.source_kind, known.source_id) == (request.source_kind, request.source_id):
                return False
            if request.code is not None and known.code == request.code:
                return False
        if request.request_id in self.requests:
            return False
        self.requests[request.request_id] = dataclasses.replace(request)
        return True

    async def add_requests(self, requests: Sequence[DelegationRequest]) -> set[UUID]:
        return {r.request_id for r in requests if await self.add_request(request=r)}

    async def get_request(self, *, request_id: UUID) -> DelegationRequest | None:
        found = self.requests.get(request_id)
        return dataclasses.replace(found) if found else None

    async def save_request(self, *, request: DelegationRequest) -> None:
        self.requests[request.request_id] = dataclasses.replace(request)

    async def get_relationship(self, *, relationship_id: UUID) -> Relationship | None:
        found = self.relationships.get(relationship_id)
        return dataclasses.replace(found) if found else None

    async def active_relationship(
        self, *, partner_id: UUID, customer_id: UUID
    ) -> Relationship | None:
        for r in self.relationships.values():
            if (r.partner_id, r.customer_id, r.state) == (partner_id, customer_id, "active"):
                return dataclasses.replace(r)
        return None

    async def add_relationship(self, *, relationship: Relationship) -> None:
        active = await self.active_relationship(
            partner_id=relationship.partner_id, customer_id=relationship.customer_id
        )
        # The unique index of the real table.
        assert active is None, "two active relationships for one (partner, customer)"
        self.relationships[relationship.relationship_id] = dataclasses.replace(relationship)

    async def save_relationship(self, *, relationship: Relationship) -> None:
        self.relationships[relationship.relationship_id] = dataclasses.replace(relationship)

    async def expire_pending(self, *, now: datetime) -> list[DelegationRequest]:
        expired = []
        for r in self.requests.values():
            if r.state == "pending" and r.expires_at <= now:
                r.state, r.decided_at = "expired", now
                expired.append(dataclasses.replace(r))
        return expired

    async def warn_ending(self, *, now: datetime, lead: timedelta) -> list[Relationship]:
        warned = []
        for r in self.relationships.values():
            if (
                r.state == "active"
                and r.ends_at is not None
                and r.warned_at is None
                and r.ends_at - lead <= now
            ):
                r.warned_at = now
                warned.append(dataclasses.replace(r))
        return warned

    async def expire_ended(self, *, now: datetime) -> list[Relationship]:
        ended = []
        for r in self.relationships.values():
            if r.state == "active" and r.ends_at is not None and r.ends_at <= now:
                r.state, r.ended_at = "expired", now
                ended.append(dataclasses.replace(r))
        return ended
