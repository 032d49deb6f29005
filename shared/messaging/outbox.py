"""The transactional outbox: events are rows written in the same transaction as the state
change; the relay publishes them in order and deletes them once Kafka acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from prometheus_client import Counter, Gauge

from shared.contracts.base import Contract
from shared.db import Connection, init_connection
from shared.logging import get_logger
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


async def store(conn: Connection, items: Sequence[Pending]) -> None:
    """Write events into the outbox of the current schema, inside the caller's transaction."""
    if not items:
        return
    await conn.executemany(
        "INSERT INTO outbox (topic, key, headers, payload) VALUES ($1, $2, $3, $4)",
        [(p.topic, p.key, p.headers, p.payload) for p in items],
    )


def _lock_id(schema: str) -> int:
    digest = hashlib.sha256(f"relay:{schema}".encode()).digest()[:8]
    return int.from_bytes(digest, "big", signed=True)


class OutboxRelay:
    """Publishes the outbox of one schema. Of several copies of a service, the one holding
    the advisory lock relays, so events leave in commit order."""

    def __init__(
        self, *, dsn: str, schema: str, producer: DurableProducer, batch: int = 1000
    ) -> None:
        self._dsn = dsn
        self._schema = schema
        self._producer = producer
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False

    @property
    def producer(self) -> DurableProducer:
        return self._producer

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._schema}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

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
                await asyncio.sleep(1.0)
            self.is_leader = True
            await conn.add_listener(f"{self._schema}_outbox", lambda *_: self._wake.set())
            log.info("outbox_relay_leading", schema=self._schema)
            while True:
                self._wake.clear()
                sent = await self.relay_once(conn)
                if sent < self._batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=1.0)
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):
                await conn.close()

    async def relay_once(self, conn: Connection) -> int:
        rows = await conn.fetch(
            "SELECT id, topic, key, headers, payload FROM outbox ORDER BY id LIMIT $1",
            self._batch,
        )
        if not rows:
            BACKLOG.labels(self._schema).set(0)
            return 0

        # Deleted only once Kafka acknowledged them all; a round that fails or hangs is
        # given up and the same rows are published again: same ce_id, recognised.
        await self._producer.send_all(
            [
                (r["topic"], r["key"].encode(), bytes(r["payload"]), kafka_headers(r["headers"]))
                for r in rows
            ]
        )
        await conn.execute(
            "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
        )
        PUBLISHED.labels(self._schema).inc(len(rows))
        BACKLOG.labels(self._schema).set(
            await conn.fetchval("SELECT count(*) FROM outbox") if len(rows) == self._batch else 0
        )
        return len(rows)
