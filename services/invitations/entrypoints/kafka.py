"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from services.invitations import handlers
from services.invitations.adapters.repository import PgRepository
from services.invitations.domain import commands
from shared.contracts import catalogue, directory, invitations
from shared.contracts.topics import INVITATIONS_EVENTS
from shared.db import Connection
from shared.errors import DomainError
from shared.messaging.consumer import MessageContext, Routes


def _now() -> datetime:
    return datetime.now(UTC)


def command_routes(*, base_url: str) -> Routes:
    routes = Routes(strict=True)

    @routes.on(invitations.CreateTrialInvitation)
    async def create(ctx: MessageContext, msg: invitations.CreateTrialInvitation) -> None:
        cmd = commands.CreateInvitation(**msg.model_dump())
        event = await handlers.create_invitation(
            PgRepository(ctx.conn), cmd, now=_now(), base_url=base_url
        )
        ctx.emit(event, topic=INVITATIONS_EVENTS)

    @routes.on(invitations.RevokeTrialInvitation)
    async def revoke(ctx: MessageContext, msg: invitations.RevokeTrialInvitation) -> None:
        cmd = commands.RevokeInvitation(**msg.model_dump())
        ctx.emit(
            await handlers.revoke_invitation(PgRepository(ctx.conn), cmd, now=_now()),
            topic=INVITATIONS_EVENTS,
        )

    async def redeem_all(
        conn: Connection,
        run: Sequence[tuple[MessageContext, invitations.RedeemTrialInvitation]],
    ) -> None:
        """A run of redemptions set-based: one read, one write for all of them."""
        outcomes = await handlers.redeem_invitations(
            PgRepository(conn),
            [commands.RedeemInvitation(**msg.model_dump()) for _, msg in run],
            now=_now(),
        )
        for (ctx, _), outcome in zip(run, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                ctx.reject(outcome)
            else:
                ctx.emit(outcome, topic=INVITATIONS_EVENTS)

    @routes.on(invitations.RedeemTrialInvitation, batch=redeem_all)
    async def redeem(ctx: MessageContext, msg: invitations.RedeemTrialInvitation) -> None:
        cmd = commands.RedeemInvitation(**msg.model_dump())
        ctx.emit(
            await handlers.redeem_invitation(PgRepository(ctx.conn), cmd, now=_now()),
            topic=INVITATIONS_EVENTS,
        )

    @routes.on(invitations.RecordInvitationOpened)
    async def opened(ctx: MessageContext, msg: invitations.RecordInvitationOpened) -> None:
        cmd = commands.RecordOpen(**msg.model_dump())
        ctx.emit(
            await handlers.record_open(PgRepository(ctx.conn), cmd, now=_now()),
            topic=INVITATIONS_EVENTS,
        )

    @routes.on(invitations.RecordInvitationSignUp)
    async def signed_up(ctx: MessageContext, msg: invitations.RecordInvitationSignUp) -> None:
        cmd = commands.RecordSignUp(**msg.model_dump())
        ctx.emit(
            await handlers.record_sign_up(PgRepository(ctx.conn), cmd, now=_now()),
            topic=INVITATIONS_EVENTS,
        )

    return routes


def event_routes() -> Routes:
    """Local views of the catalogue and of the customers, from their owners' events."""
    routes = Routes(strict=False)

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

    @routes.on(directory.CustomerRegistered)
    async def customer_registered(ctx: MessageContext, msg: directory.CustomerRegistered) -> None:
        await PgRepository(ctx.conn).add_customer(customer_id=msg.customer_id, name=msg.name)

    return routes
