"""Internal endpoints for the gateway (loopback only). Each read is authorised by
``services.directory.access`` and answered by ``services.directory.queries`` as a view
model; errors are the one problem body of ``shared.problems``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.directory import access, handlers
from services.directory import queries as reads
from services.directory.adapters.repository import PgRepository
from services.directory.config import Settings
from services.directory.domain import commands, errors
from services.directory.domain.acting import CustomerAction
from services.directory.domain.model import User
from services.directory.domain.service_requests import State
from services.directory.entrypoints.audited import attempt_of, audited
from services.directory.entrypoints.writes import change, rejected
from services.directory.handlers import customer_users
from shared.contracts.directory import Severity
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.errors import DomainError
from shared.messaging.unit import MessageContext
from shared.pools import pool_of
from shared.reads import Read
from shared.views import directory as views

SERVICE = "directory"
PasswordText = Annotated[str, Field(min_length=1, max_length=1024)]


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=320)
    password: PasswordText


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: PasswordText
    new_password: PasswordText


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor_user_id: UUID
    customer_id: UUID | None = Field(
        default=None,
        description="Acting for this customer (a partner under delegation, or its own admin)",
    )


def signed_in(user: User) -> dict[str, Any]:
    """What the gateway keeps of who signed in: the fields of its view."""
    return user.fields(*views.SignedIn.model_fields)


async def _reset_for_customer(
    request: Request, customer_id: UUID, user_id: UUID, actor_user_id: UUID
) -> Any:
    cmd = commands.ResetCustomerPassword(
        customer_id=customer_id, actor_user_id=actor_user_id, user_id=user_id
    )

    async def handle(ctx: MessageContext) -> customer_users.PasswordReset | DomainError:
        attempt = attempt_of(
            ctx, cmd, CustomerAction.RESET_PASSWORD, target_kind="user", target_id=user_id
        )

        async def run() -> customer_users.PasswordReset:
            done = await customer_users.reset_customer_password(
                PgRepository(ctx.conn), cmd, now=datetime.now(UTC)
            )
            ctx.emit(done.event, topic=DIRECTORY_EVENTS)
            return done

        return await audited(ctx.conn, attempt, run, action_of=lambda done: done.action.value)

    outcome = await change(request, "reset-customer-password", handle)
    if isinstance(outcome, DomainError):
        raise rejected(outcome)  # committed first: the refusal is audited
    return {"user_id": user_id, "temporary_password": outcome.temporary_password}


# One company, its users or a user by the id its path names (``shared.reads``).
READS = (
    Read(
        "/partners/{partner_id}",
        reads.partner,
        views.Partner,
        "The partner's full company information (for the partner's own users).",
    ),
    Read(
        "/partners/{partner_id}/public",
        reads.public_partner,
        views.PublicPartner,
        "What customers see of a partner on invitation, offer and delegation pages.",
    ),
    Read(
        "/partners/{partner_id}/counts",
        reads.partner_counts,
        views.PartnerCounts,
        "For the partner overview: customers in reach and open service requests.",
    ),
    Read("/partners/{partner_id}/users", reads.company_users, list[views.User], arg="company_id"),
    Read("/customers/{customer_id}", reads.customer, views.Customer),
    Read("/customers/{customer_id}/subscriptions", reads.subscriptions, list[views.Subscription]),
    Read("/customers/{customer_id}/users", reads.company_users, list[views.User], arg="company_id"),
    Read(
        "/users/{user_id}",
        reads.user,
        views.User,
        "The user as the gateway's security checks it on every request.",
    ),
)


def router(settings: Settings) -> APIRouter:
    r = APIRouter(prefix="/internal")
    for read in READS:
        read.add_to(r)

    @r.get("/customers", response_model=views.CustomerPage)
    async def search_customers(
        request: Request,
        actor_user_id: UUID,
        q: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> views.CustomerPage:
        """Customers the actor's partner is partner of record for or holds a delegation
        with, matching every word of ``q`` in name, domain or contact e-mail, in name
        order; pass ``next_cursor`` as ``cursor`` for the next page."""
        async with pool_of(request).acquire() as conn:
            partner_id = await access.supporting_partner(conn, actor_user_id)
            return await reads.search_customers(
                conn, partner_id=partner_id, query=q, cursor=cursor, limit=limit
            )

    @r.get("/customers/{customer_id}/support", response_model=views.CustomerDetail)
    async def customer_detail(
        request: Request, customer_id: UUID, actor_user_id: UUID
    ) -> views.CustomerDetail:
        """One customer as its partner sees it: company, subscriptions, users, delegation,
        open service requests. 404 (as for a missing one) outside the partner's reach."""
        # One connection for the policy and the reads (one pool round trip, one reset).
        async with pool_of(request).acquire() as db:
            partner_id = await access.supported_customer(
                db, actor_user_id=actor_user_id, customer_id=customer_id
            )
            return await reads.customer_detail(db, partner_id=partner_id, customer_id=customer_id)

    @r.get("/customers/{customer_id}/service-requests", response_model=list[views.ServiceRequest])
    async def list_service_requests(
        request: Request,
        customer_id: UUID,
        actor_user_id: UUID,
        state: Annotated[list[State] | None, Query()] = None,
        severity: Annotated[list[Severity] | None, Query()] = None,
    ) -> list[views.ServiceRequest]:
        """A customer's service requests, newest first, optionally filtered (repeat
        ``state`` / ``severity`` for several). A partner user sees its partner's requests
        for customers in its reach; a customer user sees all of its own company's."""
        async with pool_of(request).acquire() as db:
            partner_id = await access.request_viewer(
                db, actor_user_id=actor_user_id, customer_id=customer_id
            )
            return await reads.service_requests(
                db,
                customer_id=customer_id,
                partner_id=partner_id,
                states=tuple(s.value for s in state) if state else None,
                severities=tuple(severity) if severity else None,
            )

    @r.get("/service-requests/{request_id}", response_model=views.ServiceRequestWithNotes)
    async def get_service_request(
        request: Request, request_id: UUID, actor_user_id: UUID
    ) -> views.ServiceRequestWithNotes:
        """One service request with its notes (author, kind, time), oldest note first.
        Another customer's or another partner's request is answered as a missing one."""
        async with pool_of(request).acquire() as db:
            found = await reads.service_request(db, request_id=request_id)
            await access.check_sees_request(
                db,
                actor_user_id=actor_user_id,
                customer_id=found.customer_id,
                partner_id=found.partner_id,
            )
        return found

    policy = settings.sign_in_policy()

    @r.post("/authenticate", response_model=views.SignedIn)
    async def authenticate(request: Request, body: Credentials) -> Any:
        """Check e-mail and password. 200: who signed in (``must_change_password`` true means
        the gateway may only let the user change it). 401 wrong credentials, 423 locked."""
        cmd = commands.Authenticate(email=body.email, password=body.password)

        async def handle(ctx: MessageContext) -> handlers.SignIn | handlers.UnknownAddressFailed:
            repo = PgRepository(ctx.conn)
            return await handlers.authenticate(repo, cmd, now=datetime.now(UTC), policy=policy)

        outcome = await change(request, "authenticate", handle)
        # Committed first: the failure counts even though the answer is an error.
        if not isinstance(outcome, handlers.SignIn) or not outcome.succeeded:
            raise rejected(errors.InvalidCredentials("Wrong e-mail or password."))
        if not outcome.user.active:
            raise rejected(errors.UserDisabled("This account is disabled."))
        return signed_in(outcome.user)

    @r.post("/users/{user_id}/password", response_model=views.SignedIn)
    async def change_password(request: Request, user_id: UUID, body: NewPassword) -> Any:
        """Replace the (possibly temporary) password, proving the current one."""
        cmd = commands.ChangePassword(
            user_id=user_id, current_password=body.current_password, new_password=body.new_password
        )

        async def handle(ctx: MessageContext) -> handlers.SignIn:
            repo = PgRepository(ctx.conn)
            return await handlers.change_password(repo, cmd, now=datetime.now(UTC), policy=policy)

        outcome = await change(request, "change-password", handle)
        if not outcome.succeeded:
            raise rejected(errors.InvalidCredentials("The current password is wrong."))
        return signed_in(outcome.user)

    @r.post("/users/{user_id}/reset-password", response_model=views.PasswordReset)
    async def reset_password(request: Request, user_id: UUID, body: Actor) -> Any:
        """An admin resets a user's password. Answers ``{user_id, temporary_password}`` — the
        only place the temporary password appears. A partner's own user: the role table
        (reset_password). A customer's user (or ``customer_id`` given): acting for the
        customer (the permission table), audited whether allowed or refused."""
        pool = pool_of(request)
        customer_id = body.customer_id
        if customer_id is None:
            async with pool.acquire() as conn:
                target = await PgRepository(conn).get_user(user_id=user_id)
            if target is not None and target.company_kind == "customer":
                customer_id = target.company_id
        if customer_id is not None:
            return await _reset_for_customer(request, customer_id, user_id, body.actor_user_id)
        cmd = commands.ResetPassword(actor_user_id=body.actor_user_id, user_id=user_id)

        async def handle(ctx: MessageContext) -> str:
            repo = PgRepository(ctx.conn)
            temporary, event = await handlers.reset_password(repo, cmd, now=datetime.now(UTC))
            ctx.emit(event, topic=DIRECTORY_EVENTS)
            return temporary

        temporary = await change(request, "reset-password", handle)
        return {"user_id": user_id, "temporary_password": temporary}

    return r
