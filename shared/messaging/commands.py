"""Table-driven command routes for a service's Kafka entrypoints.

Most commands are handled the same way: the contract becomes the service's own command, one
handler applies it to the repository over the consumer's connection (``now`` given), and what
it returns (an event, a list of events, or nothing) is emitted on the service's events topic.
``CommandTable.add`` registers such a route in one line (the command, unless given, is the
one the handler's signature names, built from the contract's fields of the same names);
``settle`` hands each message of a batch its outcome (events emitted, a ``DomainError``
rejected).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.contracts.base import Contract
from shared.errors import DomainError
from shared.messaging.consumer import BatchHandler, MessageContext, Routes

Outcome = Contract | Sequence[Contract] | DomainError | None


def now() -> datetime:
    return datetime.now(UTC)


def same_fields(command: Callable[..., Any]) -> Callable[[Contract], Any]:
    """The service's command built from a contract's fields of the same names."""
    return lambda msg: command(**msg.model_dump())


def handled_command(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The command type a handler ``handler(repository, cmd, ...)`` takes: what its
    signature names for ``cmd`` (resolved once, when the route is added)."""
    cmd = list(inspect.signature(handler).parameters)[1]
    command: Callable[..., Any] = typing.get_type_hints(handler)[cmd]
    return command


@dataclass(frozen=True)
class CommandTable:
    routes: Routes
    repository: Callable[[Any], Any]
    topic: str

    def add(
        self,
        contract: type[Contract],
        handler: Callable[..., Awaitable[Outcome]],
        command: Callable[[Any], Any] | None = None,
        *,
        batch: BatchHandler | None = None,
        **options: Any,
    ) -> None:
        """``contract`` → ``handler(repository, command(msg), now=…, **options)`` → emitted.
        ``command`` by default: the handler's command (``handled_command``) of the contract's
        fields of the same names (``same_fields``)."""
        build = command or same_fields(handled_command(handler))

        async def apply(ctx: MessageContext, msg: Any) -> None:
            outcome = await handler(self.repository(ctx.conn), build(msg), now=now(), **options)
            self.emit(ctx, outcome)

        self.routes.on(contract, batch=batch)(apply)

    def emit(self, ctx: MessageContext, outcome: Outcome) -> None:
        if isinstance(outcome, DomainError):
            ctx.reject(outcome)
        elif isinstance(outcome, Contract):
            ctx.emit(outcome, topic=self.topic)
        elif outcome is not None:
            for event in outcome:
                ctx.emit(event, topic=self.topic)

    def settle(
        self, run: Sequence[tuple[MessageContext, Any]], outcomes: Sequence[Outcome]
    ) -> None:
        """Each message of a batch its outcome, in order."""
        for (ctx, _), outcome in zip(run, outcomes, strict=True):
            self.emit(ctx, outcome)
