"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Sequence

from services.invitations import handlers
from services.invitations.adapters.repository import PgRepository
from services.invitations.domain import commands
from shared import links
from shared.contracts import catalogue, invitations
from shared.contracts.topics import INVITATIONS_EVENTS
from shared.db import Connection
from shared.messaging.commands import CommandTable, now
from shared.messaging.consumer import MessageContext, Routes


def command_routes(*, base_url: str) -> Routes:
    routes = Routes(strict=True)
    table = CommandTable(routes, PgRepository, INVITATIONS_EVENTS)

    async def redeem_all(
        conn: Connection,
        run: Sequence[tuple[MessageContext, invitations.RedeemTrialInvitation]],
    ) -> None:
        """A run of redemptions set-based: one read, one write for all of them."""
        outcomes = await handlers.redeem_invitations(
            PgRepository(conn),
            [commands.RedeemInvitation(**msg.model_dump()) for _, msg in run],
            now=now(),
        )
        table.settle(run, outcomes)

    table.add(invitations.CreateTrialInvitation, handlers.create_invitation, base_url=base_url)
    table.add(invitations.RevokeTrialInvitation, handlers.revoke_invitation)
    table.add(invitations.RedeemTrialInvitation, handlers.redeem_invitation, batch=redeem_all)
    table.add(invitations.RecordInvitationOpened, handlers.record_open)
    table.add(invitations.RecordInvitationSignUp, handlers.record_sign_up)
    return routes


def event_routes() -> Routes:
    """Local views of the customers and of the catalogue, from their owners' events."""
    routes = links.customer_view(PgRepository)

    @routes.on(catalogue.CatalogueServicePublished)
    async def catalogue_changed(
        ctx: MessageContext, msg: catalogue.CatalogueServicePublished
    ) -> None:
        await PgRepository(ctx.conn).upsert_catalogue(
            service_id=msg.service_id,
            name=msg.name,
            trial_days=msg.trial.days if msg.trial else None,
            trial_max_seats=msg.trial.max_seats if msg.trial else None,
        )

    return routes
