"""Internal read endpoints for the gateway (loopback only; never another service's tables).

Lists answer ``{"items": [...], "next_before": <timestamp or null>}``; pass ``before`` to
get the next page. Errors are RFC 9457 problem documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.delegation.adapters import queries

router = APIRouter(prefix="/internal")

RequestState = Literal["pending", "approved", "declined", "expired"]
RelationshipState = Literal["active", "revoked", "expired", "replaced"]
Limit = Query(50, ge=1, le=200)


def _pool(request: Request) -> Any:
    return request.app.state.service.pool


def _base_url(request: Request) -> str:
    return str(request.app.state.service.settings.public_base_url)


def _not_found(detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail},
        status_code=404,
        media_type="application/problem+json",
    )


def _page(items: list[dict[str, Any]], limit: int, key: str) -> dict[str, Any]:
    return {"items": items, "next_before": items[-1][key] if len(items) == limit else None}


async def _requests(
    request: Request,
    party: queries.Party,
    party_id: UUID,
    state: str | None,
    before: datetime | None,
    limit: int,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    rows = await queries.requests_of(
        _pool(request),
        party=party,
        party_id=party_id,
        now=now,
        state=state,
        before=before,
        limit=limit,
    )
    # The offer URL is the partner's to send; the customer already holds it.
    base_url = _base_url(request) if party == "partner" else None
    items = [queries.request_view(r, now, base_url=base_url) for r in rows]
    return _page(items, limit, "requested_at")


async def _relationships(
    request: Request,
    party: queries.Party,
    party_id: UUID,
    state: str | None,
    before: datetime | None,
    limit: int,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    rows = await queries.relationships_of(
        _pool(request),
        party=party,
        party_id=party_id,
        now=now,
        state=state,
        before=before,
        limit=limit,
    )
    return _page([queries.relationship_view(r, now) for r in rows], limit, "started_at")


@router.get("/customers/{customer_id}/requests")
async def customer_requests(
    request: Request,
    customer_id: UUID,
    state: RequestState | None = None,
    before: datetime | None = None,
    limit: int = Limit,
) -> dict[str, Any]:
    return await _requests(request, "customer", customer_id, state, before, limit)


@router.get("/partners/{partner_id}/requests")
async def partner_requests(
    request: Request,
    partner_id: UUID,
    state: RequestState | None = None,
    before: datetime | None = None,
    limit: int = Limit,
) -> dict[str, Any]:
    return await _requests(request, "partner", partner_id, state, before, limit)


@router.get("/customers/{customer_id}/relationships")
async def customer_relationships(
    request: Request,
    customer_id: UUID,
    state: RelationshipState | None = None,
    before: datetime | None = None,
    limit: int = Limit,
) -> dict[str, Any]:
    return await _relationships(request, "customer", customer_id, state, before, limit)


@router.get("/partners/{partner_id}/relationships")
async def partner_relationships(
    request: Request,
    partner_id: UUID,
    state: RelationshipState | None = None,
    before: datetime | None = None,
    limit: int = Limit,
) -> dict[str, Any]:
    return await _relationships(request, "partner", partner_id, state, before, limit)


@router.get("/relationships/active", response_model=None)
async def active_relationship(
    request: Request, partner_id: UUID, customer_id: UUID
) -> dict[str, Any] | JSONResponse:
    """The one relationship that lets ``partner_id`` act for ``customer_id``, if any."""
    now = datetime.now(UTC)
    row = await queries.active_relationship(
        _pool(request), partner_id=partner_id, customer_id=customer_id, now=now
    )
    if row is None:
        return _not_found("This partner has no active delegation with this customer.")
    return queries.relationship_view(row, now)


@router.get("/requests/by-code/{code}", response_model=None)
async def request_by_code(request: Request, code: str) -> dict[str, Any] | JSONResponse:
    row = await queries.request_by_code(_pool(request), code=code)
    if row is None:
        return _not_found("No delegation offer has this code.")
    return queries.request_view(row, datetime.now(UTC), base_url=_base_url(request))


@router.get("/requests/{request_id}", response_model=None)
async def request_by_id(request: Request, request_id: UUID) -> dict[str, Any] | JSONResponse:
    row = await queries.request_by_id(_pool(request), request_id=request_id)
    if row is None:
        return _not_found("No such delegation request.")
    return queries.request_view(row, datetime.now(UTC), base_url=_base_url(request))


@router.get("/partners/{partner_id}/counts")
async def partner_counts(request: Request, partner_id: UUID) -> dict[str, int]:
    """For the partner overview: ``{"pending": n, "active": n}``."""
    row = await _pool(request).fetchrow(
        "SELECT (SELECT count(*) FROM requests WHERE partner_id = $1 AND state = 'pending' "
        "        AND expires_at > now()) AS pending, "
        "       (SELECT count(*) FROM relationships WHERE partner_id = $1 AND state = 'active' "
        "        AND (ends_at IS NULL OR ends_at > now())) AS active",
        partner_id,
    )
    return {"pending": int(row["pending"]), "active": int(row["active"])}
