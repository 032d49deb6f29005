"""The transactional outbox: events are rows written in the same transaction as the state
change; the relay publishes them and deletes them once Kafka acknowledged.

The writer hands the rows it stored to the relay of its process right after the commit
(``OutboxRelay.handoff``): the relay publishes what it was handed without reading it back
and deletes it in the same round. The table stays the truth: a fallback poll publishes rows
nobody handed over (a process that crashed between its commit and the publish, a writer
that does not hand off), and another copy of the service, which does not lead, tells the
leader with one ``NOTIFY`` per handoff; the leader then reads the table in id order for a
while, as before, so events leave in commit order across copies."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import orjson
from prometheus_client import Counter, Gauge

from shared.contracts.base import Contract
from shared.db import Connection, init_connection
from shared.logging import get_logger
from shared.messaging import tasks
from shared.messaging.envelope import encode, headers_for, kafka_headers
from shared.messaging.producer import DurableProducer

log = get_logger(__name__)

PUBLISHED = Counter("portal_outbox_published_total", "Events relayed to Kafka", ["service"])
BACKLOG = Gauge("portal_outbox_backlog", "Events waiting in the outbox", ["service"])


@dataclass(frozen=True)
class Pending:
    topic: str
    key: str
    headers: dict[str, str]
    payload: bytes


def pending(
    message: Contract,
    *,
    topic: str,
    source: str,
    correlation_id: str,
    causation_id: str | None,
) -> Pending:
    headers = headers_for(
        message, source=source, correlation_id=correlation_id, causation_id=causation_id
    )
    return Pending(
        topic=topic, key=message.partition_key(), headers=headers, payload=encode(message)
    )


INSERT = (
    "INSERT INTO outbox (topic, key, headers, payload, created_at) "
    "SELECT t, k, h::jsonb, p, clock_timestamp() "
    "FROM unnest({0}::text[], {1}::text[], {2}::text[], {3}::bytea[]) "
    "WITH ORDINALITY AS u(t, k, h, p, n) ORDER BY n RETURNING id"
)


def columns(items: Sequence[Pending]) -> tuple[list[str], list[str], list[str], list[bytes]]:
    """The rows as four arrays, for one ``unnest`` insert (``INSERT``)."""
    return (
        [p.topic for p in items],
        [p.key for p in items],
        [orjson.dumps(p.headers).decode() for p in items],
        [p.payload for p in items],
    )


async def store(conn: Connection, items: Sequence[Pending]) -> list[int]:
    """Write events into the outbox of the current schema, inside the caller's transaction,
    in one statement; returns their ids (for ``OutboxRelay.handoff`` after the commit)."""
    if not items:
        return []
    rows = await conn.fetch(INSERT.format("$1", "$2", "$3", "$4"), *columns(items))
    return [r["id"] for r in rows]


def _lock_id(schema: str) -> int:
    digest = hashlib.sha256(f"relay:{schema}".encode()).digest()[:8]
    return int.from_bytes(digest, "big", signed=True)


def _record(p: Pending) -> tuple[str, bytes, bytes, list[tuple[str, bytes]]]:
    return p.topic, p.key.encode(), p.payload, kafka_headers(p.headers)


class OutboxRelay:
    """Publishes the outbox of one schema. Of several copies of a service, the one holding
    the advisory lock relays.

    Rounds: a *handed* round publishes the rows writers of this process handed over after
    their commits and deletes them; a *table* round reads the table in id order (what
    nobody handed over, or everything while another copy is writing: ``table_seconds``
    after its last ``NOTIFY``) and deletes what it published with the next read. A table
    round runs at least every ``poll_interval`` seconds; rows younger than ``settle``
    seconds that were not handed over are left to their writer's handoff."""

    def __init__(
        self,
        *,
        dsn: str,
        schema: str,
        producer: DurableProducer,
        batch: int = 1000,
        poll_interval: float = 0.25,
        settle: float = 0.5,
        table_seconds: float = 5.0,
    ) -> None:
        self._dsn = dsn
        self._schema = schema
        self._producer = producer
        self._batch = batch
        self._poll_interval = poll_interval
        self._settle = settle
        self._table_seconds = table_seconds
        self._channel = f"{schema}_outbox"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._handed: deque[tuple[list[int], Sequence[Pending]]] = deque()
        # Ids a table round published: their handoff, arriving late, is not sent again.
        self._recent: deque[int] = deque(maxlen=100_000)
        self._recent_set: set[int] = set()
        self._table_until = 0.0
        self._last_poll = 0.0
        self._acknowledged: list[int] = []  # published, deleted with the next round
        self.is_leader = False

    @property
    def producer(self) -> DurableProducer:
        return self._producer

    def handoff(self, ids: Sequence[int], items: Sequence[Pending]) -> None:
        """Rows ``ids`` (stored from ``items``, in order) are committed: publish them. Call
        it right after the commit; without it the rows still go out by the fallback poll."""
        if self._recent_set.intersection(ids):  # a table round published some already
            pairs = [(i, p) for i, p in zip(ids, items, strict=True) if i not in self._recent_set]
            ids, items = [i for i, _ in pairs], [p for _, p in pairs]
        if ids:
            self._handed.append((list(ids), items))
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._schema}")

    async def stop(self) -> None:
        await tasks.cancel(self._task)

    async def _run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the relay must outlive a broker or database outage
                self.is_leader = False
                log.warning("outbox_relay_error", error=repr(exc))
                await asyncio.sleep(1.0)

    async def _lead(self) -> None:
        conn = await asyncpg.connect(self._dsn, server_settings={"search_path": self._schema})
        try:
            await init_connection(conn)
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", _lock_id(self._schema)
            ):
                self.is_leader = False
                await self._follow(conn, seconds=1.0)
            self.is_leader = True
            await conn.add_listener(self._channel, lambda *_: self._another_writer())
            log.info("outbox_relay_leading", schema=self._schema)
            self._last_poll = 0.0  # read the table first: what was left before we led
            while True:
                self._wake.clear()
                sent = await self.relay_once(conn)
                if sent < self._batch and not self._handed:
                    await self._delete_acknowledged(conn)
                    wait = self._poll_interval - (time.monotonic() - self._last_poll)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.001))
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):  # else they are published once more
                await asyncio.wait_for(self._delete_acknowledged(conn), 2.0)
            with contextlib.suppress(Exception):
                await conn.close()

    async def _follow(self, conn: Connection, *, seconds: float) -> None:
        """Not leading: what this process hands over is told to the leader, one NOTIFY per
        wake-up, and left in the table for it."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._wake.clear()
            if self._handed:
                self._handed.clear()
                await conn.execute(f'NOTIFY "{self._channel}"')
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=left)

    def _another_writer(self) -> None:
        self._table_until = time.monotonic() + self._table_seconds
        self._wake.set()

    async def relay_once(self, conn: Connection) -> int:
        """One round; the number of events published."""
        now = time.monotonic()
        if now < self._table_until or now - self._last_poll >= self._poll_interval:
            self._last_poll = now
            await self._delete_acknowledged(conn)  # a read must not find them again
            return await self._table_round(conn, everything=now < self._table_until)
        return await self._handed_round(conn)

    async def _delete_acknowledged(self, conn: Connection) -> None:
        if self._acknowledged:
            ids, self._acknowledged = self._acknowledged, []
            await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)

    async def _handed_round(self, conn: Connection) -> int:
        ids: list[int] = []
        items: list[Pending] = []
        while self._handed and len(ids) < self._batch:
            handed_ids, handed_items = self._handed.popleft()
            for row_id, item in zip(handed_ids, handed_items, strict=True):
                if row_id not in self._recent_set:
                    ids.append(row_id)
                    items.append(item)
        if not ids:
            return 0
        # Deleted only once Kafka acknowledged them all, while the next round publishes (or
        # before the relay waits or reads the table); a round that fails or hangs is given
        # up and the rows, still in the table, go out by the next table round.
        sending = self._producer.send_all([_record(p) for p in items])
        if self._acknowledged:
            await asyncio.gather(sending, self._delete_acknowledged(conn))
        else:
            await sending
        self._acknowledged = ids
        PUBLISHED.labels(self._schema).inc(len(ids))
        BACKLOG.labels(self._schema).set(sum(len(h[0]) for h in self._handed))
        return len(ids)

    async def _table_round(self, conn: Connection, *, everything: bool) -> int:
        """Rows in id order: all of them while another copy writes, else those not handed
        over and older than ``settle`` (a crashed writer's, or one that does not hand off)."""
        handed = [] if everything else [i for h in self._handed for i in h[0]]
        rows = await conn.fetch(
            "SELECT id, topic, key, headers, payload FROM outbox "
            "WHERE ($2 OR created_at < clock_timestamp() - make_interval(secs => $3)) "
            "AND id <> ALL($4::bigint[]) ORDER BY id LIMIT $1",
            self._batch,
            everything,
            self._settle,
            handed,
        )
        if not rows:
            if everything or not self._handed:
                BACKLOG.labels(self._schema).set(0)
            return 0
        if not everything:
            self._another_writer()  # someone wrote without handing over: read the table
        await self._producer.send_all(
            [
                (r["topic"], r["key"].encode(), bytes(r["payload"]), kafka_headers(r["headers"]))
                for r in rows
            ]
        )
        published = [r["id"] for r in rows]
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", published)
        self._forget_handed(set(published))
        PUBLISHED.labels(self._schema).inc(len(rows))
        BACKLOG.labels(self._schema).set(
            await conn.fetchval("SELECT count(*) FROM outbox") if len(rows) == self._batch else 0
        )
        return len(rows)

    def _forget_handed(self, published: set[int]) -> None:
        """Published by a table round: drop them from the handoffs, and remember them in
        case their handoff is still to come (committed, not handed over yet)."""
        kept: deque[tuple[list[int], Sequence[Pending]]] = deque()
        for ids, items in self._handed:
            pairs = [(i, p) for i, p in zip(ids, items, strict=True) if i not in published]
            if pairs:
                kept.append(([i for i, _ in pairs], [p for _, p in pairs]))
        self._handed = kept
        for row_id in published:
            if len(self._recent) == self._recent.maxlen:
                self._recent_set.discard(self._recent[0])
            self._recent.append(row_id)
            self._recent_set.add(row_id)
