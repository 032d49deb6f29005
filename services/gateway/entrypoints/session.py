"""Sign in, who am I, change password, sign out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.security import (
    SESSION_COOKIE,
    SignedIn,
    SignedInSession,
    SignInLimit,
    clear_session_cookies,
    set_session_cookies,
)
from shared.problems import problem_responses
from shared.views.gateway import SessionView

router = APIRouter(prefix="/api/session", tags=["session"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=12, max_length=200)


async def start_session(
    request: Request, response: Response, gateway: Gateway, principal: Principal
) -> dict[str, Any]:
    """A new session for a freshly authenticated user; any earlier one ends (no fixation)."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await gateway.sessions.delete(old)
    token, session = await gateway.sessions.create(principal)
    set_session_cookies(response, gateway, token, session.csrf_token)
    return {"user": principal.as_json(), "csrf_token": session.csrf_token}


@router.post(
    "",
    dependencies=[SignInLimit],
    response_model=SessionView,
    responses=problem_responses(401, 403, 422, 423, 429, 502, 503),
)
async def sign_in(
    body: Credentials, request: Request, response: Response, gateway: GatewayDep
) -> dict[str, Any]:
    """Wrong e-mail and wrong password get the same answer (401); repeated failures lock the
    account for a while (423 with Retry-After)."""
    user = await gateway.directory.post("/internal/authenticate", body.model_dump())
    return await start_session(request, response, gateway, Principal.from_directory(user))


@router.get("", response_model=SessionView, responses=problem_responses(401))
async def who_am_i(session: SignedInSession) -> dict[str, Any]:
    return {"user": session.principal.as_json(), "csrf_token": session.csrf_token}


@router.post(
    "/password",
    response_model=SessionView,
    responses=problem_responses(401, 403, 422, 423, 502, 503),
)
async def change_password(
    body: PasswordChange,
    principal: SignedIn,
    request: Request,
    response: Response,
    gateway: GatewayDep,
) -> dict[str, Any]:
    user = await gateway.directory.post(
        f"/internal/users/{principal.user_id}/password", body.model_dump()
    )
    return await start_session(request, response, gateway, Principal.from_directory(user))


@router.delete("", status_code=204, responses=problem_responses(403))
async def sign_out(request: Request, gateway: GatewayDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await gateway.sessions.delete(token)
    response = Response(status_code=204)
    clear_session_cookies(response)
    return response
