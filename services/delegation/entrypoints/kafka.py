"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Sequence

from services.delegation import handlers
from services.delegation.adapters.repository import PgRepository
from services.delegation.domain import commands
from services.delegation.domain.model import Policy
from shared.contracts import delegation, directory, invitations, offers
from shared.contracts.topics import DELEGATION_EVENTS
from shared.db import Connection
from shared.messaging.commands import CommandTable, now
from shared.messaging.consumer import MessageContext, Routes


def command_routes(*, policy: Policy, base_url: str) -> Routes:
    routes = Routes(strict=True)
    table = CommandTable(routes, PgRepository, DELEGATION_EVENTS)
    table.add(
        delegation.OfferDelegation, handlers.offer_delegation, policy=policy, base_url=base_url
    )
    table.add(delegation.ApproveDelegationRequest, handlers.approve_request)
    table.add(delegation.DeclineDelegationRequest, handlers.decline_request)
    table.add(delegation.RevokeDelegation, handlers.revoke_relationship)
    return routes


async def request_from_redemption(
    ctx: MessageContext, cmd: commands.RequestFromRedemption, *, policy: Policy
) -> None:
    """The one path from any redemption event to a pending request."""
    event = await handlers.request_from_redemption(
        PgRepository(ctx.conn), cmd, now=now(), policy=policy
    )
    if event is not None:
        ctx.emit(event, topic=DELEGATION_EVENTS)


def event_routes(*, policy: Policy) -> Routes:
    """Redemptions that may open a request, and the local view of customers' admins."""
    routes = Routes(strict=False)

    def from_trial(msg: invitations.TrialInvitationRedeemed) -> commands.RequestFromRedemption:
        return commands.RequestFromRedemption(
            source_kind="trial_invitation",
            source_id=msg.redemption_id,
            partner_id=msg.partner_id,
            customer_id=msg.customer_id,
            role=msg.delegation_role,
        )

    async def trials_redeemed(
        conn: Connection,
        run: Sequence[tuple[MessageContext, invitations.TrialInvitationRedeemed]],
    ) -> None:
        """A run of trial redemptions set-based: their requests in one statement."""
        outcomes = await handlers.requests_from_redemptions(
            PgRepository(conn), [from_trial(msg) for _, msg in run], now=now(), policy=policy
        )
        CommandTable(routes, PgRepository, DELEGATION_EVENTS).settle(run, outcomes)

    @routes.on(invitations.TrialInvitationRedeemed, batch=trials_redeemed)
    async def trial_redeemed(ctx: MessageContext, msg: invitations.TrialInvitationRedeemed) -> None:
        await request_from_redemption(ctx, from_trial(msg), policy=policy)

    @routes.on(offers.OfferRedeemed)
    async def offer_redeemed(ctx: MessageContext, msg: offers.OfferRedeemed) -> None:
        cmd = commands.RequestFromRedemption(
            source_kind="offer",
            source_id=msg.redemption_id,
            partner_id=msg.partner_id,
            customer_id=msg.customer_id,
            role=msg.delegation_role,
        )
        await request_from_redemption(ctx, cmd, policy=policy)

    @routes.on(directory.CustomerRegistered)
    async def customer_registered(ctx: MessageContext, msg: directory.CustomerRegistered) -> None:
        await PgRepository(ctx.conn).add_customer_admin(
            customer_id=msg.customer_id, user_id=msg.admin_user_id
        )

    return routes
