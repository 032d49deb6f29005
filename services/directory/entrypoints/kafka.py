"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from datetime import UTC, datetime

from services.directory import handlers
from services.directory.adapters.delegations import DelegationView
from services.directory.adapters.repository import PgRepository
from services.directory.domain import commands
from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess
from shared.contracts import delegation, directory
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

    @routes.on(directory.UpdatePartnerProfile)
    async def update_profile(ctx: MessageContext, msg: directory.UpdatePartnerProfile) -> None:
        cmd = commands.UpdatePartnerProfile(
            partner_id=msg.partner_id,
            actor_user_id=msg.actor_user_id,
            profile=_profile(msg.profile),
        )
        event = await handlers.update_partner_profile(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.CreatePartnerUser)
    async def create_user(ctx: MessageContext, msg: directory.CreatePartnerUser) -> None:
        cmd = commands.CreatePartnerUser(
            partner_id=msg.partner_id,
            actor_user_id=msg.actor_user_id,
            user_id=msg.user_id,
            email=msg.email,
            display_name=msg.display_name,
            company_role=CompanyRole(msg.company_role),
            supported_access=SupportedAccess(msg.supported_access),
            password_hash=msg.password_hash,
        )
        event = await handlers.create_partner_user(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.UpdatePartnerUser)
    async def update_user(ctx: MessageContext, msg: directory.UpdatePartnerUser) -> None:
        cmd = commands.UpdatePartnerUser(
            partner_id=msg.partner_id,
            actor_user_id=msg.actor_user_id,
            user_id=msg.user_id,
            email=msg.email,
            display_name=msg.display_name,
            company_role=CompanyRole(msg.company_role) if msg.company_role else None,
            supported_access=(
                SupportedAccess(msg.supported_access) if msg.supported_access else None
            ),
        )
        event = await handlers.update_partner_user(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.DisablePartnerUser)
    async def disable_user(ctx: MessageContext, msg: directory.DisablePartnerUser) -> None:
        cmd = commands.DisablePartnerUser(**msg.model_dump())
        event = await handlers.disable_partner_user(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.EnablePartnerUser)
    async def enable_user(ctx: MessageContext, msg: directory.EnablePartnerUser) -> None:
        cmd = commands.EnablePartnerUser(**msg.model_dump())
        event = await handlers.enable_partner_user(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.CreateServiceRequest)
    async def create_request(ctx: MessageContext, msg: directory.CreateServiceRequest) -> None:
        cmd = commands.CreateServiceRequest(**msg.model_dump())
        event = await handlers.create_service_request(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.ChangeServiceRequestState)
    async def change_state(ctx: MessageContext, msg: directory.ChangeServiceRequestState) -> None:
        cmd = commands.ChangeServiceRequestState(**msg.model_dump())
        repo = PgRepository(ctx.conn)
        event = await handlers.change_service_request_state(repo, cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    @routes.on(directory.AddServiceRequestNote)
    async def add_note(ctx: MessageContext, msg: directory.AddServiceRequestNote) -> None:
        cmd = commands.AddServiceRequestNote(**msg.model_dump())
        event = await handlers.add_service_request_note(PgRepository(ctx.conn), cmd, now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    return routes


def add_delegation_events(routes: Routes) -> Routes:
    """The delegation service's events, kept as the directory's view of who may act."""

    @routes.on(delegation.DelegationApproved)
    async def delegation_approved(ctx: MessageContext, msg: delegation.DelegationApproved) -> None:
        await DelegationView(ctx.conn).approved(
            partner_id=msg.partner_id,
            customer_id=msg.customer_id,
            relationship_id=msg.request_id,
            role=msg.role,
            approved_at=msg.approved_at,
        )

    # A delegation that ends takes the partner's reach with it (unless it is also partner of
    # record): revoked by either party, expired, or replaced by a newer one.
    @routes.on(delegation.DelegationRevoked)
    async def delegation_revoked(ctx: MessageContext, msg: delegation.DelegationRevoked) -> None:
        await DelegationView(ctx.conn).ended(relationship_id=msg.relationship_id)

    @routes.on(delegation.DelegationExpired)
    async def delegation_expired(ctx: MessageContext, msg: delegation.DelegationExpired) -> None:
        await DelegationView(ctx.conn).ended(relationship_id=msg.relationship_id)

    @routes.on(delegation.DelegationReplaced)
    async def delegation_replaced(ctx: MessageContext, msg: delegation.DelegationReplaced) -> None:
        await DelegationView(ctx.conn).ended(relationship_id=msg.relationship_id)

    return routes
