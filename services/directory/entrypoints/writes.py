"""An HTTP write is a message like any other: it goes through the kernel's unit of work
(``shared.messaging.unit.apply``: handler, inbox claim and outbox, commit, relay) under the message
id the request's ``Idempotency-Key`` gives it (or a generated one), claimed by the consumer
``directory.http``. A request repeated with the same key has no second effect and is
answered 409 ``already_applied``. A broken rule answers the one problem body."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request

from services.directory.domain import errors
from shared.errors import DomainError
from shared.messaging import unit
from shared.messaging.unit import MessageContext
from shared.pools import pool_of
from shared.problems import Problem

SERVICE = "directory"
CONSUMER = f"{SERVICE}.http"
T = TypeVar("T")


def rejected(exc: DomainError) -> Problem:
    """The one problem body (shared.problems) for a broken rule; raise it."""
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int)}
    headers = {}
    if isinstance(exc, errors.AccountLocked):
        headers["Retry-After"] = str(exc.details["retry_after"])
    return Problem(
        exc.status, exc.code(), exc.reason, errors=[details] if details else None, headers=headers
    )


async def change(
    request: Request, name: str, handler: Callable[[MessageContext], Awaitable[T]]
) -> T:
    """Apply ``handler`` as the message this request is (``name``: what it does, its type
    ``directory.http.<name>``). A ``DomainError`` it raises keeps nothing and becomes the
    problem; a handler that must keep something of a refusal (a failed sign-in's count, an
    audit row) returns the refusal instead and the route raises it after the commit."""
    message = unit.envelope(
        message_id=request.headers.get("idempotency-key"),
        type=f"{CONSUMER}.{name}",
        source=SERVICE,
        correlation_id=request.headers.get("x-correlation-id"),
    )
    try:
        # The rows go to the relay the runtime gave the service's pool (``unit.relay_of``).
        return await unit.apply(
            pool_of(request), consumer=CONSUMER, service=SERVICE, message=message, handler=handler
        )
    except unit.AlreadyApplied as exc:
        raise Problem(
            409,
            "already_applied",
            "A request with this Idempotency-Key was applied before; it was not applied again.",
        ) from exc
    except DomainError as exc:
        raise rejected(exc) from exc
