"""A command table's route builds the command its handler's signature names from the
contract's fields of the same names, unless the route is given its own builder."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from shared.contracts import invitations
from shared.messaging.commands import CommandTable, handled_command
from shared.messaging.consumer import MessageContext, Routes


@dataclass(frozen=True)
class Revoke:
    invitation_id: UUID
    partner_id: UUID
    revoked_by: UUID


@dataclass(frozen=True)
class Other:
    invitation_id: UUID


received: list[object] = []


async def revoke(repo: object, cmd: Revoke, *, now: datetime) -> None:
    received.append(cmd)


def _message() -> invitations.RevokeTrialInvitation:
    return invitations.RevokeTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=uuid.uuid4(), revoked_by=uuid.uuid4()
    )


class _Context:
    conn = None


async def _apply(routes: Routes, msg: Any) -> None:
    route = routes.routes[type(msg).ce_type()]
    await route.handler(cast(MessageContext, _Context()), msg)


def test_the_command_is_the_one_the_handler_names() -> None:
    assert handled_command(revoke) is Revoke


async def test_a_route_builds_the_handlers_command_from_the_same_fields() -> None:
    routes = Routes()
    CommandTable(routes, lambda conn: None, "unit.events").add(
        invitations.RevokeTrialInvitation, revoke
    )
    msg = _message()
    received.clear()
    await _apply(routes, msg)
    assert received == [Revoke(msg.invitation_id, msg.partner_id, msg.revoked_by)]


async def test_a_given_builder_is_used_instead() -> None:
    routes = Routes()
    CommandTable(routes, lambda conn: None, "unit.events").add(
        invitations.RevokeTrialInvitation, revoke, lambda m: Other(invitation_id=m.invitation_id)
    )
    msg = _message()
    received.clear()
    await _apply(routes, msg)
    assert received == [Other(invitation_id=msg.invitation_id)]
