"""The one unit of work every state change goes through: handler, inbox claim and outbox
write (one statement, ``inbox.claim_all_and_store``), commit, then the rows are handed to the
process's relay.

The consumer (``consumer.py``) applies a Kafka batch this way; an HTTP write and a periodic
sweep pass are one message each, applied by ``apply``: its id comes from the request's
``Idempotency-Key`` (or is generated), so a repeated HTTP-originated change finds its id in
the inbox and has no second effect, exactly like a redelivered command. Nothing else opens a
transaction to change state or writes the outbox. A handler answers a broken rule by
raising a ``DomainError`` (nothing it wrote is kept) or, when something must be kept of the
refusal (an audit row), by ``ctx.reject(error)``: the consumer then sends the typed
``CommandRejected`` its one builder makes (``Consumer._reject``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import asyncpg

from shared.contracts.base import Contract
from shared.db import Connection
from shared.errors import DomainError
from shared.logging import get_logger
from shared.messaging import inbox, outbox
from shared.messaging.envelope import Envelope, new_id, now_iso

log = get_logger(__name__)
T = TypeVar("T")


@dataclass
class MessageContext:
    """What a handler gets besides its message: the open transaction and a way to emit."""

    conn: Connection
    envelope: Envelope
    service: str
    _emitted: list[outbox.Pending] = field(default_factory=list)
    _rejection: DomainError | None = None

    def reject(self, error: DomainError) -> None:
        """This message broke a rule: it is answered with a typed ``CommandRejected`` and
        what it emitted is dropped (what it wrote stays: a batch handler wrote nothing for
        it, an audited act its audit row)."""
        self._rejection = error

    def emit(self, message: Contract, *, topic: str, correlation_id: str | None = None) -> None:
        """Emit ``message`` in this unit's transaction. ``correlation_id``: start another
        correlation than the message's (work nobody asked for, such as a sweep's)."""
        self._emitted.append(
            outbox.pending(
                message,
                topic=topic,
                source=self.service,
                correlation_id=correlation_id or self.envelope.correlation_id,
                causation_id=self.envelope.id,
            )
        )


class AlreadyApplied(Exception):
    """The message id was applied before (a redelivery): nothing was done this time."""

    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id} was already applied")
        self.message_id = message_id


_relays: dict[int, tuple[asyncpg.Pool, outbox.OutboxRelay]] = {}


@contextlib.contextmanager
def relay_of(pool: asyncpg.Pool, relay: outbox.OutboxRelay) -> Iterator[None]:
    """While open, ``relay`` is the process's relay of ``pool``'s schema: every unit of work
    on ``pool`` (an HTTP write, a sweep pass, a sender's claim or outcome) hands its committed
    rows to it, as a consumer batch does, instead of leaving them to the fallback poll. The
    service runtime opens it around the service's life."""
    _relays[id(pool)] = (pool, relay)
    try:
        yield
    finally:
        _relays.pop(id(pool), None)


def _relay(pool: asyncpg.Pool) -> outbox.OutboxRelay | None:
    found = _relays.get(id(pool))
    return found[1] if found is not None and found[0] is pool else None


def envelope(
    *, message_id: str | None, type: str, source: str, correlation_id: str | None
) -> Envelope:
    """The envelope of a change that did not arrive over Kafka (an HTTP write, a sweep)."""
    return Envelope(
        id=message_id or new_id(),
        type=type,
        source=source,
        time=now_iso(),
        correlation_id=correlation_id or new_id(),
        causation_id=None,
        data={},
    )


async def apply(
    pool: asyncpg.Pool,
    *,
    consumer: str,
    service: str,
    message: Envelope,
    handler: Callable[[MessageContext], Awaitable[T]],
    relay: outbox.OutboxRelay | None = None,
) -> T:
    """Apply one message as the consumer applies a batch: run the handler, claim its id for
    ``consumer`` and store what it emitted in one statement, commit, hand the rows to
    ``relay`` (by default the one ``relay_of`` gave ``pool``); returns the handler's result.
    Raises ``AlreadyApplied`` for an id the inbox
    has seen (rolled back: nothing done); if the handler raises, nothing is kept, the claim
    included, so the same id may be tried again."""
    async with pool.acquire() as conn, conn.transaction():
        ctx = MessageContext(conn=conn, envelope=message, service=service)
        result = await handler(ctx)
        stored = await inbox.claim_all_and_store(
            conn, consumer=consumer, message_ids=[message.id], items=ctx._emitted
        )
        if stored is None:
            raise AlreadyApplied(message.id)  # rolls the handler's writes back
    relay = relay or _relay(pool)
    if relay is not None and stored:
        relay.handoff(stored, ctx._emitted)
    return result


async def apply_each(
    pool: asyncpg.Pool,
    *,
    consumer: str,
    service: str,
    work: Sequence[tuple[Envelope, Callable[[MessageContext], Awaitable[None]]]],
) -> None:
    """Apply several messages in one unit of work, as the consumer applies a batch: each
    handler in the order given with a context of its own (its message's correlation and
    causation), then one claim of every id and one outbox write, one commit, one handoff.
    Raises ``AlreadyApplied`` (the first id) when any id was applied before: nothing is kept
    then, and the caller applies them one by one (``apply``) to learn which."""
    if not work:
        return
    async with pool.acquire() as conn, conn.transaction():
        contexts = [MessageContext(conn=conn, envelope=m, service=service) for m, _ in work]
        for ctx, (_, handler) in zip(contexts, work, strict=True):
            await handler(ctx)
        emitted = [item for ctx in contexts for item in ctx._emitted]
        stored = await inbox.claim_all_and_store(
            conn, consumer=consumer, message_ids=[m.id for m, _ in work], items=emitted
        )
        if stored is None:
            raise AlreadyApplied(work[0][0].id)  # rolls every handler's writes back
    relay = _relay(pool)
    if relay is not None and stored:
        relay.handoff(stored, emitted)


class _Idle(Exception):
    """A pass found nothing to do."""


async def periodic_pass(
    pool: asyncpg.Pool,
    *,
    service: str,
    name: str,
    work: Callable[[MessageContext], Awaitable[Sequence[T]]],
    correlation_id: str | None = None,
) -> Sequence[T]:
    """One pass of work on a clock (a sweep, a sender's claim of due deliveries) as one unit
    of work of consumer ``<service>.sweep``, message type ``<service>.sweep.<name>``;
    returns what ``work`` returned: the things it changed. A pass that changed nothing is
    rolled back, so an idle service does not fill the inbox with its passes."""
    message = envelope(
        message_id=None,
        type=f"{service}.sweep.{name}",
        source=service,
        correlation_id=correlation_id,
    )

    async def handler(ctx: MessageContext) -> Sequence[T]:
        changed = await work(ctx)
        if not changed:
            raise _Idle
        return changed

    try:
        return await apply(
            pool, consumer=f"{service}.sweep", service=service, message=message, handler=handler
        )
    except _Idle:
        return []


@dataclass(frozen=True)
class Sweep:
    """A periodic sweep: ``step`` changes what is due (at most ``batch`` things, in the
    context's transaction) and returns an event per change, emitted to ``topic`` each with a
    correlation of its own (nobody asked for it). Each pass is one unit of work, so an event
    is published if and only if its change committed; ``step`` must change a row only once
    even with two copies of the service sweeping at once (a conditional UPDATE, ``SKIP
    LOCKED``)."""

    service: str
    name: str
    topic: str
    step: Callable[[Connection, int], Awaitable[Sequence[Contract]]]
    batch: int = 500

    async def once(self, pool: asyncpg.Pool) -> int:
        """One pass (``periodic_pass``); returns how many things it changed."""

        async def work(ctx: MessageContext) -> Sequence[Contract]:
            events = await self.step(ctx.conn, self.batch)
            for event in events:
                ctx.emit(event, topic=self.topic, correlation_id=new_id())
            return events

        done = len(await periodic_pass(pool, service=self.service, name=self.name, work=work))
        if done:
            log.info("sweep_applied", sweep=self.name, changed=done)
        return done

    async def __call__(self, pool: asyncpg.Pool) -> int:
        """Every due thing, a pass per ``batch``: what the kernel's ``Periodic`` runs."""
        total = 0
        while (done := await self.once(pool)) > 0:
            total += done
            if done < self.batch:
                break
        return total
