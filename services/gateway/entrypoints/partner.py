"""The partner's own company, its users, and its customers."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.passwords import hash_password
from services.gateway.deps import GatewayDep
from services.gateway.routes import Relay, Send
from services.gateway.security import PartnerUser, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.base import Event
from shared.contracts.topics import DIRECTORY_COMMANDS
from shared.problems import problem_responses
from shared.views import directory as views

router = APIRouter(prefix="/api/partner", tags=["partner"])


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(default="", max_length=40)
    support_email: EmailStr | None = None
    address: str = Field(default="", max_length=500)
    website: str = Field(default="", max_length=300)


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    company_role: directory.CompanyRoleName = "none"
    supported_access: directory.SupportedAccessName = "none"


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = None
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    company_role: directory.CompanyRoleName | None = None
    supported_access: directory.SupportedAccessName | None = None


def temporary_password() -> str:
    """Shown once to the admin who created or reset the user; changed at first sign-in."""
    return secrets.token_urlsafe(12)


@router.get(
    "/company", response_model=views.Partner, responses=problem_responses(401, 403, 404, 502, 503)
)
async def company(user: PartnerUser, gateway: GatewayDep) -> Any:
    """Every user of the partner may read it."""
    pid = user.company_id
    return await gateway.read(gateway.directory, f"/internal/partners/{pid}", ids=(pid,))


@router.put(
    "/company",
    response_model=directory.PartnerProfileUpdated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def update_company(body: Profile, user: PartnerUser, gateway: GatewayDep) -> Any:
    """Only a Global admin of the partner may change it (the directory checks)."""
    command = directory.UpdatePartnerProfile(
        partner_id=user.company_id,
        actor_user_id=user.user_id,
        profile=directory.PartnerProfile(**body.model_dump()),
    )
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


Relay("/users", "directory", "/internal/partners/{company_id}/users", list[views.User]).offer(
    router, who=PartnerUser, name="users"
)


@router.post(
    "/users",
    status_code=201,
    response_model=views.CreatedPartnerUser,
    responses=problem_responses(401, 403, 409, 422, 503, 504),
)
async def create_user(body: NewUser, user: PartnerUser, gateway: GatewayDep) -> Any:
    password = temporary_password()
    command = directory.CreatePartnerUser(
        partner_id=user.company_id,
        actor_user_id=user.user_id,
        user_id=uuid.uuid4(),
        password_hash=await hash_password(password),
        **body.model_dump(),
    )
    created = (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data
    return {**created, "temporary_password": password}


Send(
    "PATCH",
    "/users/{user_id}",
    directory.UpdatePartnerUser,
    DIRECTORY_COMMANDS,
    directory.PartnerUserUpdated,
    body=UserChange,
    company="partner_id",
).offer(router, who=PartnerUser, name="update_user")


def _switch(
    verb: str,
    command: type[directory.DisablePartnerUser | directory.EnablePartnerUser],
    answer: type[Event],
    *,
    signs_out: bool,
) -> None:
    """``POST /users/{user_id}/<verb>``: one of the partner's users disabled or enabled (the
    directory checks who may); ``signs_out``: the user's sessions end at once."""

    async def switch(user_id: uuid.UUID, user: PartnerUser, gateway: GatewayDep) -> Any:
        made = command(partner_id=user.company_id, actor_user_id=user.user_id, user_id=user_id)
        outcome = (await gateway.execute(made, topic=DIRECTORY_COMMANDS)).data
        if signs_out:
            await gateway.sessions.delete_user(user_id)
        return outcome

    router.post(
        f"/users/{{user_id}}/{verb}",
        response_model=answer,
        responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
        name=f"{verb}_user",
    )(switch)


_switch("disable", directory.DisablePartnerUser, directory.PartnerUserDisabled, signs_out=True)
_switch("enable", directory.EnablePartnerUser, directory.PartnerUserEnabled, signs_out=False)


@router.post(
    "/users/{user_id}/reset-password",
    response_model=views.PasswordReset,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def reset_password(user_id: uuid.UUID, user: PartnerUser, gateway: GatewayDep) -> Any:
    """A one-time temporary password, shown once; the user must change it at sign-in."""
    result = await gateway.directory.post(
        f"/internal/users/{user_id}/reset-password", {"actor_user_id": str(user.user_id)}
    )
    await gateway.sessions.delete_user(user_id)
    return result


@router.get(
    "/customers",
    response_model=views.CustomerPage,
    responses=problem_responses(401, 403, 422, 502, 503),
)
async def search_customers(
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    q: str = Query("", max_length=200, description="Words in name, domain or contact e-mail"),
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=1000),
) -> Any:
    """Only customers the partner is partner of record for or holds a delegation with."""
    return await gateway.directory.relay(
        "/internal/customers", actor_user_id=user.user_id, q=q, limit=limit, cursor=cursor
    )


@router.get(
    "/customers/{customer_id}",
    response_model=views.CustomerDetail,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def customer_detail(
    customer_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    """Company, subscriptions, users, delegation status, open service requests."""
    return await gateway.customer_view(user, customer_id, "support")
