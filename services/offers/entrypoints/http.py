"""Internal read endpoints for the gateway (loopback only; never another service's tables)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from services.offers.adapters.repository import PgRepository
from services.offers.domain.model import CatalogueService, Offer

router = APIRouter(prefix="/internal")


async def _repo(request: Request) -> AsyncIterator[PgRepository]:
    async with request.app.state.service.pool.acquire() as conn:
        yield PgRepository(conn)


Repo = Annotated[PgRepository, Depends(_repo)]


def _service_view(s: CatalogueService) -> dict[str, Any]:
    trial = {"days": s.trial_days, "max_seats": s.trial_max_seats} if s.trial_days else None
    return {
        "service_id": s.service_id,
        "name": s.name,
        "description": s.description,
        "licence_unit": s.licence_unit,
        "min_seats": s.min_seats,
        "max_seats": s.max_seats,
        "trial": trial,
        "on_sale": s.on_sale,
    }


def _lines_view(offer: Offer, catalogue: dict[str, CatalogueService]) -> list[dict[str, Any]]:
    views = []
    for line in offer.lines:
        service = catalogue.get(line.service_id)
        views.append(
            {
                "service_id": line.service_id,
                "name": service.name if service else line.service_id,
                "description": service.description if service else "",
                "licence_unit": service.licence_unit if service else "user",
                "on_sale": service.on_sale if service else False,
                "quantity": line.quantity,
                "min_quantity": line.min_quantity,
                "max_quantity": line.max_quantity,
            }
        )
    return views


def _offer_view(
    offer: Offer, catalogue: dict[str, CatalogueService], request: Request
) -> dict[str, Any]:
    base_url = request.app.state.service.settings.public_base_url.rstrip("/")
    return {
        "offer_id": offer.offer_id,
        "partner_id": offer.partner_id,
        "created_by": offer.created_by,
        "code": offer.code,
        "url": f"{base_url}/o/{offer.code}",
        "status": offer.status(datetime.now(UTC)),
        "lines": _lines_view(offer, catalogue),
        "delegation_role": offer.delegation_role,
        "expires_at": offer.expires_at,
        "customer_may_change_quantities": offer.customer_may_change_quantities,
        "replaces_offer_id": offer.replaces_offer_id,
        "created_at": offer.created_at,
        "redemptions": offer.redemptions,
        "withdrawn_at": offer.withdrawn_at,
        "withdrawn_by": offer.withdrawn_by,
    }


async def _catalogue(repo: PgRepository) -> dict[str, CatalogueService]:
    return {s.service_id: s for s in await repo.catalogue()}


@router.get("/catalogue")
async def list_catalogue(repo: Repo, on_sale: bool | None = None) -> dict[str, Any]:
    services = await repo.catalogue()
    return {
        "items": [_service_view(s) for s in services if on_sale is None or s.on_sale == on_sale]
    }


@router.get("/catalogue/{service_id}")
async def get_service(repo: Repo, service_id: str) -> dict[str, Any]:
    service = await repo.find_service(service_id=service_id)
    if service is None:
        raise HTTPException(404, "no such service")
    return _service_view(service)


@router.get("/offers")
async def list_offers(
    request: Request,
    repo: Repo,
    partner_id: UUID,
    limit: int = Query(50, ge=1, le=200),
    before: datetime | None = None,
) -> dict[str, Any]:
    offers = await repo.partner_offers(partner_id=partner_id, before=before, limit=limit)
    catalogue = await _catalogue(repo)
    items = [_offer_view(o, catalogue, request) for o in offers]
    return {"items": items, "next_before": items[-1]["created_at"] if len(items) == limit else None}


@router.get("/offers/counts")
async def offer_counts(repo: Repo, partner_id: UUID) -> dict[str, int]:
    """For the partner overview: ``{"active": n, "expired": n, "withdrawn": n}``."""
    return await repo.offer_counts(partner_id=partner_id)


@router.get("/offers/by-code/{code}")
async def offer_by_code(repo: Repo, code: str) -> dict[str, Any]:
    """What a customer opening the offer URL may see: no partner users, no redemptions."""
    offer = await repo.find_offer_by_code(code=code)
    if offer is None:
        raise HTTPException(404, "no such offer")
    return {
        "code": offer.code,
        "partner_id": offer.partner_id,
        "status": offer.status(datetime.now(UTC)),
        "lines": _lines_view(offer, await _catalogue(repo)),
        "customer_may_change_quantities": offer.customer_may_change_quantities,
        "delegation_role": offer.delegation_role,
        "expires_at": offer.expires_at,
    }


@router.get("/offers/{offer_id}")
async def get_offer(
    request: Request, repo: Repo, offer_id: UUID, partner_id: UUID | None = None
) -> dict[str, Any]:
    """One offer with its redemptions; with ``partner_id``, only if it is that partner's."""
    offer = await repo.find_offer(offer_id=offer_id)
    if offer is None or (partner_id is not None and offer.partner_id != partner_id):
        raise HTTPException(404, "no such offer")
    view = _offer_view(offer, await _catalogue(repo), request)
    view["replaced_by"] = await repo.replaced_by(offer_id=offer_id)
    view["redemptions_list"] = await repo.redemptions_of(offer_id=offer_id)
    return view


@router.get("/redemptions")
async def redemptions(repo: Repo, customer_id: UUID) -> list[dict[str, Any]]:
    """The offers a customer bought, with the final quantities."""
    return await repo.redemptions_of(customer_id=customer_id)
