"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from services.directory import handlers
from services.directory.adapters.delegations import DelegationView
from services.directory.adapters.repository import PgRepository
from services.directory.domain import commands
from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess
from shared.contracts import delegation, directory
from shared.contracts.base import Contract
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.messaging.consumer import MessageContext, Routes

_Msg = TypeVar("_Msg", bound=Contract)
_Ended = delegation.DelegationRevoked | delegation.DelegationExpired | delegation.DelegationReplaced


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


def _on(
    routes: Routes,
    model: type[_Msg],
    to_command: Callable[[_Msg], Any],
    handler: Callable[..., Awaitable[Contract]],
) -> None:
    """Route ``model``: its internal command to ``handler`` inside the consumer's
    transaction, the event it returns emitted on the directory's events topic."""

    async def apply(ctx: MessageContext, msg: _Msg) -> None:
        event = await handler(PgRepository(ctx.conn), to_command(msg), now=_now())
        ctx.emit(event, topic=DIRECTORY_EVENTS)

    routes.on(model)(apply)


def _same_fields(command: Callable[..., Any]) -> Callable[[Contract], Any]:
    """The internal command with exactly the contract's fields."""
    return lambda msg: command(**msg.model_dump())


def _register_partner(msg: directory.RegisterPartner) -> commands.RegisterPartner:
    return commands.RegisterPartner(
        partner_id=msg.partner_id, profile=_profile(msg.profile), admin=_admin(msg.admin)
    )


def _register_customer(msg: directory.RegisterCustomer) -> commands.RegisterCustomer:
    return commands.RegisterCustomer(
        customer_id=msg.customer_id,
        name=msg.name,
        domain=msg.domain,
        contact_email=msg.contact_email,
        admin=_admin(msg.admin),
    )


def _update_profile(msg: directory.UpdatePartnerProfile) -> commands.UpdatePartnerProfile:
    return commands.UpdatePartnerProfile(
        partner_id=msg.partner_id,
        actor_user_id=msg.actor_user_id,
        profile=_profile(msg.profile),
    )


def _create_user(msg: directory.CreatePartnerUser) -> commands.CreatePartnerUser:
    return commands.CreatePartnerUser(
        partner_id=msg.partner_id,
        actor_user_id=msg.actor_user_id,
        user_id=msg.user_id,
        email=msg.email,
        display_name=msg.display_name,
        company_role=CompanyRole(msg.company_role),
        supported_access=SupportedAccess(msg.supported_access),
        password_hash=msg.password_hash,
    )


def _update_user(msg: directory.UpdatePartnerUser) -> commands.UpdatePartnerUser:
    return commands.UpdatePartnerUser(
        partner_id=msg.partner_id,
        actor_user_id=msg.actor_user_id,
        user_id=msg.user_id,
        email=msg.email,
        display_name=msg.display_name,
        company_role=CompanyRole(msg.company_role) if msg.company_role else None,
        supported_access=(SupportedAccess(msg.supported_access) if msg.supported_access else None),
    )


def command_routes() -> Routes:
    routes = Routes(strict=True)
    _on(routes, directory.RegisterPartner, _register_partner, handlers.register_partner)
    _on(routes, directory.RegisterCustomer, _register_customer, handlers.register_customer)
    _on(routes, directory.UpdatePartnerProfile, _update_profile, handlers.update_partner_profile)
    _on(routes, directory.CreatePartnerUser, _create_user, handlers.create_partner_user)
    _on(routes, directory.UpdatePartnerUser, _update_user, handlers.update_partner_user)
    for model, command, handler in (
        (directory.DisablePartnerUser, commands.DisablePartnerUser, handlers.disable_partner_user),
        (directory.EnablePartnerUser, commands.EnablePartnerUser, handlers.enable_partner_user),
        (
            directory.CreateServiceRequest,
            commands.CreateServiceRequest,
            handlers.create_service_request,
        ),
        (
            directory.ChangeServiceRequestState,
            commands.ChangeServiceRequestState,
            handlers.change_service_request_state,
        ),
        (
            directory.AddServiceRequestNote,
            commands.AddServiceRequestNote,
            handlers.add_service_request_note,
        ),
    ):
        _on(routes, model, _same_fields(command), handler)
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
    async def delegation_ended(ctx: MessageContext, msg: _Ended) -> None:
        await DelegationView(ctx.conn).ended(relationship_id=msg.relationship_id)

    for ended in (
        delegation.DelegationRevoked,
        delegation.DelegationExpired,
        delegation.DelegationReplaced,
    ):
        routes.on(ended)(delegation_ended)

    return routes
