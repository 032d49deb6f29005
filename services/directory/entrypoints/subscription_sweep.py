"""The periodic sweep that expires trials whose end passed: the kernel's one sweep helper
(``shared.messaging.unit.Sweep``: each pass one unit of work, events in its outbox) around
the handler. Two copies of the service may sweep at once; a trial expires (and emits) once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from services.directory.adapters.subscriptions import PgSubscriptionRepository
from services.directory.handlers import subscriptions as handlers
from shared.contracts.base import Contract
from shared.contracts.topics import DIRECTORY_SUBSCRIPTIONS
from shared.db import Connection
from shared.messaging.unit import Sweep
from shared.runtime import Periodic


async def expire_due(conn: Connection, batch: int) -> Sequence[Contract]:
    repo = PgSubscriptionRepository(conn)
    return await handlers.expire_trials(repo, now=datetime.now(UTC), limit=batch)


SWEEP = Sweep(service="directory", name="trials", topic=DIRECTORY_SUBSCRIPTIONS, step=expire_due)


def periodic(interval: timedelta) -> Periodic:
    return Periodic(name="directory-trial-sweep", interval=interval.total_seconds(), step=SWEEP)
