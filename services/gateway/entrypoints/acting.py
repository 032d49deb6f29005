"""Acting for a customer: its users (list, create, disable, reset a password) and the audit
of who did what, for a partner user under delegation and for the customer's own Global
admin. The gateway checks the principal's kind here; the directory decides, from its
permission table and its view of active delegations, and audits every attempt."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.passwords import hash_password
from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.entrypoints.partner import temporary_password
from services.gateway.routes import CustomerRoute
from services.gateway.security import CustomerAdmin, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS
from shared.problems import problem_responses
from shared.views import directory as views

router = APIRouter(tags=["acting for customers"])


class NewCustomerUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    company_role: Literal["none", "global_admin", "password_admin"] = "none"


async def _users(gateway: Gateway, actor: Principal, customer_id: uuid.UUID) -> Any:
    return await gateway.directory.relay(
        f"/internal/customers/{customer_id}/managed-users", actor_user_id=actor.user_id
    )


async def _create(
    gateway: Gateway, actor: Principal, customer_id: uuid.UUID, body: NewCustomerUser
) -> Any:
    password = temporary_password()  # shown once; only its hash travels on Kafka
    command = directory.CreateCustomerUser(
        customer_id=customer_id,
        actor_user_id=actor.user_id,
        user_id=uuid.uuid4(),
        password_hash=await hash_password(password),
        **body.model_dump(),
    )
    await gateway.execute(command, topic=DIRECTORY_COMMANDS)
    created = await gateway.directory.get(f"/internal/users/{command.user_id}")
    return {**created, "temporary_password": password}


async def _disable(
    gateway: Gateway, actor: Principal, customer_id: uuid.UUID, user_id: uuid.UUID
) -> Any:
    command = directory.DisableCustomerUser(
        customer_id=customer_id, actor_user_id=actor.user_id, user_id=user_id
    )
    await gateway.execute(command, topic=DIRECTORY_COMMANDS)
    await gateway.sessions.delete_user(user_id)  # signed out at once
    return await gateway.directory.get(f"/internal/users/{user_id}")


async def _reset(
    gateway: Gateway, actor: Principal, customer_id: uuid.UUID, user_id: uuid.UUID
) -> Any:
    result = await gateway.directory.post(
        f"/internal/users/{user_id}/reset-password",
        {"actor_user_id": str(actor.user_id), "customer_id": str(customer_id)},
    )
    await gateway.sessions.delete_user(user_id)
    return {"temporary_password": result["temporary_password"]}


Limit = Query(50, ge=1, le=200)
Cursor = Query(None, max_length=1000, description="`next_cursor` of the previous page")


async def _audit(
    gateway: Gateway,
    actor: Principal,
    customer_id: uuid.UUID | None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Any:
    """A partner user reads the partner's records (for one customer, or for all: no
    ``customer_id``); a customer's Global admin every record about its company."""
    return await gateway.directory.relay(
        "/internal/audit",
        actor_user_id=actor.user_id,
        customer_id=customer_id,
        limit=limit,
        cursor=cursor,
    )


USERS = CustomerRoute("GET", "/users", _users, list[views.User], (401, 403, 502, 503))
CREATE = CustomerRoute(
    "POST", "/users", _create, views.CreatedUser, (401, 403, 404, 409, 422, 503, 504), 201
)
DISABLE = CustomerRoute(
    "POST", "/users/{user_id}/disable", _disable, views.User, (401, 403, 404, 409, 422, 503, 504)
)
RESET = CustomerRoute(
    "POST",
    "/users/{user_id}/reset-password",
    _reset,
    views.TemporaryPassword,
    (401, 403, 404, 422, 502, 503),
)
AUDIT = CustomerRoute("GET", "/audit", _audit, views.AuditPage, (401, 403, 422, 502, 503))


# --- a partner user acting for a customer -------------------------------------------------

for _route, _name, _doc in (
    (
        USERS,
        "partner_customer_users",
        "The customer's users (Full or Limited administration under an active delegation).",
    ),
    (
        CREATE,
        "partner_create_customer_user",
        """A new user of the customer (Full administration), with a temporary password shown
        once here; the user must change it at first sign-in.""",
    ),
    (
        DISABLE,
        "partner_disable_customer_user",
        "Stop a customer user from signing in (Full administration).",
    ),
    (
        RESET,
        "partner_reset_customer_password",
        """``{temporary_password}``, shown once. Limited administration: users without an admin
        role only.""",
    ),
):
    _route.offer(router, partner=True, who=SupportingPartnerUser, name=_name, doc=_doc)


@router.get(
    "/api/partner/audit",
    response_model=views.AuditPage,
    responses=problem_responses(401, 403, 422, 502, 503),
)
async def partner_audit(
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Any:
    """What the partner's users did, or tried, for customers, newest first."""
    return await _audit(gateway, user, None, limit, cursor)


AUDIT.offer(
    router,
    partner=True,
    who=SupportingPartnerUser,
    name="partner_customer_audit",
    doc="The partner's records for one customer, newest first.",
)


# --- the customer's own Global admin ------------------------------------------------------

for _route, _name in (
    (USERS, "customer_users"),
    (CREATE, "customer_create_user"),
    (DISABLE, "customer_disable_user"),
    (RESET, "customer_reset_password"),
):
    _route.offer(router, partner=False, who=CustomerAdmin, name=_name)


AUDIT.offer(
    router,
    partner=False,
    who=CustomerAdmin,
    name="customer_audit",
    doc="Who did what in the company: partners acting for it, and its own admins.",
)
