"""Every attempt to act for a customer passes through ``audited``, whichever way it arrived.

Why a refusal is returned rather than raised: the kernel rolls a handler's savepoint back
when it raises a ``DomainError``, and the audit row of the refusal would go with it. So
``audited`` runs the handler in a savepoint of its own; on a rule violation that savepoint
rolls back (nothing the handler wrote survives), the refusal is written to the audit in the
enclosing transaction, and the error is handed back. A Kafka route then emits the same
``CommandRejected`` the kernel would have (same causation id, via ``reply``); an HTTP route
commits and answers the problem. One attempt, one audit row, no other change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from services.directory.adapters import audit
from services.directory.adapters.audit import Attempt
from shared.contracts.base import Event
from shared.contracts.common import CommandRejected
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.db import Connection
from shared.errors import DomainError
from shared.logging import get_logger
from shared.messaging.consumer import MessageContext

log = get_logger(__name__)
T = TypeVar("T")
SERVICE = "directory"


def _now() -> datetime:
    return datetime.now(UTC)


async def audited(
    conn: Connection,
    attempt: Attempt,
    run: Callable[[], Awaitable[T]],
    *,
    action_of: Callable[[T], str] | None = None,
) -> T | DomainError:
    """Run one attempt in a savepoint and record it: allowed, or refused and why. A refusal
    is returned (not raised), so that its audit row commits with the caller's transaction.
    The only statement this table ever sees is this INSERT (a trigger refuses the rest)."""
    now = _now()
    try:
        async with conn.transaction():
            result = await run()
    except DomainError as exc:
        action = str(exc.details.get("action", attempt.action))
        await audit.record(conn, _named(attempt, action), now=now, refusal=exc)
        return exc
    action = action_of(result) if action_of is not None else attempt.action
    await audit.record(conn, _named(attempt, action), now=now)
    return result


def _named(attempt: Attempt, action: str) -> Attempt:
    if action == attempt.action:
        return attempt
    return Attempt(**{**attempt.__dict__, "action": action})


def reply(ctx: MessageContext, outcome: Event | DomainError, *, customer_id: UUID) -> None:
    """Emit the command's one reply: its event, or the rejection the kernel would send."""
    if isinstance(outcome, DomainError):
        log.info("message_rejected", type=ctx.envelope.type, code=outcome.code())
        details = {k: v for k, v in outcome.details.items() if isinstance(v, str | int)}
        outcome = CommandRejected(
            rejected_type=ctx.envelope.type,
            rejected_id=ctx.envelope.id,
            service=SERVICE,
            code=outcome.code(),
            category=outcome.category(),
            reason=outcome.reason,
            key=str(customer_id),
            details=[details] if details else [],
        )
    ctx.emit(outcome, topic=DIRECTORY_EVENTS)
