"""The e-mail sender: delivers queued messages, one recipient each, in the one leased-delivery
loop (``leased.py``: claim with a lease, send over SMTP with no transaction open, record the
answer with its event, each step a unit of work of the kernel).

A crash between the send and the record sends the message again when its lease runs out;
the copy carries the same Message-ID (the delivery id), so a mail system that deduplicates
by it shows one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.notifications import handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.adapters.smtp import Transport
from services.notifications.domain.message import build
from services.notifications.domain.model import Outgoing, Refusal, RetryPolicy
from services.notifications.entrypoints.leased import Hold, LeasedDeliveries
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.logging import get_logger
from shared.messaging.unit import MessageContext

log = get_logger(__name__)


@dataclass(kw_only=True, eq=False)
class Sender:
    service: str
    transport: Transport
    sender: str
    policy: RetryPolicy
    lease: timedelta
    batch: int
    workers: int = 1
    hold: Hold = field(default_factory=Hold)  # while the mail server cannot be reached

    def __post_init__(self) -> None:
        loop = LeasedDeliveries[Outgoing, Refusal | None]
        self.send_due = loop(
            self.service, "mail-sender", self.lease, self.batch, PgRepository, self._attempt,
            self._record, self.workers, unreachable=_unreachable, hold=self.hold,
        ).send_due  # fmt: skip

    async def close(self) -> None:
        """At shutdown: QUIT on the connections the transport keeps."""
        await self.transport.close()

    async def _attempt(self, delivery: Outgoing) -> Refusal | None:
        return await self.transport.send(build(delivery, sender=self.sender, now=datetime.now(UTC)))

    async def _record(
        self, ctx: MessageContext, delivery: Outgoing, refusal: Refusal | None
    ) -> None:
        event = await handlers.record_attempt(
            PgRepository(ctx.conn), delivery, refusal, now=datetime.now(UTC), policy=self.policy
        )
        if event is not None:
            ctx.emit(event, topic=NOTIFICATIONS_EVENTS)
        log.info(
            "mail_attempted",
            delivery_id=str(delivery.delivery_id),
            attempt=delivery.attempts,
            outcome="sent" if refusal is None else ("retry" if refusal.temporary else "refused"),
            answer=refusal.answer if refusal else None,
        )


def _unreachable(refusal: Refusal | None) -> bool:
    return refusal is not None and refusal.unreachable
