"""Applies a batch of Kafka records in one database transaction: the kernel's unit of work
(``unit.py``), which HTTP writes and sweeps go through too.

Per record: parse the CloudEvents envelope and run its handler; then one statement claims
every message id in the inbox and writes the events the handlers emitted into the outbox,
and the transaction commits; the relay of the process is handed those rows right after.
A batch none of whose records this consumer handles opens no transaction at all. If a
claim finds an id seen before (a redelivery), the transaction is rolled back, handlers'
writes with it, and the batch is applied again claiming first, so a redelivered message
has no second effect. If any handler raises, nothing has committed: the batch is applied
again with one savepoint per record, so a broken rule becomes a ``CommandRejected`` event,
data the database cannot hold an ``invalid_data`` rejection, and bytes nobody can read or
handler bugs go to the dead-letter topic, each without disturbing its neighbours.
Transient failures (database or broker down) roll the whole batch back and raise, so the
offsets are not committed and the batch is redelivered.
"""

from __future__ import annotations

import asyncio
from collections import Counter as CounterType
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from aiokafka.errors import MessageSizeTooLargeError
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from shared import faults
from shared.contracts.base import Command, Contract
from shared.contracts.common import CommandRejected
from shared.contracts.topics import DEAD_LETTER
from shared.db import Connection
from shared.errors import DomainError, InvalidData, InvalidMessage
from shared.logging import correlation_id, get_logger
from shared.messaging import inbox, outbox
from shared.messaging.envelope import Envelope, Unparseable, parse
from shared.messaging.producer import DurableProducer
from shared.messaging.unit import MessageContext as MessageContext  # handlers import it here

log = get_logger(__name__)

MESSAGES = Counter("portal_messages_total", "Records consumed, by outcome", ["consumer", "outcome"])
BATCH_SECONDS = Histogram("portal_batch_seconds", "Time to apply one batch", ["consumer"])

TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
)


Handler = Callable[[MessageContext, Any], Awaitable[None]]
BatchHandler = Callable[[Connection, Sequence[tuple[MessageContext, Any]]], Awaitable[None]]
"""Applies consecutive messages routed to it (of one type, or of the several types whose
routes share it) set-based (one statement per table for all of them, locks in a fixed
order), as if one after the other: per message it emits, or calls ``ctx.reject`` and writes
nothing for it. Raising sends the batch to the careful path,
where ``Route.handler`` applies each message alone in its savepoint."""


@dataclass(frozen=True)
class Route:
    model: type[Contract]
    handler: Handler
    batch: BatchHandler | None = None


@dataclass
class Routes:
    """ce_type -> handler. ``strict``: a type nobody handles is an error (command topics);
    otherwise it is simply another service's business (event topics)."""

    routes: dict[str, Route] = field(default_factory=dict)
    strict: bool = True

    def on(
        self, model: type[Contract], *, batch: BatchHandler | None = None
    ) -> Callable[[Handler], Handler]:
        """``handler`` applies one message; ``batch``, when given, applies a run of them."""

        def register(handler: Handler) -> Handler:
            self.routes[model.ce_type()] = Route(model, handler, batch)
            return handler

        return register


@dataclass(frozen=True)
class _Item:
    """A record that parsed, and what to do with it."""

    record: ConsumerRecord[Any, Any]
    envelope: Envelope
    route: Route
    message: Contract | None  # None: a command that broke its contract (see ``invalid``)
    invalid: list[dict[str, Any]] | None = None


@dataclass
class _Batch:
    out: list[outbox.Pending] = field(default_factory=list)
    correlation_ids: set[str] = field(default_factory=set)
    dead: list[tuple[ConsumerRecord[Any, Any], str]] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)  # outbox ids of ``out``, in order
    outcomes: CounterType[str] = field(default_factory=CounterType)


class _Careful(Exception):
    """A handler raised: the batch is redone with one savepoint per message."""


class _Redelivered(Exception):
    """The batch holds a message claimed before: redone claiming first."""


@dataclass(kw_only=True, eq=False)
class Consumer:
    """One consumer group: ``name`` (``<service>.<subscription>``) is its group and the
    inbox's name for what it applied; rejections go to ``events_topic``, dead letters through
    ``producer``, committed outbox rows to ``relay``."""

    name: str
    service: str
    events_topic: str
    routes: Routes
    pool: asyncpg.Pool
    producer: DurableProducer
    relay: outbox.OutboxRelay | None = None

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Apply a batch in one transaction. The common case runs the handlers without
        savepoints and claims every id with the outbox write, in one statement; a batch
        holding a redelivered message is applied again claiming first; if a handler raises,
        nothing has committed, and the batch is applied again message by message, each in
        its own savepoint, so one bad message cannot take the others down."""
        with BATCH_SECONDS.labels(self.name).time():
            try:
                try:
                    try:
                        batch = await self._attempt(records, mode="fast")
                    except _Redelivered:
                        batch = await self._attempt(records, mode="claim_first")
                except _Careful:
                    batch = await self._attempt(records, mode="careful")
            except TRANSIENT as exc:
                log.warning("batch_retry", consumer=self.name, error=repr(exc))
                await asyncio.sleep(0.5)
                raise
        for outcome, count in batch.outcomes.items():
            MESSAGES.labels(self.name, outcome).inc(count)
        faults.after_commit(batch.correlation_ids)
        if self.relay is not None:
            self.relay.handoff(batch.stored, batch.out)
        for record, reason in batch.dead:
            await self._dead_letter(record, reason)

    async def _attempt(self, records: Sequence[ConsumerRecord[Any, Any]], *, mode: str) -> _Batch:
        batch = _Batch()
        items = [item for record in records if (item := self._read(record, batch))]
        if not items:  # nothing this consumer handles: no transaction to open
            return batch
        ids = [item.envelope.id for item in items]
        if mode == "fast" and len(set(ids)) < len(ids):
            raise _Redelivered  # one message twice in the batch: the claims tell which
        async with self.pool.acquire() as conn, conn.transaction():
            if mode == "careful":
                for item in items:
                    await self._apply_carefully(conn, item, batch)
            elif mode == "claim_first":
                await self._apply(conn, items, batch, claim_first=True)
            else:
                await self._apply(conn, items, batch, claim_first=False)
                stored = await inbox.claim_all_and_store(
                    conn, consumer=self.name, message_ids=ids, items=batch.out
                )
                if stored is None:
                    raise _Redelivered  # rolls the handlers' writes back
                batch.stored = stored
                return batch
            batch.stored = await outbox.store(conn, batch.out)
        return batch

    def _read(self, record: ConsumerRecord[Any, Any], batch: _Batch) -> _Item | None:
        if not self.routes.strict and self._not_ours(record):
            batch.outcomes["ignored"] += 1  # another service's business: not even parsed
            return None
        try:
            envelope = parse(record.value, record.headers)
        except Unparseable as exc:
            batch.dead.append((record, str(exc)))
            return None
        batch.correlation_ids.add(envelope.correlation_id)
        route = self.routes.routes.get(envelope.type)
        if route is None:
            if self.routes.strict:
                batch.dead.append((record, f"unknown message type {envelope.type!r}"))
            else:
                batch.outcomes["ignored"] += 1
            return None
        try:
            return _Item(record, envelope, route, route.model.model_validate(envelope.data))
        except ValidationError as exc:
            if not issubclass(route.model, Command):
                batch.dead.append((record, f"event does not match its contract: {exc}"))
                return None
            details = [
                {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
            ]
            return _Item(record, envelope, route, None, details)

    def _not_ours(self, record: ConsumerRecord[Any, Any]) -> bool:
        """The binary-mode ``ce_type`` header names a type nobody here handles."""
        for key, value in record.headers or ():
            if key == "ce_type":
                return bytes(value).decode(errors="replace") not in self.routes.routes
        return False

    async def _apply(
        self, conn: Connection, items: list[_Item], batch: _Batch, *, claim_first: bool
    ) -> None:
        """Run the handlers of ``items``, claiming their ids first, or not (the caller
        claims them all afterwards, in its outbox write)."""
        claimed: set[str] | None = None
        if claim_first:
            claimed = await inbox.claim_many(
                conn, consumer=self.name, message_ids=[item.envelope.id for item in items]
            )
        run: list[_Item] = []  # consecutive messages of one batch handler: applied together
        for item in items:
            if claimed is not None:
                if item.envelope.id not in claimed:
                    batch.outcomes["duplicate"] += 1
                    continue
                claimed.discard(item.envelope.id)  # a second copy in this batch is a duplicate
            joins = item.message is not None and item.route.batch is not None
            if run and not (joins and item.route.batch == run[0].route.batch):
                await self._run(conn, run, batch)
                run = []
            if item.message is None:
                correlation_id.set(item.envelope.correlation_id)
                self._reject_invalid(item, batch)
            else:
                run.append(item)
        if run:
            await self._run(conn, run, batch)

    async def _run(self, conn: Connection, run: list[_Item], batch: _Batch) -> None:
        """One message, or a run of them through their route's batch handler."""
        route = run[0].route  # a run's routes share their batch handler
        contexts = [
            MessageContext(conn=conn, envelope=item.envelope, service=self.service) for item in run
        ]
        try:
            if route.batch is not None:
                await route.batch(
                    conn, [(c, i.message) for c, i in zip(contexts, run, strict=True)]
                )
            else:
                correlation_id.set(run[0].envelope.correlation_id)
                await route.handler(contexts[0], run[0].message)
        except TRANSIENT:
            raise
        except Exception as exc:
            raise _Careful from exc
        for item, ctx in zip(run, contexts, strict=True):
            if ctx._rejection is not None:
                error = ctx._rejection
                correlation_id.set(item.envelope.correlation_id)
                self._reject(item, batch, error)
                continue
            batch.out.extend(ctx._emitted)
            batch.outcomes["applied"] += 1

    async def _apply_carefully(self, conn: Connection, item: _Item, batch: _Batch) -> None:
        envelope = item.envelope
        correlation_id.set(envelope.correlation_id)
        if item.message is None:
            if await inbox.claim(conn, consumer=self.name, message_id=envelope.id):
                self._reject_invalid(item, batch)
            else:
                batch.outcomes["duplicate"] += 1
            return
        ctx = MessageContext(conn=conn, envelope=envelope, service=self.service)
        try:
            async with conn.transaction():
                if not await inbox.claim(conn, consumer=self.name, message_id=envelope.id):
                    batch.outcomes["duplicate"] += 1
                    return
                await item.route.handler(ctx, item.message)
        except DomainError as exc:
            # The savepoint took the claim back with the handler's writes: claim again, so
            # that a redelivery is not rejected a second time.
            if await inbox.claim(conn, consumer=self.name, message_id=envelope.id):
                self._reject(item, batch, exc)
            else:
                batch.outcomes["duplicate"] += 1
            return
        except asyncpg.DataError as exc:
            # Data the database cannot hold (a NUL character, an out-of-range number) is bad
            # input, not a bug: the sender gets a typed answer instead of silence.
            if await inbox.claim(conn, consumer=self.name, message_id=envelope.id):
                reason = f"{envelope.type} carries data that cannot be stored: {exc}"
                self._reject(item, batch, InvalidData(reason))
            else:
                batch.outcomes["duplicate"] += 1
            return
        except TRANSIENT:
            raise
        except Exception as exc:
            log.exception("handler_failed", consumer=self.name, type=envelope.type)
            batch.dead.append((item.record, f"handler failed: {exc!r}"))
            return
        if ctx._rejection is not None:
            error = ctx._rejection
            self._reject(item, batch, error)
            return
        batch.out.extend(ctx._emitted)
        batch.outcomes["applied"] += 1

    def _reject_invalid(self, item: _Item, batch: _Batch) -> None:
        reason = f"{item.envelope.type} does not match its contract"
        self._reject(item, batch, InvalidMessage(reason), details=item.invalid or [])

    def _reject(
        self,
        item: _Item,
        batch: _Batch,
        error: DomainError,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        """Answer a claimed message that broke a rule with a typed rejection: the error's
        code, category and reason, and its details (or ``details``, a contract's errors)."""
        record, envelope = item.record, item.envelope
        rejection = CommandRejected(
            rejected_type=envelope.type,
            rejected_id=envelope.id,
            service=self.service,
            code=error.code(),
            category=error.category(),
            reason=error.reason,
            key=record.key.decode(errors="replace") if record.key else None,
            details=[d for d in ([error.details] if details is None else details) if d],
        )
        batch.out.append(
            outbox.pending(
                rejection,
                topic=self.events_topic,
                source=self.service,
                correlation_id=envelope.correlation_id,
                causation_id=envelope.id,
            )
        )
        log.info("message_rejected", consumer=self.name, type=envelope.type, code=rejection.code)
        batch.outcomes["rejected"] += 1

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        headers = list(record.headers or ())
        headers += [
            ("dlt_reason", reason.encode()),
            ("dlt_topic", record.topic.encode()),
            ("dlt_partition", str(record.partition).encode()),
            ("dlt_offset", str(record.offset).encode()),
            ("dlt_consumer", self.name.encode()),
        ]
        try:
            await self.producer.send_and_wait(
                DEAD_LETTER, value=record.value, key=record.key, headers=headers
            )
        except MessageSizeTooLargeError:
            # The record fit the broker's limit, its dead letter (more headers) does not:
            # keep all but the last 4 KiB rather than retry it forever.
            value = record.value or b""
            headers.append(("dlt_truncated_from", str(len(value)).encode()))
            await self.producer.send_and_wait(
                DEAD_LETTER, value=value[:-4096], key=record.key, headers=headers
            )
        log.warning(
            "message_dead_lettered",
            consumer=self.name,
            reason=reason,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
        MESSAGES.labels(self.name, "dead_lettered").inc()
