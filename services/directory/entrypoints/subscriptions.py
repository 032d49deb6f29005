"""Thin entrypoints of the subscription lifecycle: Kafka commands and redemptions in,
internal read endpoints out. Each turns a contract into an internal command and calls one
handler inside the consumer's transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from services.directory import access
from services.directory import queries as reads
from services.directory.adapters.audit import Attempt
from services.directory.adapters.subscriptions import PgSubscriptionRepository
from services.directory.domain import subscriptions as model
from services.directory.domain.acting import CustomerAction
from services.directory.entrypoints.audited import attempt_of, audited, reply
from services.directory.handlers import redemptions
from services.directory.handlers import subscriptions as handlers
from services.directory.handlers.subscriptions import STATE_ACTIONS as _STATE_ACTIONS
from shared.contracts import directory, invitations, offers
from shared.contracts.base import Event
from shared.contracts.topics import DIRECTORY_SUBSCRIPTIONS
from shared.db import Connection
from shared.messaging.commands import CommandTable
from shared.messaging.consumer import MessageContext, Routes
from shared.pools import pool_of
from shared.runtime import Stream
from shared.views import directory as views


def _now() -> datetime:
    return datetime.now(UTC)


def _attempt(ctx: MessageContext, msg: Any, action: CustomerAction) -> Attempt:
    details = {"user_id": msg.user_id} if hasattr(msg, "user_id") else {}
    if hasattr(msg, "quantity"):
        details["quantity"] = msg.quantity
    return attempt_of(
        ctx, msg, action, target_kind="subscription", target_id=msg.subscription_id, **details
    )


# The subscription commands: contract, internal command, the act it is, handler; and the
# three state changes, each one ``ChangeState``.
_CHANGES: tuple[tuple[Any, Any, CustomerAction, Any], ...] = (
    (
        directory.ChangeSubscriptionQuantity,
        model.ChangeQuantity,
        CustomerAction.CHANGE_QUANTITY,
        handlers.change_quantity,
    ),
    (
        directory.AssignLicence,
        model.AssignLicence,
        CustomerAction.ASSIGN_LICENCE,
        handlers.assign_licence,
    ),
    (
        directory.RemoveLicence,
        model.RemoveLicence,
        CustomerAction.REMOVE_LICENCE,
        handlers.remove_licence,
    ),
)
_STATE_CHANGES: tuple[tuple[Any, str], ...] = (
    (directory.SuspendSubscription, "suspend"),
    (directory.ReactivateSubscription, "reactivate"),
    (directory.CancelSubscription, "cancel"),
)


def add_commands(routes: Routes) -> Routes:
    """Register the lifecycle commands on the directory's commands topic routes. Each is an
    act for the customer: audited, allowed or refused (see ``entrypoints/audited.py``)."""

    async def run(
        ctx: MessageContext,
        msg: Any,
        action: CustomerAction,
        handle: Callable[[PgSubscriptionRepository], Awaitable[Event]],
    ) -> None:
        repo = PgSubscriptionRepository(ctx.conn)
        outcome = await audited(ctx.conn, _attempt(ctx, msg, action), lambda: handle(repo))
        reply(ctx, outcome, topic=DIRECTORY_SUBSCRIPTIONS)

    def one(
        command: Callable[..., Any],
        action: CustomerAction,
        handler: Callable[..., Awaitable[Event]],
    ) -> Callable[[MessageContext, Any], Awaitable[None]]:
        """A command with exactly the contract's fields, for ``handler``."""

        async def apply(ctx: MessageContext, msg: Any) -> None:
            cmd = command(**msg.model_dump())
            await run(ctx, msg, action, lambda repo: handler(repo, cmd, now=_now()))

        return apply

    for contract, command, action, handler in _CHANGES:
        routes.on(contract)(one(command, action, handler))

    def state_change(action: Any) -> Callable[[MessageContext, Any], Awaitable[None]]:
        """Suspend, reactivate or cancel: one internal ``ChangeState`` command."""

        async def apply(ctx: MessageContext, msg: Any) -> None:
            cmd = model.ChangeState(
                customer_id=msg.customer_id,
                subscription_id=msg.subscription_id,
                actor_user_id=msg.actor_user_id,
                action=action,
                reason=getattr(msg, "reason", ""),
            )
            await run(
                ctx,
                msg,
                _STATE_ACTIONS[action],
                lambda repo: handlers.change_state(repo, cmd, now=_now()),
            )

        return apply

    for state_contract, state_action in _STATE_CHANGES:
        routes.on(state_contract)(state_change(state_action))

    return routes


def redemption_routes() -> Routes:
    """Both redemption events reach the one Subscription aggregate through one handler: an
    invitation redeemed starts a trial, an offer bought starts or converts paid ones. A run
    of trial redemptions in a batch is applied set-based (``redemptions.start_trials``)."""
    routes = Routes(strict=False)
    table = CommandTable(routes, PgSubscriptionRepository, DIRECTORY_SUBSCRIPTIONS)

    async def apply(ctx: MessageContext, cmd: model.ApplyRedemption) -> None:
        repo = PgSubscriptionRepository(ctx.conn)
        table.emit(ctx, await redemptions.apply_redemption(repo, cmd, now=_now()))

    def trial(msg: invitations.TrialInvitationRedeemed) -> model.ApplyRedemption:
        line = model.Line(msg.service_id, msg.seats)
        return _redemption(msg, "trial_invitation", (line,), trial_days=msg.trial_days)

    async def trials_redeemed(
        conn: Connection, run: Sequence[tuple[MessageContext, invitations.TrialInvitationRedeemed]]
    ) -> None:
        outcomes = await redemptions.start_trials(
            PgSubscriptionRepository(conn), [trial(msg) for _, msg in run], now=_now()
        )
        table.settle(run, outcomes)

    @routes.on(invitations.TrialInvitationRedeemed, batch=trials_redeemed)
    async def trial_redeemed(ctx: MessageContext, msg: invitations.TrialInvitationRedeemed) -> None:
        await apply(ctx, trial(msg))

    @routes.on(offers.OfferRedeemed)
    async def offer_redeemed(ctx: MessageContext, msg: offers.OfferRedeemed) -> None:
        lines = tuple(model.Line(line.service_id, line.quantity) for line in msg.lines)
        await apply(ctx, _redemption(msg, "offer", lines))

    return routes


def _redemption(
    msg: invitations.TrialInvitationRedeemed | offers.OfferRedeemed,
    kind: model.SourceKind,
    lines: tuple[model.Line, ...],
    *,
    trial_days: int = 0,
) -> model.ApplyRedemption:
    redeemed = msg.model_dump(include={"redemption_id", "partner_id", "customer_id", "redeemed_at"})
    return model.ApplyRedemption(**redeemed, source_kind=kind, lines=lines, trial_days=trial_days)


def router() -> APIRouter:
    """Internal reads for the gateway (loopback only), under the directory's /internal."""
    r = APIRouter()

    @r.get("/internal/customers/{customer_id}/licences", response_model=list[views.Licences])
    async def subscriptions(
        request: Request, customer_id: UUID, actor_user_id: UUID | None = None
    ) -> list[views.Licences]:
        """The customer's subscriptions (every state), each with ``assigned`` licences.
        With ``actor_user_id`` (a partner user), 404 outside the actor's partner's reach."""
        async with pool_of(request).acquire() as db:
            if actor_user_id is not None:
                await access.supported_customer(
                    db, actor_user_id=actor_user_id, customer_id=customer_id
                )
            return await reads.licences(db, customer_id=customer_id)

    @r.get(
        "/internal/customers/{customer_id}/subscriptions/{subscription_id}/assignments",
        response_model=list[views.Assignment],
    )
    async def assignments(
        request: Request, customer_id: UUID, subscription_id: UUID
    ) -> list[views.Assignment]:
        """Who holds the subscription's licences (oldest assignment first); 404
        ``subscription_not_found`` when the customer has no such subscription."""
        return await reads.assignments(
            pool_of(request), customer_id=customer_id, subscription_id=subscription_id
        )

    return r


# --- what the composition root wires in ------------------------------------------------

EMITS = (
    directory.SubscriptionCreated,
    directory.SubscriptionConverted,
    directory.SubscriptionQuantityChanged,
    directory.LicenceAssigned,
    directory.LicenceRemoved,
    directory.SubscriptionSuspended,
    directory.SubscriptionReactivated,
    directory.SubscriptionCancelled,
    directory.SubscriptionExpired,
)
COMMANDS = (*(c[0] for c in _CHANGES), *(c[0] for c in _STATE_CHANGES))
STREAM = Stream(
    DIRECTORY_SUBSCRIPTIONS,
    EMITS,
    "The Subscription aggregate's events: started or converted by a redemption, changed by "
    "the customer's commands, ended by cancellation or the trial sweep (contract 2.0.0 moved "
    "them here from the directory's events topic).",
    answers=COMMANDS,
)


def with_router(base: APIRouter) -> APIRouter:
    """The directory's internal router with these routes added (paths kept as written)."""
    combined = APIRouter()
    combined.include_router(base)
    combined.include_router(router())
    return combined
