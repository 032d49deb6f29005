"""The offers service's read side: every HTTP read is one of these queries, answering a view
model of ``shared.views.offers`` (the catalogue, offers, purchases). Visibility is
``access``'s; an offer's state is as of now."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.offers import access
from services.offers.adapters.repository import PgRepository
from services.offers.domain.model import CatalogueService, Offer
from shared.cursor import Cursor, next_cursor
from shared.views import offers as views


def service_view(s: CatalogueService) -> views.Service:
    trial = views.Trial(days=s.trial_days, max_seats=s.trial_max_seats) if s.trial_days else None
    # The view's fields are the service's, its two trial terms made one ``trial``.
    return views.Service.model_validate(vars(s) | {"trial": trial})


def lines_view(offer: Offer, catalogue: Mapping[str, CatalogueService]) -> list[views.OfferedLine]:
    """Each line with its service's catalogue details (a service gone from the catalogue
    shows its id and is not on sale)."""
    lines = []
    for line in offer.lines:
        service = catalogue.get(line.service_id)
        lines.append(
            views.OfferedLine(
                service_id=line.service_id,
                name=service.name if service else line.service_id,
                description=service.description if service else "",
                licence_unit=service.licence_unit if service else "user",
                on_sale=service.on_sale if service else False,
                quantity=line.quantity,
                min_quantity=line.min_quantity,
                max_quantity=line.max_quantity,
            )
        )
    return lines


def offer_view(
    offer: Offer, catalogue: Mapping[str, CatalogueService], *, base_url: str, now: datetime
) -> views.Offer:
    return views.Offer(
        offer_id=offer.offer_id,
        partner_id=offer.partner_id,
        created_by=offer.created_by,
        code=offer.code,
        url=f"{base_url.rstrip('/')}/o/{offer.code}",
        status=offer.status(now),
        lines=lines_view(offer, catalogue),
        delegation_role=offer.delegation_role,
        expires_at=offer.expires_at,
        customer_may_change_quantities=offer.customer_may_change_quantities,
        replaces_offer_id=offer.replaces_offer_id,
        created_at=offer.created_at,
        redemptions=offer.redemptions,
        withdrawn_at=offer.withdrawn_at,
        withdrawn_by=offer.withdrawn_by,
    )


def purchase_view(row: Mapping[str, Any]) -> views.PurchaseRecord:
    return views.PurchaseRecord(**dict(row))


async def _catalogue(repo: PgRepository) -> dict[str, CatalogueService]:
    return {s.service_id: s for s in await repo.catalogue()}


async def catalogue(repo: PgRepository, *, on_sale: bool | None) -> views.Catalogue:
    services = await repo.catalogue()
    return views.Catalogue(
        items=[service_view(s) for s in services if on_sale is None or s.on_sale == on_sale]
    )


async def service(repo: PgRepository, *, service_id: str) -> views.Service:
    found = await repo.find_service(service_id=service_id)
    access.require_service(found is not None)
    assert found is not None
    return service_view(found)


async def partner_offers(
    repo: PgRepository, *, partner_id: UUID, cursor: Cursor | None, limit: int, base_url: str
) -> views.OfferPage:
    """Newest first, tie-safe: (created_at, offer_id) descending."""
    offers = await repo.partner_offers(partner_id=partner_id, after=cursor, limit=limit + 1)
    catalogue = await _catalogue(repo)
    now = datetime.now(UTC)
    return views.OfferPage(
        items=[offer_view(o, catalogue, base_url=base_url, now=now) for o in offers[:limit]],
        next_cursor=next_cursor(offers, limit, key=lambda o: (o.created_at, o.offer_id)),
    )


async def partner_counts(repo: PgRepository, *, partner_id: UUID) -> views.OfferCounts:
    return views.OfferCounts(**await repo.offer_counts(partner_id=partner_id))


async def public_offer(repo: PgRepository, *, code: str) -> views.PublicOfferLookup:
    """What a customer opening the offer URL may see: no partner users, no purchases."""
    offer = await repo.find_offer_by_code(code=code)
    status = offer.status(datetime.now(UTC)) if offer else None
    access.require_public(status)
    assert offer is not None
    return views.PublicOfferLookup(
        code=offer.code,
        partner_id=offer.partner_id,
        status=status,
        lines=lines_view(offer, await _catalogue(repo)),
        customer_may_change_quantities=offer.customer_may_change_quantities,
        delegation_role=offer.delegation_role,
        expires_at=offer.expires_at,
    )


async def offer_detail(
    repo: PgRepository, *, offer_id: UUID, partner_id: UUID | None, base_url: str
) -> views.OfferDetail:
    """One offer with what replaced it and its purchases; with ``partner_id``, only if it is
    that partner's."""
    offer = await repo.find_offer(offer_id=offer_id)
    access.require_visible(offer.partner_id if offer else None, partner_id)
    assert offer is not None
    view = offer_view(offer, await _catalogue(repo), base_url=base_url, now=datetime.now(UTC))
    opens, sign_ups = await repo.funnel_of(offer_id=offer_id)
    return views.OfferDetail(
        **view.model_dump(),
        funnel=views.OfferFunnel(opens=opens, sign_ups=sign_ups, purchases=offer.redemptions),
        replaced_by=await repo.replaced_by(offer_id=offer_id),
        redemptions_list=[purchase_view(r) for r in await repo.redemptions_of(offer_id=offer_id)],
    )


async def customer_purchases(
    repo: PgRepository, *, customer_id: UUID
) -> list[views.PurchaseRecord]:
    """The offers a customer bought, with the final quantities."""
    return [purchase_view(r) for r in await repo.redemptions_of(customer_id=customer_id)]
