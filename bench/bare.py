"""The bare baseline: the same three hops written plainly with raw aiokafka and asyncpg.

redeem (commands -> redeemed), directory (redeemed -> subscription), delegation (redeemed
-> pending request). Same durability as the services: the producer waits for every in-sync
replica (acks=all) and the database commits before the Kafka offset does. No framework, no
outbox, no inbox, no envelope validation: a crash between the commit and the publish would
lose the event, and a redelivery is caught only by the unique constraints.

Run as ``python -m bench.bare ROLE`` (one process per role, like the services).
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import uvloop
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

NS = os.environ.get("PORTAL_NAMESPACE", "portal")
COMMANDS = f"{NS}.bare.commands"
REDEEMED = f"{NS}.bare.redeemed"
SUBSCRIPTIONS = f"{NS}.bare.subscriptions"
DELEGATIONS = f"{NS}.bare.delegations"
REJECTED = f"{NS}.bare.rejected"
TOPICS = (COMMANDS, REDEEMED, SUBSCRIPTIONS, DELEGATIONS, REJECTED)

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS bare;
CREATE TABLE bare.invitations (
    code text PRIMARY KEY, invitation_id uuid NOT NULL, partner_id uuid NOT NULL,
    service_id text NOT NULL, seats integer NOT NULL, trial_days integer NOT NULL,
    delegation_role text, redemptions integer NOT NULL DEFAULT 0);
CREATE TABLE bare.customers (customer_id uuid PRIMARY KEY);
CREATE TABLE bare.redemptions (
    redemption_id uuid PRIMARY KEY, invitation_id uuid NOT NULL, customer_id uuid NOT NULL,
    service_id text NOT NULL, redeemed_at timestamptz NOT NULL,
    UNIQUE (customer_id, service_id));
CREATE TABLE bare.subscriptions (
    subscription_id uuid PRIMARY KEY, customer_id uuid NOT NULL REFERENCES bare.customers,
    service_id text NOT NULL, seats integer NOT NULL, partner_of_record uuid NOT NULL,
    trial_ends_at timestamptz NOT NULL, source_id uuid NOT NULL UNIQUE,
    created_at timestamptz NOT NULL);
CREATE TABLE bare.requests (
    request_id uuid PRIMARY KEY, partner_id uuid NOT NULL, customer_id uuid NOT NULL,
    role text NOT NULL, source_id uuid NOT NULL UNIQUE, state text NOT NULL,
    requested_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
"""

Out = tuple[str, bytes, bytes]  # topic, key, value
Handle = Callable[[Any, dict[str, Any]], Awaitable[Out | None]]


async def redeem(conn: Any, cmd: dict[str, Any]) -> Out | None:
    inv = await conn.fetchrow(
        "SELECT * FROM bare.invitations WHERE code = $1 FOR UPDATE", cmd["code"]
    )
    key = cmd["customer_id"].encode()
    if inv is None or not await conn.fetchval(
        "SELECT true FROM bare.customers WHERE customer_id = $1", uuid.UUID(cmd["customer_id"])
    ):
        return REJECTED, key, b'{"code":"not_found"}'
    now = datetime.now(UTC)
    redemption_id = uuid.uuid4()
    inserted = await conn.fetchval(
        "INSERT INTO bare.redemptions VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING RETURNING true",
        redemption_id,
        inv["invitation_id"],
        uuid.UUID(cmd["customer_id"]),
        inv["service_id"],
        now,
    )
    if not inserted:
        return REJECTED, key, b'{"code":"trial_already_redeemed"}'
    await conn.execute(
        "UPDATE bare.invitations SET redemptions = redemptions + 1 WHERE code = $1", cmd["code"]
    )
    event = {
        "redemption_id": str(redemption_id),
        "partner_id": str(inv["partner_id"]),
        "customer_id": cmd["customer_id"],
        "service_id": inv["service_id"],
        "seats": inv["seats"],
        "trial_days": inv["trial_days"],
        "delegation_role": inv["delegation_role"],
        "redeemed_at": now.isoformat(),
    }
    return REDEEMED, key, orjson.dumps(event)


async def subscription(conn: Any, ev: dict[str, Any]) -> Out | None:
    now = datetime.now(UTC)
    sid = uuid.uuid4()
    ends = datetime.fromisoformat(ev["redeemed_at"]) + timedelta(days=ev["trial_days"])
    inserted = await conn.fetchval(
        "INSERT INTO bare.subscriptions VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (source_id) DO NOTHING RETURNING true",
        sid,
        uuid.UUID(ev["customer_id"]),
        ev["service_id"],
        ev["seats"],
        uuid.UUID(ev["partner_id"]),
        ends,
        uuid.UUID(ev["redemption_id"]),
        now,
    )
    if not inserted:
        return None
    body = {**ev, "subscription_id": str(sid), "state": "trial", "created_at": now.isoformat()}
    return SUBSCRIPTIONS, ev["customer_id"].encode(), orjson.dumps(body)


async def delegation(conn: Any, ev: dict[str, Any]) -> Out | None:
    if not ev.get("delegation_role"):
        return None
    now = datetime.now(UTC)
    rid = uuid.uuid4()
    inserted = await conn.fetchval(
        "INSERT INTO bare.requests VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) "
        "ON CONFLICT (source_id) DO NOTHING RETURNING true",
        rid,
        uuid.UUID(ev["partner_id"]),
        uuid.UUID(ev["customer_id"]),
        ev["delegation_role"],
        uuid.UUID(ev["redemption_id"]),
        now,
        now + timedelta(days=14),
    )
    if not inserted:
        return None
    body = {"request_id": str(rid), "customer_id": ev["customer_id"], "state": "pending"}
    return DELEGATIONS, ev["customer_id"].encode(), orjson.dumps(body)


ROLES: dict[str, tuple[str, Handle]] = {
    "redeem": (COMMANDS, redeem),
    "directory": (REDEEMED, subscription),
    "delegation": (REDEEMED, delegation),
}


async def serve(role: str) -> None:
    topic, handle = ROLES[role]
    bootstrap = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    conn = await asyncpg.connect(os.environ["PORTAL_DATABASE_URL"])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{NS}.bare.{role}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await producer.start()
    await consumer.start()
    print("ready", flush=True)
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=50, max_records=500)
            if batches:
                await _apply(conn, producer, handle, [r for rs in batches.values() for r in rs])
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
        await conn.close()


async def _apply(
    conn: Any, producer: AIOKafkaProducer, handle: Handle, records: list[ConsumerRecord[Any, Any]]
) -> None:
    out: list[tuple[Out, Any]] = []
    async with conn.transaction():
        for record in records:
            result = await handle(conn, orjson.loads(record.value))
            if result is not None:
                out.append((result, record.headers))
    # Published after the commit: the plain (dual-write) way, and before the offset commit.
    acks = [
        await producer.send(topic, value=value, key=key, headers=list(headers))
        for (topic, key, value), headers in out
    ]
    await asyncio.gather(*acks)


if __name__ == "__main__":
    uvloop.run(serve(sys.argv[1]))
