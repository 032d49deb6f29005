"""Every command accounted for in the databases and on Kafka, or the run fails: each accepted
redemption has exactly one subscription per line and, where asked, exactly one delegation
request; each rejected one has its rejection and no effect; the outboxes are empty; every
consumer group has caught up with the end of its topics."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chaos.env import SCHEMAS
from chaos.load import Sent
from shared.contracts.topics import NAMESPACE


async def effects(dsn: str, commands: list[Sent]) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        subs: dict[str, Counter[str]] = {}
        for r in await conn.fetch(
            "SELECT customer_id::text, service_id FROM directory.subscriptions"
        ):
            subs.setdefault(r[0], Counter())[r[1]] += 1
        requests = Counter(
            r[0] for r in await conn.fetch("SELECT customer_id::text FROM delegation.requests")
        )
        trials = Counter(
            r[0] for r in await conn.fetch("SELECT customer_id::text FROM invitations.redemptions")
        )
        purchases = Counter(
            r[0] for r in await conn.fetch("SELECT customer_id::text FROM offers.redemptions")
        )
    finally:
        await conn.close()
    counts = Counter[str]()
    problems: list[str] = []
    for c in commands:
        source = c.source
        mine = dict(subs.get(c.customer, {}))
        expected = dict.fromkeys(source.services, 1) if source.valid else {}
        wanted_requests = 1 if source.valid and source.delegation else 0
        redemptions = (trials if source.kind == "trial" else purchases)[c.customer]
        if not source.valid:
            counts["rejected_expected"] += 1
            counts["rejected_with_event"] += c.rejections_seen > 0
        else:
            counts["accepted_expected"] += 1
            counts["subscriptions_expected"] += len(expected)
            counts["requests_expected"] += wanted_requests
        counts["subscriptions_found"] += sum(mine.values())
        counts["requests_found"] += requests[c.customer]
        lost = sum(max(0, n - mine.get(s, 0)) for s, n in expected.items())
        doubled = sum(max(0, n - expected.get(s, 0)) for s, n in mine.items())
        lost += max(0, wanted_requests - requests[c.customer])
        doubled += max(0, requests[c.customer] - wanted_requests)
        lost += max(0, (1 if source.valid else 0) - redemptions)
        doubled += max(0, redemptions - (1 if source.valid else 0))
        counts["lost_effects"] += lost
        counts["duplicated_effects"] += doubled
        if not source.valid and c.rejections_seen == 0:
            problems.append(f"command {c.index}: no rejection event")
        if lost or doubled:
            problems.append(
                f"command {c.index} ({source.kind}, customer {c.customer}): "
                f"subscriptions {mine} want {expected}, requests {requests[c.customer]} "
                f"want {wanted_requests}, redemptions {redemptions}"
            )
    return {"counts": dict(counts), "problems": problems}


async def outboxes(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return {s: await conn.fetchval(f'SELECT count(*) FROM "{s}".outbox') for s in SCHEMAS}
    finally:
        await conn.close()


async def lag(bootstrap: str) -> dict[str, int]:
    """Per consumer group of the run: end offsets minus committed offsets, summed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="chaos-lag")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if g[0].startswith(NAMESPACE)]
        result: dict[str, int] = {}
        for group in groups:
            committed: dict[TopicPartition, Any] = await admin.list_consumer_group_offsets(group)
            ends = await consumer.end_offsets(list(committed))
            result[group] = sum(max(0, ends[tp] - meta.offset) for tp, meta in committed.items())
        return result
    finally:
        await consumer.stop()
        await admin.close()


async def settle(
    dsn: str, bootstrap: str, stall: float
) -> tuple[dict[str, int], dict[str, int], float]:
    """Until the outboxes are empty and the lag is zero (given up when that stops moving for
    ``stall`` seconds); (outboxes, lag, seconds)."""

    async def remaining() -> int:
        return sum((await outboxes(dsn)).values()) + sum((await lag(bootstrap)).values())

    seconds = await until_done(remaining, stall)
    return await outboxes(dsn), await lag(bootstrap), seconds


async def count(dsn: str, table: str, open_: str) -> tuple[int, int]:
    """A table's rows, and those of them still ``open_`` (an SQL condition)."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(f"SELECT count(*), count(*) FILTER (WHERE {open_}) FROM {table}")
    finally:
        await conn.close()
    assert row is not None
    return int(row[0]), int(row[1])


async def until_done(remaining: Callable[[], Awaitable[int]], stall: float) -> float:
    """Polls ``remaining`` (how much is still to do) every second until it is zero; gives up
    once it has not fallen for ``stall`` seconds: the work is stuck, not just slow (a backlog
    that the machine's two cores work through after the load is waited for). Seconds."""
    started = time.monotonic()
    best, since = -1, started
    while (left := await remaining()) > 0:
        now = time.monotonic()
        if best < 0 or left < best:
            best, since = left, now
        elif now - since > stall:
            break
        await asyncio.sleep(1.0)
    return time.monotonic() - started


def arrival(
    prefix: str,
    counts: Counter[str],
    problems: list[str],
    *,
    what: str,
    status: str | None,
    done: bool,
    arrived: int,
    attempts: int,
) -> bool:
    """One expected delivery (an e-mail's, a webhook's; ``status`` None: no row): lost unless
    ``done`` and arrived; copies beyond the first are the at-least-once window's only up to
    its extra attempts (``<prefix>_redelivered_same_id``), the rest duplicates. True when
    delivered."""
    if status is None or not done or arrived == 0:
        counts[f"{prefix}_lost"] += 1
        found = "no delivery" if status is None else f"{status}, arrived {arrived} times"
        problems.append(f"{what}: {found}")
        return False
    counts[f"{prefix}_delivered"] += 1
    extra = arrived - 1
    allowed = min(extra, max(0, attempts - 1))
    counts[f"{prefix}_redelivered_same_id"] += allowed
    if extra > allowed:
        counts[f"{prefix}_duplicated"] += extra - allowed
        problems.append(f"{what}: arrived {arrived} times in {attempts} attempts")
    return True
