"""The sender: delivers queued messages, one recipient each, on the kernel's clock
(``ServiceSpec.periodic``).

Each delivery goes through three steps, each its own transaction or none:

1. claim: mark it ``sending`` (one more attempt, a lease) and commit;
2. send it over SMTP, no transaction open;
3. record the answer (sent, queued again with backoff, failed) with its event in the outbox.

A crash between 2 and 3 leaves the row ``sending``; when its lease runs out it is sent again.
That window (the server said 250, the process died before its commit) is the one way a
recipient gets a message twice; the copy carries the same Message-ID (the delivery id), so a
mail system that deduplicates by it shows one. Two copies of the service never claim the same
row (SKIP LOCKED), and an outcome is recorded only by the attempt that holds the row.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifications import handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.adapters.smtp import Transport
from services.notifications.domain.message import build
from services.notifications.domain.model import Outgoing, RetryPolicy
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.logging import get_logger
from shared.messaging import outbox

log = get_logger(__name__)


class Sender:
    def __init__(
        self,
        *,
        service: str,
        transport: Transport,
        sender: str,
        policy: RetryPolicy,
        lease: timedelta,
        batch: int,
    ) -> None:
        self.service = service
        self.transport = transport
        self.sender = sender
        self.policy = policy
        self.lease = lease
        self.batch = batch

    async def send_due(self, pool: Any) -> int:
        """Claim what is due and send it, until nothing is; how many were attempted."""
        attempted = 0
        while True:
            async with pool.acquire() as conn, conn.transaction():
                claimed = await PgRepository(conn).claim_due(
                    now=datetime.now(UTC), lease=self.lease, limit=self.batch
                )
            if not claimed:
                return attempted
            # Each delivery records its own answer; one failing to (the database away) leaves
            # its row leased, to be sent again, and does not stop its neighbours.
            results = await asyncio.gather(
                *(self._deliver(pool, d) for d in claimed), return_exceptions=True
            )
            attempted += len(claimed)
            for result in results:
                if isinstance(result, BaseException):
                    raise result

    async def _deliver(self, pool: Any, delivery: Outgoing) -> None:
        refusal = await self.transport.send(
            build(delivery, sender=self.sender, now=datetime.now(UTC))
        )
        async with pool.acquire() as conn, conn.transaction():
            event = await handlers.record_attempt(
                PgRepository(conn),
                delivery,
                refusal,
                now=datetime.now(UTC),
                policy=self.policy,
            )
            if event is not None:
                await outbox.store(
                    conn,
                    [
                        outbox.pending(
                            event,
                            topic=NOTIFICATIONS_EVENTS,
                            source=self.service,
                            correlation_id=delivery.correlation_id,
                            causation_id=None,
                        )
                    ],
                )
        log.info(
            "mail_attempted",
            delivery_id=str(delivery.delivery_id),
            attempt=delivery.attempts,
            outcome="sent" if refusal is None else ("retry" if refusal.temporary else "refused"),
            answer=refusal.answer if refusal else None,
        )
