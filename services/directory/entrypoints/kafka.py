"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from datetime import UTC, datetime

from services.directory import handlers
from services.directory.adapters.repository import PgRepository
from services.directory.domain import commands
from services.directory.domain.model import Profile
from shared.contracts import directory, invitations
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.messaging.consumer import MessageContext, Routes


def _now() -> datetime:
    return datetime.now(UTC)


def _profile(profile: directory.PartnerProfile) -> Profile:
    return Profile(
        name=profile.name,
        phone=profile.phone,
        support_email=profile.support_email,
        address=profile.address,
        website=profile.website,
    )


def _admin(admin: directory.FirstAdmin) -> commands.NewAdmin:
    return commands.NewAdmin(
        user_id=admin.user_id,
        email=admin.email,
        display_name=admin.display_name,
        password_hash=admin.password_hash,
    )


def command_routes() -> Routes:
    routes = Routes(strict=True)

    @routes.on(directory.RegisterPartner)
    async def register_partner(ctx: MessageContext, msg: directory.RegisterPartner) -> None:
        cmd = commands.RegisterPartner(
            partner_id=msg.partner_id, profile=_profile(msg.profile), admin=_admin(msg.admin)
        )
        event = await handlers.register_partner(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.RegisterCustomer)
    async def register_customer(ctx: MessageContext, msg: directory.RegisterCustomer) -> None:
        cmd = commands.RegisterCustomer(
            customer_id=msg.customer_id,
            name=msg.name,
            domain=msg.domain,
            contact_email=msg.contact_email,
            admin=_admin(msg.admin),
        )
        event = await handlers.register_customer(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    return routes


def event_routes() -> Routes:
    """What the directory does when other services' events arrive."""
    routes = Routes(strict=False)

    @routes.on(invitations.TrialInvitationRedeemed)
    async def trial_redeemed(ctx: MessageContext, msg: invitations.TrialInvitationRedeemed) -> None:
        cmd = commands.CreateTrialSubscription(
            redemption_id=msg.redemption_id,
            partner_id=msg.partner_id,
            customer_id=msg.customer_id,
            service_id=msg.service_id,
            seats=msg.seats,
            trial_days=msg.trial_days,
            redeemed_at=msg.redeemed_at,
        )
        event = await handlers.create_trial_subscription(PgRepository(ctx.conn), cmd, now=_now())
        if event is not None:
            ctx.emit(event, topic=DIRECTORY_EVENTS)

    return routes
