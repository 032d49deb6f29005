"""The periodic sweep: pending requests that expired unanswered, warnings before the end of
time-bound relationships, and their expiry.

Each pass is one transaction: the conditional UPDATEs and the events they yield go into
the outbox together, so an event is published if and only if its transition committed.
Two copies of the service may sweep at once; a row changes (and emits) only once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.delegation import handlers
from services.delegation.adapters.repository import PgRepository
from services.delegation.domain.model import Policy
from shared.contracts.topics import DELEGATION_EVENTS
from shared.logging import get_logger
from shared.messaging import outbox
from shared.messaging.envelope import new_id

log = get_logger(__name__)


class Sweeper:
    """The sweep step; the kernel runs it every interval (``ServiceSpec.periodic``)."""

    def __init__(self, *, service: str, policy: Policy) -> None:
        self.service = service
        self.policy = policy

    async def sweep_once(self, pool: Any) -> int:
        async with pool.acquire() as conn, conn.transaction():
            events = await handlers.sweep(
                PgRepository(conn), now=datetime.now(UTC), policy=self.policy
            )
            await outbox.store(
                conn,
                [
                    # A transition nobody asked for starts its own correlation.
                    outbox.pending(
                        e,
                        topic=DELEGATION_EVENTS,
                        source=self.service,
                        correlation_id=new_id(),
                        causation_id=None,
                    )
                    for e in events
                ],
            )
        if events:
            log.info("sweep_applied", events=len(events))
        return len(events)
