"""The periodic sweep that expires trials whose end passed (run by the kernel as a
``Periodic`` task).

Each pass is one transaction: the conditional UPDATE and the events it yields go into the
outbox together, so an event is published if and only if its expiry committed. Two copies
of the service may sweep at once; a trial expires (and emits) only once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from services.directory.adapters.subscriptions import PgSubscriptionRepository
from services.directory.handlers import subscriptions as handlers
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.logging import get_logger
from shared.messaging import outbox
from shared.messaging.envelope import new_id
from shared.runtime import Periodic

log = get_logger(__name__)

BATCH = 500
SERVICE = "directory"


async def sweep_once(pool: asyncpg.Pool, *, batch: int = BATCH) -> int:
    """Expire at most ``batch`` trials in one transaction; returns how many."""
    async with pool.acquire() as conn, conn.transaction():
        events = await handlers.expire_trials(
            PgSubscriptionRepository(conn), now=datetime.now(UTC), limit=batch
        )
        await outbox.store(
            conn,
            [
                # An expiry nobody asked for starts its own correlation.
                outbox.pending(
                    e,
                    topic=DIRECTORY_EVENTS,
                    source=SERVICE,
                    correlation_id=new_id(),
                    causation_id=None,
                )
                for e in events
            ],
        )
    if events:
        log.info("trials_expired", count=len(events))
    return len(events)


async def sweep(pool: asyncpg.Pool) -> int:
    """Every trial that is due, a batch per transaction."""
    total = 0
    while (done := await sweep_once(pool)) > 0:
        total += done
        if done < BATCH:
            break
    return total


def periodic(interval: timedelta) -> Periodic:
    return Periodic(name="directory-trial-sweep", interval=interval.total_seconds(), step=sweep)
