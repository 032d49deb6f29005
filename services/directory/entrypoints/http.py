"""Internal endpoints for the gateway (loopback only). Reads go to ``adapters.queries``;
errors are RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.directory.adapters import queries
from services.directory.config import Settings


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:portal:problem:{code}", "title": code, "status": status}
    body |= {"detail": detail, "code": code, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.service.pool
    return pool


def _found(value: dict[str, Any] | None, what: str) -> Any:
    return value if value is not None else problem(404, "not_found", f"No such {what}.")


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

    return r
