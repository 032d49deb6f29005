"""Acting for a customer: Kafka commands for its users and the internal reads (the users
as an admin sees them, the audit). Every attempt passes through ``audited``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.directory import access
from services.directory import queries as reads
from services.directory.adapters.audit import Attempt
from services.directory.adapters.repository import PgRepository
from services.directory.domain import commands
from services.directory.domain.acting import CustomerAction
from services.directory.entrypoints.audited import attempt_of, audited, reply
from services.directory.entrypoints.kafka import with_roles
from services.directory.entrypoints.writes import change, rejected
from services.directory.handlers import customer_users as handlers
from shared.contracts import directory
from shared.contracts.base import Event
from shared.errors import DomainError
from shared.messaging.consumer import MessageContext, Routes
from shared.pools import pool_of
from shared.views import directory as views


def _now() -> datetime:
    return datetime.now(UTC)


async def _apply(
    ctx: MessageContext, attempt: Attempt, handler: Callable[..., Awaitable[Event]], cmd: Any
) -> None:
    """``handler`` on ``cmd``, audited as ``attempt``; the reply is the event or the refusal."""
    repo = PgRepository(ctx.conn)
    reply(ctx, await audited(ctx.conn, attempt, lambda: handler(repo, cmd, now=_now())))


def add_commands(routes: Routes) -> Routes:
    """Register the customer-user commands on the directory's commands topic routes."""

    @routes.on(directory.CreateCustomerUser)
    async def create_user(ctx: MessageContext, msg: directory.CreateCustomerUser) -> None:
        cmd = with_roles(commands.CreateCustomerUser)(msg)
        attempt = attempt_of(
            ctx,
            msg,
            CustomerAction.CREATE_USER,
            target_kind="user",
            target_id=msg.user_id,
            email=msg.email,
            company_role=msg.company_role,
        )
        await _apply(ctx, attempt, handlers.create_customer_user, cmd)

    @routes.on(directory.DisableCustomerUser)
    async def disable_user(ctx: MessageContext, msg: directory.DisableCustomerUser) -> None:
        cmd = commands.DisableCustomerUser(**msg.model_dump())
        attempt = attempt_of(
            ctx, msg, CustomerAction.DISABLE_USER, target_kind="user", target_id=msg.user_id
        )
        await _apply(ctx, attempt, handlers.disable_customer_user, cmd)

    return routes


EMITS = (directory.CustomerUserCreated, directory.CustomerUserDisabled)


# --- internal HTTP -----------------------------------------------------------------------


def router() -> APIRouter:
    r = APIRouter(prefix="/internal")

    @r.get("/customers/{customer_id}/managed-users", response_model=list[views.User])
    async def managed_users(
        request: Request, customer_id: UUID, actor_user_id: UUID
    ) -> list[views.User]:
        """The customer's users, for an actor acting for the customer (table: list_users).
        Audited, allowed or refused."""

        async def handle(ctx: MessageContext) -> list[views.User] | DomainError:
            attempt = Attempt(
                customer_id=customer_id,
                actor_user_id=actor_user_id,
                action=CustomerAction.LIST_USERS.value,
                target_kind="users",
                message_id=ctx.envelope.id,
            )

            async def run() -> list[views.User]:
                await handlers.may_list_users(
                    PgRepository(ctx.conn), actor_user_id=actor_user_id, customer_id=customer_id
                )
                return await reads.company_users(ctx.conn, company_id=customer_id)

            return await audited(ctx.conn, attempt, run)

        # The audit row is a change: the read goes through the unit of work like a write.
        outcome = await change(request, "list-users", handle)
        if isinstance(outcome, DomainError):
            raise rejected(outcome)
        return outcome

    @r.get("/audit", response_model=views.AuditPage)
    async def audit_records(
        request: Request,
        actor_user_id: UUID,
        customer_id: UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> views.AuditPage:
        """Who did what for customers, newest first: a partner user sees its partner's
        records (``customer_id`` narrows them to one customer); a customer's Global admin
        sees every record about its company. ``{items: [...], next_cursor}``; pass
        ``next_cursor`` as ``cursor`` for the next page."""
        async with pool_of(request).acquire() as db:
            scope = await access.audit_scope(
                db, actor_user_id=actor_user_id, customer_id=customer_id
            )
            return await reads.audit_page(
                db,
                partner_id=scope.partner_id,
                customer_id=scope.customer_id,
                limit=limit,
                cursor=cursor,
            )

    return r
