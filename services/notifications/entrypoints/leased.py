"""The one leased-delivery loop both senders (e-mail, webhooks) run on the kernel's clock
(``ServiceSpec.periodic``). Each delivery goes through three steps:

1. claim: mark it ``sending`` (one more attempt, a lease until ``now + lease``); the claim
   pass is one unit of work (``shared.messaging.unit.periodic_pass``);
2. attempt it (SMTP, an HTTP POST) with no transaction open;
3. record the answer (sent, again later with backoff, failed) with what it emits: one unit
   of work (``unit.apply``) per attempt, under a message id made of the delivery id and
   its attempt number, so an attempt's outcome is recorded once.

A crash between 2 and 3 leaves the row ``sending``; when its lease runs out another pass
(of this copy or another) claims it and it is attempted again with the same delivery id:
that is the one way a recipient gets a delivery twice (the server said yes, the process
died before its commit). Two copies of the service never claim the same row (``SKIP
LOCKED``), and an outcome is recorded only by the attempt that holds the row.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

import asyncpg

from shared.db import Connection
from shared.logging import get_logger
from shared.messaging import unit
from shared.messaging.unit import MessageContext

log = get_logger(__name__)


class Leased(Protocol):
    @property
    def delivery_id(self) -> uuid.UUID: ...
    @property
    def attempts(self) -> int: ...
    @property
    def correlation_id(self) -> str: ...


D = TypeVar("D", bound=Leased)
A = TypeVar("A")


class Claims(Protocol[D]):
    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[D]: ...


@dataclass(frozen=True)
class LeasedDeliveries(Generic[D, A]):
    """``claims(conn)`` is the channel's repository, whose ``claim_due`` leases due
    deliveries (due, or leased by a copy whose lease ran out); ``attempt(delivery)`` makes
    one attempt and returns its answer; ``record(ctx, delivery, answer)`` records it in the
    unit of work's transaction and emits through ``ctx``. ``name`` names the channel (its
    consumer ``<service>.<name>``)."""

    service: str
    name: str
    lease: timedelta
    batch: int
    claims: Callable[[Connection], Claims[D]]
    attempt: Callable[[D], Awaitable[A]]
    record: Callable[[MessageContext, D, A], Awaitable[None]]

    async def send_due(self, pool: asyncpg.Pool) -> int:
        """Claim what is due and attempt it, until nothing is; how many were attempted."""
        attempted = 0
        while True:
            claimed = await unit.periodic_pass(
                pool, service=self.service, name=f"{self.name}-claim", work=self._claim
            )
            if not claimed:
                return attempted
            # Each delivery records its own answer; one failing to (the database away)
            # leaves its row leased, to be attempted again, and does not stop its neighbours.
            results = await asyncio.gather(
                *(self._deliver(pool, d) for d in claimed), return_exceptions=True
            )
            attempted += len(claimed)
            for result in results:
                if isinstance(result, BaseException):
                    raise result

    async def _claim(self, ctx: MessageContext) -> Sequence[D]:
        return await self.claims(ctx.conn).claim_due(
            now=datetime.now(UTC), lease=self.lease, limit=self.batch
        )

    async def _deliver(self, pool: asyncpg.Pool, delivery: D) -> None:
        answer = await self.attempt(delivery)
        consumer = f"{self.service}.{self.name}"
        message = unit.envelope(
            message_id=str(uuid.uuid5(delivery.delivery_id, str(delivery.attempts))),
            type=f"{consumer}.outcome",
            source=self.service,
            correlation_id=delivery.correlation_id,
        )

        async def handler(ctx: MessageContext) -> None:
            await self.record(ctx, delivery, answer)

        try:
            await unit.apply(
                pool, consumer=consumer, service=self.service, message=message, handler=handler
            )
        except unit.AlreadyApplied:  # this attempt's outcome is recorded already
            log.warning(
                "outcome_already_recorded",
                channel=self.name,
                delivery_id=str(delivery.delivery_id),
                attempt=delivery.attempts,
            )
