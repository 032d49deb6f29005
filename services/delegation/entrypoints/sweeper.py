"""The periodic sweep: pending requests that expired unanswered, warnings before the end of
time-bound relationships, and their expiry. The kernel's one sweep helper
(``shared.messaging.unit.Sweep``: each pass one unit of work, events in its outbox) around
the handler. Two copies of the service may sweep at once; a row changes (and emits) once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from services.delegation import handlers
from services.delegation.adapters.repository import PgRepository
from services.delegation.domain.model import Policy
from shared.contracts.base import Contract
from shared.contracts.topics import DELEGATION_EVENTS
from shared.db import Connection
from shared.messaging.unit import Sweep


class Sweeper:
    """The sweep step; the kernel runs it every interval (``ServiceSpec.periodic``)."""

    def __init__(self, *, service: str, policy: Policy) -> None:
        self.policy = policy
        self.sweep = Sweep(
            service=service, name="delegation", topic=DELEGATION_EVENTS, step=self.due
        )
        self.sweep_once = self.sweep.once

    async def due(self, conn: Connection, batch: int) -> Sequence[Contract]:
        return await handlers.sweep(PgRepository(conn), now=datetime.now(UTC), policy=self.policy)
