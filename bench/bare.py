"""The bare baseline: the same three hops written as fast as they honestly can be, with raw
aiokafka and asyncpg.

redeem (commands -> redeemed), directory (redeemed -> subscription), delegation (redeemed
-> pending request). Same durability as the services: the producer waits for every in-sync
replica (acks=all), and a batch's offsets are committed only after its database commit and
the broker's acknowledgement of what it produced. Set-based: each hop applies a whole batch
in one statement (autocommit: one round trip, no BEGIN/COMMIT), the redeem hop locking the
invitations in code order. Pipelined: while batch N's records are acknowledged and its
offsets committed (in order, by a task), batch N+1 is fetched and applied. No framework,
no outbox, no inbox, no envelope validation: a crash between the commit and the publish
would lose the event, and a redelivery is caught only by the unique constraints.

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
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

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

Out = tuple[str, bytes, bytes, Any]  # topic, key, value, headers
Handle = Callable[[Any, list[dict[str, Any]], list[Any]], Awaitable[list[Out]]]

_REDEEM = """
WITH req AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[]) WITH ORDINALITY
        AS r(code, customer_id, redemption_id, n)),
inv AS (
    SELECT * FROM bare.invitations WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE),
ok AS (
    SELECT r.n, r.redemption_id, r.customer_id, i.invitation_id, i.partner_id, i.service_id,
           i.seats, i.trial_days, i.delegation_role
    FROM req r JOIN inv i USING (code)
    WHERE EXISTS (SELECT 1 FROM bare.customers c WHERE c.customer_id = r.customer_id)),
ins AS (
    INSERT INTO bare.redemptions
    SELECT redemption_id, invitation_id, customer_id, service_id, $4 FROM ok ORDER BY n
    ON CONFLICT DO NOTHING RETURNING redemption_id, invitation_id),
upd AS (
    UPDATE bare.invitations i SET redemptions = i.redemptions + c.added
    FROM (SELECT invitation_id, count(*) AS added FROM ins GROUP BY invitation_id) c
    WHERE i.invitation_id = c.invitation_id)
SELECT req.n, ok.partner_id, ok.service_id, ok.seats, ok.trial_days, ok.delegation_role,
       ok.invitation_id IS NOT NULL AS found, ins.redemption_id IS NOT NULL AS inserted
FROM req LEFT JOIN ok USING (n) LEFT JOIN ins ON ins.redemption_id = req.redemption_id
ORDER BY req.n
"""


async def redeem(conn: Any, cmds: list[dict[str, Any]], headers: list[Any]) -> list[Out]:
    now = datetime.now(UTC)
    ids = [uuid.uuid4() for _ in cmds]
    rows = await conn.fetch(
        _REDEEM,
        [c["code"] for c in cmds],
        [uuid.UUID(c["customer_id"]) for c in cmds],
        ids,
        now,
    )
    out: list[Out] = []
    for cmd, row, rid, h in zip(cmds, rows, ids, headers, strict=True):
        key = cmd["customer_id"].encode()
        if not row["found"]:
            out.append((REJECTED, key, b'{"code":"not_found"}', h))
        elif not row["inserted"]:
            out.append((REJECTED, key, b'{"code":"trial_already_redeemed"}', h))
        else:
            event = {
                "redemption_id": str(rid),
                "partner_id": str(row["partner_id"]),
                "customer_id": cmd["customer_id"],
                "service_id": row["service_id"],
                "seats": row["seats"],
                "trial_days": row["trial_days"],
                "delegation_role": row["delegation_role"],
                "redeemed_at": now.isoformat(),
            }
            out.append((REDEEMED, key, orjson.dumps(event), h))
    return out


async def subscription(conn: Any, evs: list[dict[str, Any]], headers: list[Any]) -> list[Out]:
    now = datetime.now(UTC)
    sids = [uuid.uuid4() for _ in evs]
    inserted = await conn.fetch(
        "INSERT INTO bare.subscriptions SELECT * FROM unnest($1::uuid[], $2::uuid[], "
        "$3::text[], $4::int[], $5::uuid[], $6::timestamptz[], $7::uuid[], $8::timestamptz[]) "
        "ON CONFLICT (source_id) DO NOTHING RETURNING subscription_id",
        sids,
        [uuid.UUID(e["customer_id"]) for e in evs],
        [e["service_id"] for e in evs],
        [e["seats"] for e in evs],
        [uuid.UUID(e["partner_id"]) for e in evs],
        [datetime.fromisoformat(e["redeemed_at"]) + timedelta(days=e["trial_days"]) for e in evs],
        [uuid.UUID(e["redemption_id"]) for e in evs],
        [now] * len(evs),
    )
    new = {r["subscription_id"] for r in inserted}
    created = now.isoformat()
    return [
        (
            SUBSCRIPTIONS,
            ev["customer_id"].encode(),
            orjson.dumps(
                {**ev, "subscription_id": str(sid), "state": "trial", "created_at": created}
            ),
            h,
        )
        for ev, sid, h in zip(evs, sids, headers, strict=True)
        if sid in new
    ]


async def delegation(conn: Any, evs: list[dict[str, Any]], headers: list[Any]) -> list[Out]:
    now = datetime.now(UTC)
    wanted = [(e, h, uuid.uuid4()) for e, h in zip(evs, headers, strict=True)]
    wanted = [(e, h, rid) for e, h, rid in wanted if e.get("delegation_role")]
    if not wanted:
        return []
    inserted = await conn.fetch(
        "INSERT INTO bare.requests SELECT r, p, c, role, s, 'pending', $6, $7 "
        "FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[]) "
        "AS u(r, p, c, role, s) ON CONFLICT (source_id) DO NOTHING RETURNING request_id",
        [rid for _, _, rid in wanted],
        [uuid.UUID(e["partner_id"]) for e, _, _ in wanted],
        [uuid.UUID(e["customer_id"]) for e, _, _ in wanted],
        [e["delegation_role"] for e, _, _ in wanted],
        [uuid.UUID(e["redemption_id"]) for e, _, _ in wanted],
        now,
        now + timedelta(days=14),
    )
    new = {r["request_id"] for r in inserted}
    return [
        (
            DELEGATIONS,
            e["customer_id"].encode(),
            orjson.dumps(
                {"request_id": str(rid), "customer_id": e["customer_id"], "state": "pending"}
            ),
            h,
        )
        for e, h, rid in wanted
        if rid in new
    ]


ROLES: dict[str, tuple[str, Handle]] = {
    "redeem": (COMMANDS, redeem),
    "directory": (REDEEMED, subscription),
    "delegation": (REDEEMED, delegation),
}
IN_FLIGHT = 4  # batches applied but not yet acknowledged and committed, at most


async def serve(role: str) -> None:
    topic, handle = ROLES[role]
    bootstrap = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    conn = await asyncpg.connect(os.environ["PORTAL_DATABASE_URL"])
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=2, max_batch_size=256 * 1024
    )
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
    gate = asyncio.Semaphore(IN_FLIGHT)
    previous: asyncio.Task[None] | None = None
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=50, max_records=500)
            records = [r for rs in batches.values() for r in rs]
            if not records:
                continue
            # Committed in the database here (one statement, autocommit)...
            out = await handle(
                conn, [orjson.loads(r.value) for r in records], [r.headers for r in records]
            )
            # ...published, and the offsets committed once the broker acknowledged it all.
            acks = [
                await producer.send(t, value=value, key=key, headers=list(h))
                for t, key, value, h in out
            ]
            offsets = {
                TopicPartition(tp.topic, tp.partition): rs[-1].offset + 1
                for tp, rs in batches.items()
            }
            await gate.acquire()
            previous = asyncio.create_task(_settle(consumer, acks, offsets, previous, gate))
    finally:
        if previous is not None:
            await previous
        await consumer.stop()
        await producer.stop()
        await conn.close()


async def _settle(
    consumer: AIOKafkaConsumer,
    acks: list[Any],
    offsets: dict[TopicPartition, int],
    previous: asyncio.Task[None] | None,
    gate: asyncio.Semaphore,
) -> None:
    """Commit a batch's offsets after its records are acknowledged and after the batch
    before it (offsets only move forward)."""
    try:
        await asyncio.gather(*acks)
        if previous is not None:
            await previous
        await consumer.commit(offsets)
    except Exception as exc:  # a later commit would skip this batch: stop instead
        print(f"settle failed: {exc!r}", flush=True)
        os._exit(1)
    finally:
        gate.release()


if __name__ == "__main__":
    uvloop.run(serve(sys.argv[1]))
