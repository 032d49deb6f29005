"""Every attempt to act for a customer passes through ``audited``, whichever way it arrived.

Why a refusal is returned rather than raised: the kernel rolls a handler's savepoint back
when it raises a ``DomainError``, and the audit row of the refusal would go with it. So
``audited`` runs the handler in a savepoint of its own; on a rule violation that savepoint
rolls back (nothing the handler wrote survives), the refusal is written to the audit in the
enclosing unit of work, and the error is handed back. A Kafka route then emits the
``CommandRejected`` the kernel's one builder makes (``reply``); an HTTP route commits and
answers the problem. One attempt, one audit row, no other change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from services.directory.adapters import audit
from services.directory.adapters.audit import Attempt
from services.directory.domain.acting import CustomerAction
from shared.contracts.base import Event
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.db import Connection
from shared.errors import DomainError
from shared.messaging.consumer import MessageContext

T = TypeVar("T")


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


class ActsForCustomer(Protocol):
    @property
    def customer_id(self) -> UUID: ...
    @property
    def actor_user_id(self) -> UUID: ...


def attempt_of(
    ctx: MessageContext,
    msg: ActsForCustomer,
    action: CustomerAction,
    *,
    target_kind: audit.TargetKind,
    target_id: UUID | None = None,
    **details: Any,
) -> Attempt:
    """What ``msg``'s actor tries in its customer, as the audit records it (the message's
    id names the attempt)."""
    return Attempt(
        customer_id=msg.customer_id,
        actor_user_id=msg.actor_user_id,
        action=action.value,
        target_kind=target_kind,
        target_id=target_id,
        details=details,
        message_id=ctx.envelope.id,
    )


def _named(attempt: Attempt, action: str) -> Attempt:
    if action == attempt.action:
        return attempt
    return Attempt(**{**attempt.__dict__, "action": action})


def reply(
    ctx: MessageContext, outcome: Event | DomainError, *, topic: str = DIRECTORY_EVENTS
) -> None:
    """Emit the command's one reply: its event (on ``topic``), or the kernel's rejection
    (one builder, on the directory's events topic)."""
    if isinstance(outcome, DomainError):
        ctx.reject(outcome)  # the audit row stays; the kernel sends the rejection
    else:
        ctx.emit(outcome, topic=topic)
