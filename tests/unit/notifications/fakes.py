"""A small in-memory repository for the notifications handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from services.notifications.domain.message import MailRequest
from services.notifications.domain.model import Next, Outgoing


@dataclass
class FakeRepository:
    requests: dict[UUID, MailRequest] = field(default_factory=dict)
    deliveries: dict[UUID, dict[str, Any]] = field(default_factory=dict)

    async def add_request(self, *, request: MailRequest, now: datetime) -> bool:
        if request.request_id in self.requests:
            return False
        self.requests[request.request_id] = request
        return True

    async def add_deliveries(
        self, *, request_id: UUID, deliveries: list[tuple[UUID, str]], now: datetime
    ) -> None:
        for delivery_id, recipient in deliveries:
            self.deliveries.setdefault(
                delivery_id,
                {"request_id": request_id, "recipient": recipient, "status": "queued"}
                | {"attempts": 0},
            )

    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Outgoing]:
        raise NotImplementedError  # the sender's SQL: tests/integration/notifications

    async def record(
        self, *, delivery_id: UUID, attempts: int, outcome: Next, now: datetime
    ) -> bool:
        row = self.deliveries[delivery_id]
        if row["status"] != "sending" or row["attempts"] != attempts:
            return False
        row.update(status=outcome.status, next_attempt_at=outcome.next_attempt_at)
        if outcome.error:
            row["last_error"] = outcome.error
        return True
