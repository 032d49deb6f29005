"""The one leased-delivery loop both senders (e-mail, webhooks) run on the kernel's clock
(``ServiceSpec.periodic``). Each delivery goes through three steps:

1. claim: mark it ``sending`` (one more attempt, a lease until ``now + lease``); the claim
   pass is one unit of work (``shared.messaging.unit.periodic_pass``);
2. attempt it (SMTP, an HTTP POST) with no transaction open;
3. record the answer (sent, again later with backoff, failed) with what it emits, under a
   message id made of the delivery id and its attempt number, so an attempt's outcome is
   recorded once. The answers of one claim are recorded together in one unit of work
   (``unit.apply_each``: one commit for the claim, not one per delivery); if that fails,
   each is recorded on its own, so one that cannot be recorded does not hold back the rest.

``workers`` such claim-attempt-record rounds run at once, each on rows of its own, so a
slow answer holds back only its own round's record, not the next claim.

A round in which no attempt could reach the other side at all (``unreachable``: the mail
server refuses connections) makes the loop hold off instead of trying every due delivery in
turn against a server that is down: 1 s, doubling up to 30 s, and at once back to normal when
a round reaches it again. An outage with a backlog then costs a round per hold, not an attempt
(a message built, a connection refused, an outcome recorded) for every delivery due.

A crash between 2 and 3 leaves the row ``sending``; when its lease runs out another pass
(of this copy or another) claims it and it is attempted again with the same delivery id:
that is the one way a recipient gets a delivery twice (the server said yes, the process
died before its commit). Two copies of the service never claim the same row (``SKIP
LOCKED``), and an outcome is recorded only by the attempt that holds the row.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

import asyncpg

from shared.db import Connection
from shared.logging import get_logger
from shared.messaging import unit
from shared.messaging.envelope import Envelope
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


@dataclass
class Hold:
    """How long the loop holds off after a round that reached nobody: ``first`` seconds,
    doubling up to ``cap``; released by the first round that gets an answer."""

    first: float = 1.0
    cap: float = 30.0
    seconds: float = 0.0
    until: float = 0.0

    @property
    def on(self) -> bool:
        return time.monotonic() < self.until

    def extend(self) -> float:
        self.seconds = min(self.cap, 2 * self.seconds or self.first)
        self.until = time.monotonic() + self.seconds
        return self.seconds

    def release(self) -> None:
        self.seconds = self.until = 0.0


@dataclass(frozen=True)
class LeasedDeliveries(Generic[D, A]):
    """``claims(conn)`` is the channel's repository, whose ``claim_due`` leases due
    deliveries (due, or leased by a copy whose lease ran out); ``attempt(delivery)`` makes
    one attempt and returns its answer; ``record(ctx, delivery, answer)`` records it in the
    unit of work's transaction and emits through ``ctx``. ``name`` names the channel (its
    consumer ``<service>.<name>``). ``lock_order`` orders one round's records: a record that
    locks a row others share (a webhook endpoint's failure count) takes the locks in that
    order, so two rounds never wait on each other in a cycle. ``unreachable(answer)``: the
    attempt reached nobody (see ``Hold``)."""

    service: str
    name: str
    lease: timedelta
    batch: int
    claims: Callable[[Connection], Claims[D]]
    attempt: Callable[[D], Awaitable[A]]
    record: Callable[[MessageContext, D, A], Awaitable[None]]
    workers: int = 1
    lock_order: Callable[[D], str] = lambda delivery: str(delivery.delivery_id)
    unreachable: Callable[[A], bool] = lambda answer: False
    hold: Hold = field(default_factory=Hold)

    async def send_due(self, pool: asyncpg.Pool) -> int:
        """Claim what is due and attempt it, until nothing is (or the other side cannot be
        reached); how many were attempted."""
        done = await asyncio.gather(*(self._rounds(pool) for _ in range(self.workers)))
        return sum(done)

    async def _rounds(self, pool: asyncpg.Pool) -> int:
        attempted = 0
        while not self.hold.on:
            claimed = await unit.periodic_pass(
                pool, service=self.service, name=f"{self.name}-claim", work=self._claim
            )
            if not claimed:
                return attempted
            answers = await asyncio.gather(
                *(self.attempt(d) for d in claimed), return_exceptions=True
            )
            attempted += len(claimed)
            answered = [
                (d, a) for d, a in zip(claimed, answers, strict=True)
                if not isinstance(a, BaseException)
            ]  # fmt: skip
            await self._record_all(pool, sorted(answered, key=lambda da: self.lock_order(da[0])))
            for answer in answers:  # an attempt that raised leaves its row leased
                if isinstance(answer, BaseException):
                    raise answer
            if all(self.unreachable(a) for _, a in answered):
                log.warning("channel_unreachable", channel=self.name, hold_s=self.hold.extend())
            else:
                self.hold.release()
        return attempted

    async def _claim(self, ctx: MessageContext) -> Sequence[D]:
        return await self.claims(ctx.conn).claim_due(
            now=datetime.now(UTC), lease=self.lease, limit=self.batch
        )

    def _work(self, delivery: D, answer: A) -> tuple[Envelope, Callable[..., Awaitable[None]]]:
        message = unit.envelope(
            message_id=str(uuid.uuid5(delivery.delivery_id, str(delivery.attempts))),
            type=f"{self.service}.{self.name}.outcome",
            source=self.service,
            correlation_id=delivery.correlation_id,
        )

        async def handler(ctx: MessageContext) -> None:
            await self.record(ctx, delivery, answer)

        return message, handler

    async def _record_all(self, pool: asyncpg.Pool, answered: list[tuple[D, A]]) -> None:
        consumer = f"{self.service}.{self.name}"
        work = [self._work(d, a) for d, a in answered]
        try:
            await unit.apply_each(pool, consumer=consumer, service=self.service, work=work)
            return
        except Exception as exc:  # recorded one by one below: each succeeds or fails alone
            log.warning("outcomes_recorded_one_by_one", channel=self.name, reason=repr(exc))
        failed: list[BaseException] = []
        for (delivery, _), (message, handler) in zip(answered, work, strict=True):
            try:
                await unit.apply(
                    pool, consumer=consumer, service=self.service, message=message,
                    handler=handler,
                )  # fmt: skip
            except unit.AlreadyApplied:  # this attempt's outcome is recorded already
                log.warning(
                    "outcome_already_recorded",
                    channel=self.name,
                    delivery_id=str(delivery.delivery_id),
                    attempt=delivery.attempts,
                )
            except Exception as exc:  # its row stays leased, to be attempted again
                failed.append(exc)
        if failed:
            raise failed[0]
