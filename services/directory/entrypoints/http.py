"""Internal endpoints for the gateway (loopback only). Reads go to ``adapters.queries``;
errors are RFC 9457 problem documents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.directory import handlers
from services.directory.adapters import queries, search
from services.directory.adapters.audit import Attempt
from services.directory.adapters.repository import PgRepository
from services.directory.config import Settings
from services.directory.domain import commands, errors
from services.directory.domain.acting import CustomerAction
from services.directory.domain.model import User, check_supports_customers
from services.directory.domain.service_requests import State
from services.directory.entrypoints.audited import audited
from services.directory.handlers import customer_users
from shared.contracts.base import Contract
from shared.contracts.directory import Severity
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.db import Connection
from shared.errors import DomainError
from shared.messaging import outbox
from shared.problems import Problem

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


def rejected(exc: DomainError) -> Problem:
    """The one problem body (shared.problems) for a broken rule; raise it."""
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int)}
    headers = {}
    if isinstance(exc, errors.AccountLocked):
        headers["Retry-After"] = str(exc.details["retry_after"])
    return Problem(
        exc.status, exc.code(), exc.reason, errors=[details] if details else None, headers=headers
    )


async def store_event(conn: Connection, request: Request, event: Contract) -> None:
    """An event caused by an HTTP call goes to the outbox in the call's own transaction."""
    cid = request.headers.get("x-correlation-id") or str(uuid.uuid4())
    pending = outbox.pending(
        event, topic=DIRECTORY_EVENTS, source=SERVICE, correlation_id=cid, causation_id=None
    )
    await outbox.store(conn, [pending])


def signed_in(user: User) -> dict[str, Any]:
    return {
        "user_id": user.user_id,
        "company_kind": user.company_kind,
        "company_id": user.company_id,
        "email": user.email,
        "display_name": user.display_name,
        "company_role": user.company_role.value,
        "supported_access": user.supported_access.value,
        "must_change_password": user.must_change_password,
    }


async def _supporting_partner(pool: asyncpg.Pool, actor_user_id: UUID) -> UUID:
    async with pool.acquire() as conn:
        actor = await PgRepository(conn).get_user(user_id=actor_user_id)
    if actor is None:
        raise errors.NotAllowed("The acting user is not known.")
    check_supports_customers(actor)
    return actor.company_id


async def _request_viewer(
    pool: asyncpg.Pool, actor_user_id: UUID, customer_id: UUID
) -> UUID | None:
    """None for a user of the customer itself (sees all); else the partner whose requests
    the actor may see (raises when the customer is outside its reach)."""
    async with pool.acquire() as conn:
        actor = await PgRepository(conn).get_user(user_id=actor_user_id)
    if actor is not None and actor.company_kind == "customer" and actor.active:
        if actor.company_id != customer_id:
            raise errors.CustomerNotFound("No such customer.")
        return None
    partner_id = await _supporting_partner(pool, actor_user_id)
    if not await search.in_reach(pool, partner_id=partner_id, customer_id=customer_id):
        raise errors.CustomerNotFound("No such customer.")
    return partner_id


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.service.pool
    return pool


def _found(value: dict[str, Any] | None, what: str) -> Any:
    if value is None:
        raise Problem(404, "not_found", f"No such {what}.")
    return value


async def _reset_for_customer(
    request: Request, customer_id: UUID, user_id: UUID, actor_user_id: UUID
) -> Any:
    cmd = commands.ResetCustomerPassword(
        customer_id=customer_id, actor_user_id=actor_user_id, user_id=user_id
    )
    attempt = Attempt(
        customer_id=customer_id,
        actor_user_id=actor_user_id,
        action=CustomerAction.RESET_PASSWORD.value,
        target_kind="user",
        target_id=user_id,
    )
    async with _pool(request).acquire() as conn, conn.transaction():

        async def run() -> customer_users.PasswordReset:
            done = await customer_users.reset_customer_password(
                PgRepository(conn), cmd, now=datetime.now(UTC)
            )
            await store_event(conn, request, done.event)
            return done

        outcome = await audited(conn, attempt, run, action_of=lambda done: done.action.value)
    if isinstance(outcome, DomainError):
        raise rejected(outcome)
    return {"user_id": user_id, "temporary_password": outcome.temporary_password}


def router(settings: Settings) -> APIRouter:
    r = APIRouter(prefix="/internal")

    @r.get("/partners/{partner_id}")
    async def partner(request: Request, partner_id: UUID) -> Any:
        """The partner's full company information (for the partner's own users)."""
        return _found(await queries.partner(_pool(request), partner_id=partner_id), "partner")

    @r.get("/partners/{partner_id}/public")
    async def public_partner(request: Request, partner_id: UUID) -> Any:
        """What customers see of a partner on invitation, offer and delegation pages."""
        found = await queries.public_partner(_pool(request), partner_id=partner_id)
        return _found(found, "partner")

    @r.get("/partners/{partner_id}/counts")
    async def partner_counts(request: Request, partner_id: UUID) -> dict[str, int]:
        """For the partner overview: customers in reach and open service requests."""
        row = await _pool(request).fetchrow(
            "SELECT (SELECT count(*) FROM partner_customers WHERE partner_id = $1) AS customers,"
            " (SELECT count(*) FROM service_requests WHERE partner_id = $1"
            "  AND state = ANY($2::text[])) AS open_service_requests",
            partner_id,
            list(queries.OPEN_STATES),
        )
        assert row is not None  # an aggregate always answers one row
        return {
            "customers": int(row["customers"]),
            "open_service_requests": int(row["open_service_requests"]),
        }

    @r.get("/partners/{partner_id}/users")
    async def partner_users(request: Request, partner_id: UUID) -> Any:
        return await queries.company_users(_pool(request), company_id=partner_id)

    @r.get("/customers/{customer_id}")
    async def customer(request: Request, customer_id: UUID) -> Any:
        found = await queries.customer(_pool(request), customer_id=customer_id)
        return _found(found, "customer")

    @r.get("/customers/{customer_id}/subscriptions")
    async def subscriptions(request: Request, customer_id: UUID) -> Any:
        return await queries.subscriptions(_pool(request), customer_id=customer_id)

    @r.get("/customers/{customer_id}/users")
    async def customer_users(request: Request, customer_id: UUID) -> Any:
        return await queries.company_users(_pool(request), company_id=customer_id)

    @r.get("/users/{user_id}")
    async def user(request: Request, user_id: UUID) -> Any:
        return _found(await queries.user(_pool(request), user_id=user_id), "user")

    @r.get("/customers")
    async def search_customers(
        request: Request,
        actor_user_id: UUID,
        q: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> Any:
        """Customers the actor's partner is partner of record for or holds a delegation
        with, matching every word of ``q`` in name, domain or contact e-mail. Answers
        ``{items: [{customer_id, name, domain, contact_email, registered_at,
        partner_of_record, delegation_role}], next_cursor}``."""
        pool = _pool(request)
        try:
            partner_id = await _supporting_partner(pool, actor_user_id)
            after = search.Cursor.decode(cursor) if cursor else None
        except DomainError as exc:
            raise rejected(exc) from exc
        async with pool.acquire() as conn:
            items, last = await search.search_customers(
                conn, partner_id=partner_id, query=q, after=after, limit=limit
            )
        return {"items": items, "next_cursor": last.encode() if last else None}

    @r.get("/customers/{customer_id}/support")
    async def customer_detail(request: Request, customer_id: UUID, actor_user_id: UUID) -> Any:
        """One customer as its partner sees it: company, subscriptions, users, delegation,
        open service requests. 404 (as for a missing one) outside the partner's reach."""
        pool = _pool(request)
        try:
            partner_id = await _supporting_partner(pool, actor_user_id)
            if not await search.in_reach(pool, partner_id=partner_id, customer_id=customer_id):
                raise errors.CustomerNotFound("No such customer.")
        except DomainError as exc:
            raise rejected(exc) from exc
        return await queries.customer_detail(pool, partner_id=partner_id, customer_id=customer_id)

    @r.get("/customers/{customer_id}/service-requests")
    async def list_service_requests(
        request: Request,
        customer_id: UUID,
        actor_user_id: UUID,
        state: Annotated[list[State] | None, Query()] = None,
        severity: Annotated[list[Severity] | None, Query()] = None,
    ) -> Any:
        """A customer's service requests, newest first, optionally filtered (repeat
        ``state`` / ``severity`` for several). A partner user sees its partner's requests
        for customers in its reach; a customer user sees all of its own company's."""
        pool = _pool(request)
        try:
            partner_id = await _request_viewer(pool, actor_user_id, customer_id)
        except DomainError as exc:
            raise rejected(exc) from exc
        return await queries.service_requests(
            pool,
            customer_id=customer_id,
            partner_id=partner_id,
            states=tuple(s.value for s in state) if state else None,
            severities=tuple(severity) if severity else None,
        )

    @r.get("/service-requests/{request_id}")
    async def get_service_request(request: Request, request_id: UUID, actor_user_id: UUID) -> Any:
        """One service request with its notes (author, kind, time), oldest note first."""
        pool = _pool(request)
        found = await queries.service_request(pool, request_id=request_id)
        try:
            if found is None:
                raise errors.ServiceRequestNotFound("No such service request.")
            try:
                partner_id = await _request_viewer(pool, actor_user_id, found["customer_id"])
            except errors.CustomerNotFound:  # another's request: as one that does not exist
                raise errors.ServiceRequestNotFound("No such service request.") from None
            if partner_id is not None and partner_id != found["partner_id"]:
                raise errors.ServiceRequestNotFound("No such service request.")
        except DomainError as exc:
            raise rejected(exc) from exc
        return found

    policy = settings.sign_in_policy()

    @r.post("/authenticate")
    async def authenticate(request: Request, body: Credentials) -> Any:
        """Check e-mail and password. 200: who signed in (``must_change_password`` true means
        the gateway may only let the user change it). 401 wrong credentials, 423 locked."""
        cmd = commands.Authenticate(email=body.email, password=body.password)
        try:
            async with _pool(request).acquire() as conn, conn.transaction():
                outcome = await handlers.authenticate(
                    PgRepository(conn), cmd, now=datetime.now(UTC), policy=policy
                )
            # Committed first: the failure counts even though the answer is an error.
            if not isinstance(outcome, handlers.SignIn) or not outcome.succeeded:
                raise errors.InvalidCredentials("Wrong e-mail or password.")
            if not outcome.user.active:
                raise errors.UserDisabled("This account is disabled.")
        except DomainError as exc:
            raise rejected(exc) from exc
        return signed_in(outcome.user)

    @r.post("/users/{user_id}/password")
    async def change_password(request: Request, user_id: UUID, body: NewPassword) -> Any:
        """Replace the (possibly temporary) password, proving the current one."""
        cmd = commands.ChangePassword(
            user_id=user_id, current_password=body.current_password, new_password=body.new_password
        )
        try:
            async with _pool(request).acquire() as conn, conn.transaction():
                outcome = await handlers.change_password(
                    PgRepository(conn), cmd, now=datetime.now(UTC), policy=policy
                )
            if not outcome.succeeded:
                raise errors.InvalidCredentials("The current password is wrong.")
        except DomainError as exc:
            raise rejected(exc) from exc
        return signed_in(outcome.user)

    @r.post("/users/{user_id}/reset-password")
    async def reset_password(request: Request, user_id: UUID, body: Actor) -> Any:
        """An admin resets a user's password. Answers ``{user_id, temporary_password}`` — the
        only place the temporary password appears. A partner's own user: the role table
        (reset_password). A customer's user (or ``customer_id`` given): acting for the
        customer (the permission table), audited whether allowed or refused."""
        pool = _pool(request)
        customer_id = body.customer_id
        if customer_id is None:
            async with pool.acquire() as conn:
                target = await PgRepository(conn).get_user(user_id=user_id)
            if target is not None and target.company_kind == "customer":
                customer_id = target.company_id
        if customer_id is not None:
            return await _reset_for_customer(request, customer_id, user_id, body.actor_user_id)
        cmd = commands.ResetPassword(actor_user_id=body.actor_user_id, user_id=user_id)
        try:
            async with pool.acquire() as conn, conn.transaction():
                temporary, event = await handlers.reset_password(
                    PgRepository(conn), cmd, now=datetime.now(UTC)
                )
                await store_event(conn, request, event)
        except DomainError as exc:
            raise rejected(exc) from exc
        return {"user_id": user_id, "temporary_password": temporary}

    return r
