"""Internal read endpoints for the gateway (loopback only; never another service's tables).
Each route parses, and answers one query of ``services.notifications.queries``."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.notifications import queries
from shared.pools import pool_of
from shared.views import notifications as views

router = APIRouter(prefix="/internal")


@router.get("/deliveries", response_model=views.DeliveryList)
async def deliveries(
    request: Request,
    partner_id: UUID,
    subject_kind: Literal["invitation", "offer", "delegation_request"],
    subject_id: UUID,
    limit: int = Query(200, ge=1, le=500),
) -> views.DeliveryList:
    """The partner's e-mail deliveries of one invitation, offer or delegation request."""
    return await queries.subject_deliveries(
        pool_of(request),
        partner_id=partner_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        limit=limit,
    )


@router.get("/webhooks", response_model=views.WebhookEndpointList)
async def webhook_endpoints(request: Request, partner_id: UUID) -> views.WebhookEndpointList:
    """The partner's webhook endpoints (never a secret)."""
    return await queries.webhook_endpoints(pool_of(request), partner_id=partner_id)


@router.get("/webhooks/{endpoint_id}", response_model=views.WebhookEndpointDetail)
async def webhook_endpoint(
    request: Request, endpoint_id: UUID, partner_id: UUID, limit: int = Query(50, ge=1, le=200)
) -> views.WebhookEndpointDetail:
    """One endpoint of the partner with its delivery log; another partner's is a 404."""
    return await queries.webhook_endpoint(
        pool_of(request), endpoint_id=endpoint_id, partner_id=partner_id, limit=limit
    )
