"""A customer buying an offer: final quantities, and every reason to refuse it."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from services.offers import handlers
from services.offers.domain import commands, errors
from shared.contracts.offers import PurchaseOfferCreated
from shared.errors import DomainError
from tests.unit.offers.builders import (
    BASE_URL,
    NOW,
    PARTNER,
    PARTNER_USER,
    create,
    later,
    line,
    service,
    stocked,
)
from tests.unit.offers.fakes import FakeRepository

CUSTOMER = uuid.UUID("0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77")
BUYER = uuid.UUID("4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09")


async def _offer(
    repo: FakeRepository, command: commands.CreateOffer | None = None
) -> PurchaseOfferCreated:
    repo.customers.add(CUSTOMER)
    command = command or create(
        line("o365-e3", 40, 25, 60), line("intune", 10), changeable=True, delegation_role="full"
    )
    return await handlers.create_offer(repo, command, now=NOW, base_url=BASE_URL)


def _buy(code: str, *chosen: tuple[str, int], customer: uuid.UUID = CUSTOMER) -> commands.Purchase:
    return commands.Purchase(code=code, customer_id=customer, redeemed_by=BUYER, quantities=chosen)


async def test_buying_with_changed_quantities_emits_the_final_quantities() -> None:
    repo = stocked()
    offer = await _offer(repo)

    event = await handlers.purchase(repo, _buy(offer.code, ("o365-e3", 55)), now=later(1))

    assert [(x.service_id, x.quantity) for x in event.lines] == [("o365-e3", 55), ("intune", 10)]
    assert (event.partner_id, event.customer_id, event.redeemed_by) == (PARTNER, CUSTOMER, BUYER)
    assert (event.offer_id, event.delegation_role, event.redeemed_at) == (
        offer.offer_id,
        "full",
        later(1),
    )
    assert event.partition_key() == str(CUSTOMER)
    [stored] = repo.redemptions
    assert (stored.redemption_id, stored.lines) == (
        event.redemption_id,
        (("o365-e3", 55), ("intune", 10)),
    )
    assert repo.offers[offer.offer_id].redemptions == 1


async def test_the_same_offer_serves_many_customers_once_each() -> None:
    repo = stocked()
    offer = await _offer(repo)
    other = uuid.uuid4()
    repo.customers.add(other)

    await handlers.purchase(repo, _buy(offer.code), now=NOW)
    await handlers.purchase(repo, _buy(offer.code, customer=other), now=NOW)
    with pytest.raises(errors.OfferAlreadyPurchased):
        await handlers.purchase(repo, _buy(offer.code, ("o365-e3", 30)), now=NOW)

    assert [r.customer_id for r in repo.redemptions] == [CUSTOMER, other]
    assert repo.offers[offer.offer_id].redemptions == 2


async def test_a_fixed_offer_is_bought_as_offered_and_only_so() -> None:
    repo = stocked()
    offer = await _offer(repo, create(line("o365-e3", 40)))
    with pytest.raises(errors.QuantitiesNotChangeable):
        await handlers.purchase(repo, _buy(offer.code, ("o365-e3", 41)), now=NOW)
    assert repo.redemptions == []

    event = await handlers.purchase(repo, _buy(offer.code, ("o365-e3", 40)), now=NOW)
    assert [(x.service_id, x.quantity) for x in event.lines] == [("o365-e3", 40)]


@pytest.mark.parametrize(
    ("chosen", "error"),
    [
        ((("o365-e3", 24),), errors.QuantityOutOfBounds),
        ((("o365-e3", 61),), errors.QuantityOutOfBounds),
        ((("teams-essentials", 5),), errors.UnknownOfferLine),
        ((("o365-e3", 30), ("o365-e3", 31)), errors.DuplicateOfferLine),
    ],
)
async def test_bad_quantities_are_refused_and_change_nothing(
    chosen: tuple[tuple[str, int], ...], error: type[DomainError]
) -> None:
    repo = stocked()
    offer = await _offer(repo)
    with pytest.raises(error):
        await handlers.purchase(repo, _buy(offer.code, *chosen), now=NOW)
    assert repo.redemptions == []
    assert repo.offers[offer.offer_id].redemptions == 0


async def test_a_withdrawn_offer_cannot_be_bought() -> None:
    repo = stocked()
    offer = await _offer(repo)
    await handlers.withdraw_offer(
        repo, commands.WithdrawOffer(offer.offer_id, PARTNER, PARTNER_USER), now=NOW
    )
    with pytest.raises(errors.OfferWithdrawn):
        await handlers.purchase(repo, _buy(offer.code), now=later(1))
    assert repo.redemptions == []


async def test_an_expired_offer_cannot_be_bought() -> None:
    repo = stocked()
    offer = await _offer(repo, create(expires_at=later(7)))
    await handlers.purchase(repo, _buy(offer.code), now=later(6))
    other = uuid.uuid4()
    repo.customers.add(other)
    with pytest.raises(errors.OfferExpired):
        await handlers.purchase(repo, _buy(offer.code, customer=other), now=later(7))
    assert len(repo.redemptions) == 1


async def test_unknown_code_and_unknown_customer_are_refused() -> None:
    repo = stocked()
    offer = await _offer(repo)
    with pytest.raises(errors.OfferNotFound):
        await handlers.purchase(repo, _buy("x" * 32), now=NOW)
    with pytest.raises(errors.CustomerNotFound):
        await handlers.purchase(repo, _buy(offer.code, customer=uuid.uuid4()), now=NOW)
    assert repo.redemptions == []


async def test_a_service_withdrawn_from_sale_after_the_offer_cannot_be_bought() -> None:
    repo = stocked()
    offer = await _offer(repo)
    repo.catalogue["intune"] = dataclasses.replace(service("intune"), on_sale=False)
    with pytest.raises(errors.ServiceNotOnSale):
        await handlers.purchase(repo, _buy(offer.code), now=NOW)
    assert repo.redemptions == []
