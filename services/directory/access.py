"""The directory's access policy for reads: who may see which partner, customer, service
request or audit record. Another tenant's object is refused exactly like a missing one (404),
so an id tells nothing. Entry points call these before a query; no rule lives elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.directory.adapters import search
from services.directory.adapters.queries import Db
from services.directory.adapters.repository import PgRepository
from services.directory.domain import errors
from services.directory.domain.model import User, check_supports_customers
from services.directory.domain.roles import CompanyRole, SupportedAccess


@dataclass(frozen=True)
class AuditScope:
    """Whose records an actor may read: a partner's (optionally one customer's), or every
    record about one customer (its own Global admin)."""

    partner_id: UUID | None
    customer_id: UUID | None


async def _actor(db: Db, actor_user_id: UUID) -> User | None:
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            return await PgRepository(conn).get_user(user_id=actor_user_id)
    return await PgRepository(db).get_user(user_id=actor_user_id)


async def supporting_partner(db: Db, actor_user_id: UUID) -> UUID:
    """The partner of an active partner user who may support customers (else NotAllowed)."""
    actor = await _actor(db, actor_user_id)
    if actor is None:
        raise errors.NotAllowed("The acting user is not known.")
    check_supports_customers(actor)
    return actor.company_id


async def check_in_reach(db: Db, *, partner_id: UUID, customer_id: UUID) -> None:
    """A customer outside the partner's reach is answered as one that does not exist."""
    if not await search.in_reach(db, partner_id=partner_id, customer_id=customer_id):
        raise errors.CustomerNotFound("No such customer.")


async def supported_customer(db: Db, *, actor_user_id: UUID, customer_id: UUID) -> UUID:
    """The actor's partner, when the customer is in its reach."""
    partner_id = await supporting_partner(db, actor_user_id)
    await check_in_reach(db, partner_id=partner_id, customer_id=customer_id)
    return partner_id


async def request_viewer(db: Db, *, actor_user_id: UUID, customer_id: UUID) -> UUID | None:
    """None for a user of the customer itself (sees all its requests); else the partner whose
    requests the actor may see (CustomerNotFound when the customer is outside its reach)."""
    actor = await _actor(db, actor_user_id)
    if actor is not None and actor.company_kind == "customer" and actor.active:
        if actor.company_id != customer_id:
            raise errors.CustomerNotFound("No such customer.")
        return None
    return await supported_customer(db, actor_user_id=actor_user_id, customer_id=customer_id)


async def check_sees_request(
    db: Db, *, actor_user_id: UUID, customer_id: UUID, partner_id: UUID
) -> None:
    """A request of another customer, or of another partner, is answered as a missing one."""
    try:
        viewer = await request_viewer(db, actor_user_id=actor_user_id, customer_id=customer_id)
    except errors.CustomerNotFound:
        raise errors.ServiceRequestNotFound("No such service request.") from None
    if viewer is not None and viewer != partner_id:
        raise errors.ServiceRequestNotFound("No such service request.")


async def audit_scope(db: Db, *, actor_user_id: UUID, customer_id: UUID | None) -> AuditScope:
    """A partner user with admin access to supported companies (or the partner's Global
    admin) reads its partner's records; a customer's Global admin reads everything done in
    its company."""
    actor = await _actor(db, actor_user_id)
    if actor is None or not actor.active:
        raise errors.NotAllowed("The acting user is not known or is disabled.")
    if actor.company_kind == "customer":
        if actor.company_role is not CompanyRole.GLOBAL_ADMIN:
            raise errors.NotAllowed("Only a Global admin of the customer reads its audit.")
        if customer_id is not None and customer_id != actor.company_id:
            raise errors.CustomerNotFound("No such customer.")
        return AuditScope(partner_id=None, customer_id=actor.company_id)
    if (
        actor.supported_access is SupportedAccess.NONE
        and actor.company_role is not CompanyRole.GLOBAL_ADMIN
    ):
        raise errors.NotAllowed("You have no admin access to supported companies.")
    if customer_id is not None:
        await check_in_reach(db, partner_id=actor.company_id, customer_id=customer_id)
    return AuditScope(partner_id=actor.company_id, customer_id=customer_id)
