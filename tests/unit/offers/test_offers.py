"""Creating, withdrawing and reissuing purchase offers, with a fake repository."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from services.offers import handlers
from services.offers.domain import commands, errors
from shared.errors import DomainError
from tests.unit.offers.builders import (
    BASE_URL,
    NOW,
    PARTNER,
    PARTNER_USER,
    create,
    later,
    line,
    stocked,
)


async def test_an_offer_gets_an_unguessable_code_and_a_url_on_it() -> None:
    repo = stocked()
    first = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)
    second = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)

    assert len(first.code) >= 32  # 24 random bytes, base64url: 192 bits
    assert first.code != second.code
    assert first.url == f"https://portal.example/o/{first.code}"
    assert str(first.partner_id) not in first.url
    assert repo.offers[first.offer_id].code == first.code


async def test_fixed_lines_have_bounds_equal_to_their_quantity() -> None:
    event = await handlers.create_offer(
        stocked(),
        create(line("o365-e3", 40), line("intune", 10), delegation_role="limited"),
        now=NOW,
        base_url=BASE_URL,
    )
    assert [(x.service_id, x.quantity, x.min_quantity, x.max_quantity) for x in event.lines] == [
        ("o365-e3", 40, 40, 40),
        ("intune", 10, 10, 10),
    ]
    assert event.delegation_role == "limited"
    assert event.customer_may_change_quantities is False
    assert event.replaces_offer_id is None


async def test_changeable_lines_default_to_the_catalogue_limits() -> None:
    event = await handlers.create_offer(
        stocked(),
        create(line("o365-e3", 40, 25, 60), line("intune", 10), changeable=True),
        now=NOW,
        base_url=BASE_URL,
    )
    assert [(x.min_quantity, x.max_quantity) for x in event.lines] == [(25, 60), (1, 5000)]


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (create(line("no-such-service", 1)), errors.UnknownService),
        (create(line("retired-suite", 1)), errors.ServiceNotOnSale),
        (create(line("o365-e3", 1), line("o365-e3", 2)), errors.DuplicateOfferLine),
        (create(line("o365-e3", 301)), errors.QuantityOutsideCatalogueLimits),
        (create(line("defender-business", 4)), errors.QuantityOutsideCatalogueLimits),
        (create(line("o365-e3", 40, 10, 50)), errors.QuantityBoundsNotAllowed),
        (create(line("o365-e3", 40, 41, 50), changeable=True), errors.InvalidQuantityBounds),
        (create(line("o365-e3", 40, 10, 39), changeable=True), errors.InvalidQuantityBounds),
        (
            create(line("o365-e3", 40, 1, 400), changeable=True),
            errors.QuantityOutsideCatalogueLimits,
        ),
        (
            create(line("defender-business", 10, 2), changeable=True),
            errors.QuantityOutsideCatalogueLimits,
        ),
        (create(expires_at=NOW), errors.InvalidExpiry),
    ],
)
async def test_bad_offers_are_rejected_and_store_nothing(
    command: commands.CreateOffer, error: type[DomainError]
) -> None:
    repo = stocked()
    with pytest.raises(error):
        await handlers.create_offer(repo, command, now=NOW, base_url=BASE_URL)
    assert repo.offers == {}


async def test_the_same_offer_id_twice_is_a_conflict() -> None:
    repo = stocked()
    command = create()
    await handlers.create_offer(repo, command, now=NOW, base_url=BASE_URL)
    with pytest.raises(errors.OfferAlreadyExists):
        await handlers.create_offer(repo, command, now=NOW, base_url=BASE_URL)
    assert len(repo.offers) == 1


async def test_withdraw_by_the_owner_then_again_is_refused() -> None:
    repo = stocked()
    created = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)
    withdraw = commands.WithdrawOffer(created.offer_id, PARTNER, PARTNER_USER)

    event = await handlers.withdraw_offer(repo, withdraw, now=later(1))
    assert (event.offer_id, event.withdrawn_by, event.withdrawn_at) == (
        created.offer_id,
        PARTNER_USER,
        later(1),
    )
    assert repo.offers[created.offer_id].status(later(1)) == "withdrawn"
    with pytest.raises(errors.OfferWithdrawn):
        await handlers.withdraw_offer(repo, withdraw, now=later(2))
    assert repo.offers[created.offer_id].withdrawn_at == later(1)


async def test_another_partner_cannot_withdraw_and_learns_nothing() -> None:
    repo = stocked()
    created = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)
    with pytest.raises(errors.OfferNotFound):
        await handlers.withdraw_offer(
            repo, commands.WithdrawOffer(created.offer_id, uuid.uuid4(), uuid.uuid4()), now=NOW
        )
    assert repo.offers[created.offer_id].withdrawn_at is None


def _reissue(old_id: uuid.UUID, *, withdraw: bool, **overrides: object) -> commands.ReissueOffer:
    command = commands.ReissueOffer(
        offer_id=uuid.uuid4(),
        replaces_offer_id=old_id,
        partner_id=PARTNER,
        created_by=PARTNER_USER,
        lines=(line("o365-e3", 30),),
        expires_at=None,
        withdraw_replaced=withdraw,
    )
    return dataclasses.replace(command, **overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize("withdraw", [True, False])
async def test_a_new_offer_from_an_old_one_keeps_the_link(withdraw: bool) -> None:
    repo = stocked()
    old = await handlers.create_offer(
        repo,
        create(line("o365-e3", 40, 20, 60), changeable=True, delegation_role="full"),
        now=NOW,
        base_url=BASE_URL,
    )
    new = await handlers.reissue_offer(
        repo, _reissue(old.offer_id, withdraw=withdraw), now=later(1), base_url=BASE_URL
    )

    assert new.replaces_offer_id == old.offer_id
    assert new.replaced_offer_withdrawn is withdraw
    assert new.code != old.code
    assert [(x.service_id, x.quantity) for x in new.lines] == [("o365-e3", 30)]
    # Terms the partner did not restate come from the old offer.
    assert (new.delegation_role, new.customer_may_change_quantities) == ("full", True)
    assert repo.offers[new.offer_id].replaces_offer_id == old.offer_id
    expected = "withdrawn" if withdraw else "active"
    assert repo.offers[old.offer_id].status(later(1)) == expected


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param({"partner_id": uuid.uuid4()}, errors.OfferNotFound, id="another-partners"),
        pytest.param(
            {"lines": (line("retired-suite", 3),)}, errors.ServiceNotOnSale, id="bad-new-offer"
        ),
    ],
)
async def test_a_refused_new_offer_leaves_the_old_one_untouched(
    change: dict[str, object], error: type[DomainError]
) -> None:
    """A new offer from another partner's offer is refused (as not found), and so is a bad
    new offer; either way the old offer is neither replaced nor withdrawn."""
    repo = stocked()
    old = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)
    with pytest.raises(error):
        await handlers.reissue_offer(
            repo, _reissue(old.offer_id, withdraw=True, **change), now=NOW, base_url=BASE_URL
        )
    assert len(repo.offers) == 1
    assert repo.offers[old.offer_id].withdrawn_at is None


async def test_a_new_offer_may_come_from_an_already_withdrawn_one() -> None:
    repo = stocked()
    old = await handlers.create_offer(repo, create(), now=NOW, base_url=BASE_URL)
    await handlers.withdraw_offer(
        repo, commands.WithdrawOffer(old.offer_id, PARTNER, PARTNER_USER), now=NOW
    )
    new = await handlers.reissue_offer(
        repo, _reissue(old.offer_id, withdraw=True), now=later(1), base_url=BASE_URL
    )
    assert new.replaced_offer_withdrawn is False  # it already was; this command did not
    assert repo.offers[old.offer_id].withdrawn_at == NOW
