"""Internal read endpoints for the gateway (loopback only; never another service's tables).

Each route parses, and answers one query of ``services.offers.queries`` (visibility is
``services.offers.access``'s). Lists are pages with an opaque ``next_cursor``; pass it as
``cursor`` for the next page. Errors are the problem bodies of ``shared.problems``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from services.offers import queries
from services.offers.adapters.repository import PgRepository
from shared.reads import PageArgs
from shared.views import offers as views

router = APIRouter(prefix="/internal")


async def _repo(request: Request) -> AsyncIterator[PgRepository]:
    async with request.app.state.service.pool.acquire() as conn:
        yield PgRepository(conn)


Repo = Annotated[PgRepository, Depends(_repo)]


def _base_url(request: Request) -> str:
    return str(request.app.state.service.settings.public_base_url)


@router.get("/catalogue", response_model=views.Catalogue)
async def list_catalogue(repo: Repo, on_sale: bool | None = None) -> views.Catalogue:
    return await queries.catalogue(repo, on_sale=on_sale)


@router.get("/catalogue/{service_id}", response_model=views.Service)
async def get_service(repo: Repo, service_id: str) -> views.Service:
    return await queries.service(repo, service_id=service_id)


@router.get("/offers", response_model=views.OfferPage)
async def list_offers(
    request: Request, repo: Repo, partner_id: UUID, page: PageArgs
) -> views.OfferPage:
    """The partner's offers, newest first."""
    return await queries.partner_offers(
        repo,
        partner_id=partner_id,
        cursor=page.cursor,
        limit=page.limit,
        base_url=_base_url(request),
    )


@router.get("/offers/counts", response_model=views.OfferCounts)
async def offer_counts(repo: Repo, partner_id: UUID) -> views.OfferCounts:
    """For the partner overview."""
    return await queries.partner_counts(repo, partner_id=partner_id)


@router.get("/offers/by-code/{code}", response_model=views.PublicOfferLookup)
async def offer_by_code(repo: Repo, code: str) -> views.PublicOfferLookup:
    """What a customer opening the offer URL may see; 410 once it can no longer be bought."""
    return await queries.public_offer(repo, code=code)


@router.get("/offers/{offer_id}", response_model=views.OfferDetail)
async def get_offer(
    request: Request, repo: Repo, offer_id: UUID, partner_id: UUID | None = None
) -> views.OfferDetail:
    """One offer with its purchases; with ``partner_id``, only if it is that partner's."""
    return await queries.offer_detail(
        repo, offer_id=offer_id, partner_id=partner_id, base_url=_base_url(request)
    )


@router.get("/redemptions", response_model=list[views.PurchaseRecord])
async def redemptions(repo: Repo, customer_id: UUID) -> list[views.PurchaseRecord]:
    """The offers a customer bought, with the final quantities."""
    return await queries.customer_purchases(repo, customer_id=customer_id)
