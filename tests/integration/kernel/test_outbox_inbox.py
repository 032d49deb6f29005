"""The outbox relay and the inbox against the real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import OutOfOrderSequenceNumber

from shared.contracts.catalogue import CatalogueServicePublished
from shared.contracts.topics import OFFERS_EVENTS
from shared.db import Connection, create_pool, migrate
from shared.messaging import inbox, outbox, unit
from shared.messaging.outbox import OutboxRelay
from shared.messaging.producer import DurableProducer, kafka_producer
from shared.runtime import inbox_prune
from shared.settings import ServiceSettings
from tests.conftest import BOOTSTRAP
from tests.support.wait import eventually

SCHEMA = "kernel_test"


@pytest.fixture
async def kernel_pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database, SCHEMA)
    await migrate(pool, SCHEMA)
    yield pool
    await pool.close()


@asynccontextmanager
async def _relaying(
    database: str, producer: DurableProducer, *, poll_interval: float = 0.25, settle: float = 0.5
) -> AsyncIterator[OutboxRelay]:
    """``producer`` and a relay of the test schema on it, started; both stopped after."""
    await producer.start()
    relay = OutboxRelay(
        dsn=database,
        schema=SCHEMA,
        producer=producer,
        poll_interval=poll_interval,
        settle=settle,
    )
    await relay.start()
    try:
        yield relay
    finally:
        await relay.stop()
        await producer.stop()


async def _outbox_emptied(pool: asyncpg.Pool) -> None:
    """Returns once every row of the test schema's outbox is gone (published and deleted)."""
    await eventually(lambda: pool.fetchval("SELECT count(*) = 0 FROM kernel_test.outbox"))


async def _leading_and_idle(relay: OutboxRelay, pool: asyncpg.Pool) -> None:
    """Returns once ``relay`` leads and its first round has read the (empty) table: it
    reads it again only after its poll interval from here."""
    await eventually(lambda: asyncio.sleep(0, relay.is_leader))
    await _outbox_emptied(pool)
    await asyncio.sleep(0.2)


async def test_inbox_claims_a_message_once(kernel_pool: asyncpg.Pool) -> None:
    message_id = str(uuid.uuid4())
    async with kernel_pool.acquire() as conn:
        assert await inbox.claim(conn, consumer="c1", message_id=message_id) is True
        assert await inbox.claim(conn, consumer="c1", message_id=message_id) is False
        # Another consumer keeps its own record of the same message.
        assert await inbox.claim(conn, consumer="c2", message_id=message_id) is True


async def test_inbox_claim_rolls_back_with_the_effect(kernel_pool: asyncpg.Pool) -> None:
    message_id = str(uuid.uuid4())
    async with kernel_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await inbox.claim(conn, consumer="c1", message_id=message_id)
        await transaction.rollback()  # the effect failed: its claim goes with it
        assert await inbox.claim(conn, consumer="c1", message_id=message_id) is True


async def test_the_inbox_forgets_only_ids_older_than_the_retention(
    kernel_pool: asyncpg.Pool,
) -> None:
    """The service's hourly prune (a unit of work) deletes ids past the retention; a recent
    id is still recognised as a redelivery afterwards."""
    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    async with kernel_pool.acquire() as conn:
        await inbox.claim(conn, consumer="c1", message_id=old)
        await inbox.claim(conn, consumer="c1", message_id=recent)
        await conn.execute(
            "UPDATE inbox SET processed_at = now() - interval '40 days' WHERE message_id = $1",
            old,
        )
    prune = inbox_prune(SCHEMA, ServiceSettings(inbox_retention_days=35))
    assert await prune.step(kernel_pool) != []
    async with kernel_pool.acquire() as conn:
        assert await inbox.claim(conn, consumer="c1", message_id=recent) is False
        assert await inbox.claim(conn, consumer="c1", message_id=old) is True  # forgotten
    assert await prune.step(kernel_pool) == []  # nothing left to forget: no pass recorded


async def test_relay_publishes_in_commit_order_then_empties_the_outbox(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str]
) -> None:
    marker = uuid.uuid4().hex[:8]
    events = [
        CatalogueServicePublished(service_id=f"k{marker}-{i:03d}", name=f"Service {i}")
        for i in range(50)
    ]
    async with kernel_pool.acquire() as conn, conn.transaction():
        await outbox.store(
            conn,
            [
                outbox.pending(
                    e, topic=OFFERS_EVENTS, source="t", correlation_id=marker, causation_id=None
                )
                for e in events
            ],
        )
    consumer = await _events(f"k-{marker}")
    try:
        async with _relaying(database, DurableProducer.to(BOOTSTRAP, "kernel-test")):
            seen: list[tuple[int, str]] = []
            async with asyncio.timeout(20):
                async for record in consumer:
                    headers = dict(record.headers)
                    if headers.get("ce_correlationid") == marker.encode():
                        seen.append((record.partition, record.key.decode()))
                    if len(seen) == len(events):
                        break
            # Every event once, and within each partition in the order of the commits.
            assert sorted(k for _, k in seen) == [e.service_id for e in events]
            for partition in {p for p, _ in seen}:
                keys = [k for p, k in seen if p == partition]
                assert keys == sorted(keys)
            await _outbox_emptied(kernel_pool)
    finally:
        await consumer.stop()


async def test_only_one_of_two_relays_leads(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str]
) -> None:
    producer = DurableProducer.to(BOOTSTRAP, "kernel-test-2")
    await producer.start()
    first = OutboxRelay(dsn=database, schema=SCHEMA, producer=producer)
    second = OutboxRelay(dsn=database, schema=SCHEMA, producer=producer)
    await first.start()
    await eventually(lambda: asyncio.sleep(0, first.is_leader))
    await second.start()
    try:
        await asyncio.sleep(1.5)  # give the second a chance to (wrongly) take the lock
        assert first.is_leader
        assert not second.is_leader
        await first.stop()
        await eventually(lambda: asyncio.sleep(0, second.is_leader), timeout=10)
    finally:
        await second.stop()
        await producer.stop()


async def _events(group: str) -> AIOKafkaConsumer:
    """A started consumer of the test's events topic, from its beginning."""
    consumer = AIOKafkaConsumer(
        OFFERS_EVENTS, bootstrap_servers=BOOTSTRAP, group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    return consumer


class _WedgedProducer:
    """Stands in for a producer wedged after a broker restart: sends never complete."""

    async def start(self) -> None:
        return None

    async def send(self, *_: object, **__: object) -> asyncio.Future[None]:
        return asyncio.get_running_loop().create_future()

    async def stop(self) -> None:
        return None


class _OutOfStepProducer(_WedgedProducer):
    """Stands in for aiokafka's idempotent producer after a send failed during a broker
    outage: the broker refuses every later sequence number (aio-libs/aiokafka#1017)."""

    async def send(self, *_: object, **__: object) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        future.set_exception(OutOfOrderSequenceNumber())
        return future


@pytest.mark.parametrize("broken", [_WedgedProducer, _OutOfStepProducer])
async def test_a_broken_producer_is_replaced_and_the_rows_still_go_out(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str], broken: type[_WedgedProducer]
) -> None:
    marker = uuid.uuid4().hex[:8]
    event = CatalogueServicePublished(service_id=f"w{marker}", name="Wedged")
    async with kernel_pool.acquire() as conn, conn.transaction():
        await outbox.store(
            conn,
            [
                outbox.pending(
                    event, topic=OFFERS_EVENTS, source="t", correlation_id=marker, causation_id=None
                )
            ],
        )
    consumer = await _events(f"w-{marker}")
    made: list[object] = []

    def factory() -> Any:  # the broken one first, then real producers
        made.append(broken() if not made else kafka_producer(BOOTSTRAP, "kernel-test-renewed"))
        return made[-1]

    producer = DurableProducer(factory, name="kernel-test", send_timeout=1.0)
    try:
        async with _relaying(database, producer):
            async with asyncio.timeout(30):
                async for record in consumer:
                    if dict(record.headers).get("ce_correlationid") == marker.encode():
                        break
            await _outbox_emptied(kernel_pool)
            assert producer.renewals == 1
            assert isinstance(made[0], broken)
            assert len(made) == 2
    finally:
        await consumer.stop()


async def _store(pool: asyncpg.Pool, marker: str, count: int) -> tuple[list[int], list[Any]]:
    items = [
        outbox.pending(
            CatalogueServicePublished(service_id=f"h{marker}-{i:03d}", name=f"Handed {i}"),
            topic=OFFERS_EVENTS,
            source="t",
            correlation_id=marker,
            causation_id=None,
        )
        for i in range(count)
    ]
    async with pool.acquire() as conn, conn.transaction():
        ids = await outbox.store(conn, items)
    return ids, items


async def _seen(marker: str, count: int, *, linger: float = 0.0) -> list[str]:
    """Keys of the events of ``marker`` (their correlation, or in their key) on the topic,
    once ``count`` are there (and ``linger`` seconds more, for copies that should not
    come)."""
    consumer = await _events(f"s-{marker}")
    keys: list[str] = []

    async def take() -> None:
        for records in (await consumer.getmany(timeout_ms=200)).values():
            keys.extend(
                r.key.decode()
                for r in records
                if dict(r.headers).get("ce_correlationid") == marker.encode()
                or marker in r.key.decode()
            )

    try:
        async with asyncio.timeout(30):
            while len(keys) < count:
                await take()
        end = asyncio.get_running_loop().time() + linger
        while asyncio.get_running_loop().time() < end:
            await take()
    finally:
        await consumer.stop()
    return keys


async def test_handed_rows_go_out_without_a_poll(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str]
) -> None:
    """The writer hands its committed rows over: published and deleted, though the relay
    would not read the table again for an hour."""
    producer = DurableProducer.to(BOOTSTRAP, "kernel-test-handed")
    async with _relaying(database, producer, poll_interval=3600) as relay:
        await _leading_and_idle(relay, kernel_pool)  # the hour starts now
        marker = uuid.uuid4().hex[:8]
        ids, items = await _store(kernel_pool, marker, 20)
        relay.handoff(ids, items)
        keys = await _seen(marker, 20)
        assert sorted(keys) == sorted(p.key for p in items)
        await _outbox_emptied(kernel_pool)


async def test_an_http_write_and_a_sweep_pass_hand_their_rows_to_the_process_relay(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str]
) -> None:
    """A change that did not come over Kafka (``unit.apply``: an HTTP write; a ``Sweep``
    pass) hands what it committed to the relay its pool was given (``unit.relay_of``, as
    the service runtime does), like a consumer batch: published and deleted though the
    relay would not read the table again for an hour."""
    marker = uuid.uuid4().hex[:8]

    def published(kind: str, i: int) -> CatalogueServicePublished:
        return CatalogueServicePublished(service_id=f"{kind}{marker}-{i:03d}", name=kind)

    async def write(ctx: unit.MessageContext) -> None:
        for i in range(3):
            ctx.emit(published("http", i), topic=OFFERS_EVENTS)

    async def due(conn: Connection, batch: int) -> list[CatalogueServicePublished]:
        return [published("sweep", i) for i in range(2)]

    producer = DurableProducer.to(BOOTSTRAP, "kernel-test-unit")
    async with _relaying(database, producer, poll_interval=3600) as relay:
        await _leading_and_idle(relay, kernel_pool)  # the hour starts now
        with unit.relay_of(kernel_pool, relay):
            await unit.apply(
                kernel_pool,
                consumer="kernel_test.http",
                service="t",
                message=unit.envelope(
                    message_id=None, type="t.http.write", source="t", correlation_id=marker
                ),
                handler=write,
            )
            sweep = unit.Sweep(service="t", name="test", topic=OFFERS_EVENTS, step=due)
            assert await sweep.once(kernel_pool) == 2
        keys = await _seen(marker, 5)
        assert sorted(keys) == sorted(
            [published("http", i).partition_key() for i in range(3)]
            + [published("sweep", i).partition_key() for i in range(2)]
        )
        await _outbox_emptied(kernel_pool)


async def test_several_messages_applied_as_one_unit_keep_each_its_own_correlation_and_id(
    kernel_pool: asyncpg.Pool,
) -> None:
    """``unit.apply_each``: each handler emits under its own message (correlation and
    causation), every id is claimed, one commit; a repeated id among them rolls the whole
    unit back, handlers' writes included."""
    marker = uuid.uuid4().hex[:8]
    await kernel_pool.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.marks (mark text PRIMARY KEY)")

    def work(i: int, message_id: str) -> tuple[Any, Any]:
        async def handler(ctx: unit.MessageContext) -> None:
            await ctx.conn.execute(f"INSERT INTO {SCHEMA}.marks VALUES ($1)", f"{marker}-{i}")
            ctx.emit(
                CatalogueServicePublished(service_id=f"s{marker}-{i}", name="n"),
                topic=OFFERS_EVENTS,
            )

        message = unit.envelope(
            message_id=message_id, type="t.outcome", source="t", correlation_id=f"c{marker}-{i}"
        )
        return message, handler

    ids = [str(uuid.uuid4()) for _ in range(3)]
    await unit.apply_each(
        kernel_pool, consumer="kernel_test.each", service="t",
        work=[work(i, ids[i]) for i in range(3)],
    )  # fmt: skip
    rows = await kernel_pool.fetch(
        f"SELECT headers FROM {SCHEMA}.outbox WHERE key LIKE $1 ORDER BY id", f"s{marker}-%"
    )
    headers = [r["headers"] for r in rows]  # jsonb, decoded by the pool's codec
    assert [(h["ce_correlationid"], h["ce_causationid"]) for h in headers] == [
        (f"c{marker}-{i}", ids[i]) for i in range(3)
    ]
    claimed = await kernel_pool.fetchval(
        f"SELECT count(*) FROM {SCHEMA}.inbox WHERE consumer = 'kernel_test.each' "
        "AND message_id = ANY($1::text[])",
        ids,
    )
    assert claimed == 3

    again = [work(3, str(uuid.uuid4())), work(4, ids[1])]  # a new id, and one applied before
    with pytest.raises(unit.AlreadyApplied):
        await unit.apply_each(kernel_pool, consumer="kernel_test.each", service="t", work=again)
    marks = await kernel_pool.fetch(
        f"SELECT mark FROM {SCHEMA}.marks WHERE mark LIKE $1 ORDER BY mark", f"{marker}-%"
    )
    assert [m["mark"] for m in marks] == [f"{marker}-{i}" for i in range(3)]
    assert (
        await kernel_pool.fetchval(
            f"SELECT count(*) FROM {SCHEMA}.inbox WHERE message_id = $1", again[0][0].id
        )
        == 0
    )


async def test_rows_committed_but_never_handed_over_go_out_by_the_poll(
    database: str, kernel_pool: asyncpg.Pool, topics: list[str]
) -> None:
    """A process that dies between its commit and the handoff (or another writer) leaves
    rows nobody hands over: the fallback poll publishes them, once each, and a handoff of
    them arriving after all is not sent a second time."""
    producer = DurableProducer.to(BOOTSTRAP, "kernel-test-poll")
    async with _relaying(database, producer, poll_interval=0.2, settle=0.1) as relay:
        await eventually(lambda: asyncio.sleep(0, relay.is_leader))
        marker = uuid.uuid4().hex[:8]
        ids, items = await _store(kernel_pool, marker, 10)  # committed, not handed over
        await _outbox_emptied(kernel_pool)
        relay.handoff(ids, items)  # late: already published by the poll
        keys = await _seen(marker, 10, linger=1.5)
        assert sorted(keys) == sorted(p.key for p in items)
