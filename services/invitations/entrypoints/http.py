"""Internal read endpoints for the gateway (loopback only; never another service's tables)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request

from services.invitations.adapters.repository import _COLUMNS, _invitation

router = APIRouter(prefix="/internal")


def _view(row: Any, now: datetime) -> dict[str, Any]:
    invitation = _invitation(row)
    view = dict(row)
    view["status"] = invitation.status(now)
    return view


@router.get("/invitations")
async def list_invitations(
    request: Request,
    partner_id: UUID,
    limit: int = Query(50, ge=1, le=200),
    before: datetime | None = None,
) -> dict[str, Any]:
    pool = request.app.state.service.pool
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM invitations WHERE partner_id = $1 "
        "AND ($2::timestamptz IS NULL OR created_at < $2) ORDER BY created_at DESC LIMIT $3",
        partner_id,
        before,
        limit,
    )
    now = datetime.now(UTC)
    items = [_view(r, now) for r in rows]
    return {"items": items, "next_before": items[-1]["created_at"] if len(items) == limit else None}


@router.get("/invitations/counts")
async def counts(request: Request, partner_id: UUID) -> dict[str, int]:
    """For the partner overview: active invitations and redemptions in all."""
    row = await request.app.state.service.pool.fetchrow(
        "SELECT count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL OR "
        "expires_at > now()) AND (max_redemptions IS NULL OR redemptions < max_redemptions)) "
        "AS active, coalesce(sum(redemptions), 0) AS redemptions "
        "FROM invitations WHERE partner_id = $1",
        partner_id,
    )
    return {"active": int(row["active"]), "redemptions": int(row["redemptions"])}


@router.get("/invitations/by-code/{code}")
async def by_code(request: Request, code: str) -> dict[str, Any]:
    row = await request.app.state.service.pool.fetchrow(
        f"SELECT {_COLUMNS} FROM invitations WHERE code = $1", code
    )
    if row is None:
        raise HTTPException(404, "no such invitation")
    return _view(row, datetime.now(UTC))


@router.get("/invitations/{invitation_id}")
async def get_invitation(request: Request, invitation_id: UUID) -> dict[str, Any]:
    pool = request.app.state.service.pool
    row = await pool.fetchrow(
        f"SELECT {_COLUMNS} FROM invitations WHERE invitation_id = $1", invitation_id
    )
    if row is None:
        raise HTTPException(404, "no such invitation")
    view = _view(row, datetime.now(UTC))
    view["redemptions_list"] = [
        dict(r)
        for r in await pool.fetch(
            "SELECT redemption_id, customer_id, redeemed_by, redeemed_at FROM redemptions "
            "WHERE invitation_id = $1 ORDER BY redeemed_at",
            invitation_id,
        )
    ]
    return view


@router.get("/redemptions")
async def redemptions(request: Request, customer_id: UUID) -> list[dict[str, Any]]:
    rows = await request.app.state.service.pool.fetch(
        "SELECT redemption_id, invitation_id, customer_id, service_id, redeemed_by, redeemed_at "
        "FROM redemptions WHERE customer_id = $1 ORDER BY redeemed_at",
        customer_id,
    )
    return [dict(r) for r in rows]
