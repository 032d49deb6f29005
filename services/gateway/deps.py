"""Request-scoped dependencies (Annotated aliases, as FastAPI's template does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shared.messaging.client import CommandBus, CommandTimeout, Outcome
from services.gateway.adapters.services import ServiceClient
from services.gateway.config import Settings
from services.gateway.problems import Problem
from shared.contracts.base import Command


@dataclass
class Gateway:
    settings: Settings
    bus: CommandBus
    invitations: ServiceClient
    offers: ServiceClient
    delegation: ServiceClient
    directory: ServiceClient

    async def execute(self, command: Command, *, topic: str) -> Outcome:
        """Send a command; return its event, or raise its rejection as a problem."""
        try:
            outcome = await self.bus.send(
                command, topic=topic, timeout=self.settings.command_timeout
            )
        except CommandTimeout as exc:
            raise Problem(
                504,
                "command_timeout",
                "The command was sent but its outcome did not arrive in time.",
            ) from exc
        if outcome.rejected:
            raise Problem.from_rejection(outcome.data)
        return outcome


def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(_gateway)]
