"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.directory import handlers
from services.directory.adapters.delegations import DelegationView
from services.directory.adapters.repository import PgRepository
from services.directory.domain import commands
from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess
from shared.contracts import delegation, directory
from shared.contracts.base import Contract
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.messaging.commands import CommandTable
from shared.messaging.consumer import MessageContext, Routes

_Ended = delegation.DelegationRevoked | delegation.DelegationExpired | delegation.DelegationReplaced


def _profile(profile: directory.PartnerProfile) -> Profile:
    return Profile(**profile.model_dump())


def _admin(admin: directory.FirstAdmin) -> commands.NewAdmin:
    return commands.NewAdmin(**admin.model_dump())


def _register_partner(msg: directory.RegisterPartner) -> commands.RegisterPartner:
    return commands.RegisterPartner(
        partner_id=msg.partner_id, profile=_profile(msg.profile), admin=_admin(msg.admin)
    )


def _register_customer(msg: directory.RegisterCustomer) -> commands.RegisterCustomer:
    return commands.RegisterCustomer(**(msg.model_dump() | {"admin": _admin(msg.admin)}))


def _update_profile(msg: directory.UpdatePartnerProfile) -> commands.UpdatePartnerProfile:
    return commands.UpdatePartnerProfile(
        partner_id=msg.partner_id, actor_user_id=msg.actor_user_id, profile=_profile(msg.profile)
    )


_ROLES: dict[str, type[CompanyRole] | type[SupportedAccess]] = {
    "company_role": CompanyRole,
    "supported_access": SupportedAccess,
}


def with_roles(command: Callable[..., Any]) -> Callable[[Contract], Any]:
    """``same_fields``, the role names a contract carries becoming the directory's roles (one
    a command leaves out stays None)."""

    def build(msg: Contract) -> Any:
        fields = msg.model_dump()
        return command(
            **{k: _ROLES[k](v) if k in _ROLES and v is not None else v for k, v in fields.items()}
        )

    return build


def command_routes() -> Routes:
    routes = Routes(strict=True)
    table = CommandTable(routes, PgRepository, DIRECTORY_EVENTS)
    table.add(directory.RegisterPartner, handlers.register_partner, _register_partner)
    table.add(directory.RegisterCustomer, handlers.register_customer, _register_customer)
    table.add(directory.UpdatePartnerProfile, handlers.update_partner_profile, _update_profile)
    table.add(
        directory.CreatePartnerUser,
        handlers.create_partner_user,
        with_roles(commands.CreatePartnerUser),
    )
    table.add(
        directory.UpdatePartnerUser,
        handlers.update_partner_user,
        with_roles(commands.UpdatePartnerUser),
    )
    table.add(directory.DisablePartnerUser, handlers.disable_partner_user)
    table.add(directory.EnablePartnerUser, handlers.enable_partner_user)
    table.add(directory.CreateServiceRequest, handlers.create_service_request)
    table.add(directory.ChangeServiceRequestState, handlers.change_service_request_state)
    table.add(directory.AddServiceRequestNote, handlers.add_service_request_note)
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
