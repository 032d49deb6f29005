"""One handler per command: load, decide (rules live on the model), save, return the event."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.offers.adapters.repository import Redemption, Repository
from services.offers.domain import commands, errors
from services.offers.domain.model import CatalogueService, Offer, build_lines, new_code
from shared import links
from shared.contracts.catalogue import CatalogueServicePublished
from shared.contracts.offers import (
    OfferOpened,
    OfferRedeemed,
    OfferSignUpRecorded,
    PurchaseOfferCreated,
    PurchaseOfferWithdrawn,
)


async def publish_service(
    repo: Repository, cmd: commands.PublishService
) -> CatalogueServicePublished:
    service = CatalogueService(**vars(cmd))
    service.check_terms()
    await repo.put_service(service=service)
    trial = (
        {"days": service.trial_days, "max_seats": service.trial_max_seats}
        if service.trial_days is not None
        else None
    )
    return CatalogueServicePublished.model_validate(
        {
            "service_id": service.service_id,
            "name": service.name,
            "description": service.description,
            "licence_unit": service.licence_unit,
            "min_seats": service.min_seats,
            "max_seats": service.max_seats,
            "trial": trial,
            "on_sale": service.on_sale,
        }
    )


async def create_offer(
    repo: Repository, cmd: commands.CreateOffer, *, now: datetime, base_url: str
) -> PurchaseOfferCreated:
    offer = await _new_offer(
        repo, cmd, cmd.delegation_role, changeable=cmd.customer_may_change_quantities, now=now
    )
    await repo.add_offer(offer=offer)
    return _created(offer, base_url=base_url, replaced_offer_withdrawn=False)


async def reissue_offer(
    repo: Repository, cmd: commands.ReissueOffer, *, now: datetime, base_url: str
) -> PurchaseOfferCreated:
    old = await repo.get_offer(offer_id=cmd.replaces_offer_id)
    if old is None:
        raise errors.OfferNotFound("No such offer.")
    old.check_owner(cmd.partner_id)
    # The replacement keeps what the customer was offered beyond its lines.
    offer = await _new_offer(
        repo, cmd, old.delegation_role, changeable=old.customer_may_change_quantities, now=now
    )
    offer.replaces_offer_id = old.offer_id
    withdrew = cmd.withdraw_replaced and old.withdrawn_at is None
    if withdrew:
        old.withdraw(partner_id=cmd.partner_id, by=cmd.created_by, now=now)
        await repo.save_offer(offer=old)
    await repo.add_offer(offer=offer)
    return _created(offer, base_url=base_url, replaced_offer_withdrawn=withdrew)


async def withdraw_offer(
    repo: Repository, cmd: commands.WithdrawOffer, *, now: datetime
) -> PurchaseOfferWithdrawn:
    offer = await repo.get_offer(offer_id=cmd.offer_id)
    if offer is None:
        raise errors.OfferNotFound("No such offer.")
    offer.withdraw(partner_id=cmd.partner_id, by=cmd.withdrawn_by, now=now)
    await repo.save_offer(offer=offer)
    # The command's offer, its partner (checked: the offer's) and who withdrew it.
    return PurchaseOfferWithdrawn(**vars(cmd), withdrawn_at=now)


async def purchase(repo: Repository, cmd: commands.Purchase, *, now: datetime) -> OfferRedeemed:
    offer = await repo.get_offer_by_code(code=cmd.code)
    if offer is None:
        raise errors.OfferNotFound("No offer has this code.")
    if not await repo.customer_exists(customer_id=cmd.customer_id):
        raise errors.CustomerNotFound("The buying customer is not known.")
    offer.check_purchasable(now)
    if await repo.has_purchased(offer_id=offer.offer_id, customer_id=cmd.customer_id):
        raise errors.OfferAlreadyPurchased("This customer has already bought this offer.")
    lines = offer.final_quantities(cmd.quantities)
    # The catalogue may have changed since the offer was made: sell only what is on sale now.
    catalogue = await repo.services(service_ids=[service_id for service_id, _ in lines])
    for service_id, quantity in lines:
        service = catalogue.get(service_id)
        if service is None:
            raise errors.UnknownService(f"{service_id!r} left the catalogue.")
        service.check_on_sale()
        service.check_quantity(quantity)
    offer.redeem(now)
    redemption_id = uuid.uuid4()
    await repo.add_redemption(
        redemption=Redemption(
            redemption_id, offer.offer_id, cmd.customer_id, cmd.redeemed_by, tuple(lines), now
        )
    )
    await repo.save_offer(offer=offer)
    return OfferRedeemed.model_validate(
        {
            "redemption_id": redemption_id,
            "offer_id": offer.offer_id,
            "partner_id": offer.partner_id,
            "customer_id": cmd.customer_id,
            "redeemed_by": cmd.redeemed_by,
            "lines": [{"service_id": s, "quantity": q} for s, q in lines],
            "delegation_role": offer.delegation_role,
            "redeemed_at": now,
        }
    )


async def _new_offer(
    repo: Repository,
    cmd: commands.CreateOffer | commands.ReissueOffer,
    delegation_role: str | None,
    *,
    changeable: bool,
    now: datetime,
) -> Offer:
    """The offer ``cmd`` makes (its id, partner, author, lines and expiry), not yet added."""
    if await repo.get_offer(offer_id=cmd.offer_id) is not None:
        raise errors.OfferAlreadyExists("An offer with this id already exists.")
    if cmd.expires_at is not None and cmd.expires_at <= now:
        raise errors.InvalidExpiry("The expiry date must be in the future.")
    catalogue = await repo.services(service_ids=[t.service_id for t in cmd.lines])
    return Offer(
        offer_id=cmd.offer_id,
        partner_id=cmd.partner_id,
        created_by=cmd.created_by,
        code=new_code(),
        lines=build_lines(cmd.lines, catalogue, changeable=changeable),
        delegation_role=delegation_role,
        expires_at=cmd.expires_at,
        customer_may_change_quantities=changeable,
        created_at=now,
    )


def _created(
    offer: Offer, *, base_url: str, replaced_offer_withdrawn: bool
) -> PurchaseOfferCreated:
    return PurchaseOfferCreated.model_validate(
        {
            "offer_id": offer.offer_id,
            "partner_id": offer.partner_id,
            "created_by": offer.created_by,
            "code": offer.code,
            "url": f"{base_url.rstrip('/')}/o/{offer.code}",
            "lines": [line.as_dict() for line in offer.lines],
            "delegation_role": offer.delegation_role,
            "expires_at": offer.expires_at,
            "customer_may_change_quantities": offer.customer_may_change_quantities,
            "replaces_offer_id": offer.replaces_offer_id,
            "replaced_offer_withdrawn": replaced_offer_withdrawn,
            "created_at": offer.created_at,
        }
    )


_FUNNEL = links.Funnel("offer_id", OfferOpened, OfferSignUpRecorded, errors.OfferNotFound)
record_open, record_sign_up = _FUNNEL.record_open, _FUNNEL.record_sign_up
