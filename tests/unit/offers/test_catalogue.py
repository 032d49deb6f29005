"""Publishing catalogue services: valid terms become an event, invalid ones a typed error."""

from __future__ import annotations

import dataclasses

import pytest

from services.offers import handlers
from services.offers.catalogue_seed import SERVICES
from services.offers.domain import commands, errors
from services.offers.entrypoints.kafka import publish_command
from shared.errors import DomainError
from tests.unit.offers.fakes import FakeRepository

E3 = commands.PublishService(
    service_id="o365-e3",
    name="Office 365 E3",
    description="Office apps, mail, files and meetings.",
    licence_unit="user",
    min_seats=1,
    max_seats=300,
    trial_days=30,
    trial_max_seats=25,
    on_sale=True,
)


async def test_publish_stores_the_service_and_returns_its_terms() -> None:
    repo = FakeRepository()
    event = await handlers.publish_service(repo, E3)
    assert event.service_id == "o365-e3"
    assert event.trial is not None
    assert (event.trial.days, event.trial.max_seats) == (30, 25)
    assert (event.min_seats, event.max_seats, event.on_sale) == (1, 300, True)
    assert repo.catalogue["o365-e3"].name == "Office 365 E3"


async def test_a_service_without_trial_terms_is_published_as_not_trialable() -> None:
    repo = FakeRepository()
    event = await handlers.publish_service(
        repo, dataclasses.replace(E3, trial_days=None, trial_max_seats=None)
    )
    assert event.trial is None


async def test_republishing_replaces_the_terms() -> None:
    repo = FakeRepository()
    await handlers.publish_service(repo, E3)
    event = await handlers.publish_service(repo, dataclasses.replace(E3, on_sale=False))
    assert event.on_sale is False
    assert repo.catalogue["o365-e3"].on_sale is False


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"min_seats": 301}, errors.InvalidSeatRange),
        ({"trial_max_seats": 301}, errors.TrialSeatsAboveMaximum),
    ],
)
async def test_invalid_terms_are_rejected_and_change_nothing(
    change: dict[str, int], error: type[DomainError]
) -> None:
    repo = FakeRepository()
    await handlers.publish_service(repo, E3)
    with pytest.raises(error):
        await handlers.publish_service(repo, dataclasses.replace(E3, **change))  # type: ignore[arg-type]
    assert repo.catalogue["o365-e3"].min_seats == 1
    assert repo.catalogue["o365-e3"].trial_max_seats == 25


def test_rejection_codes_are_stable() -> None:
    assert errors.InvalidSeatRange.code() == "invalid_seat_range"
    assert errors.TrialSeatsAboveMaximum.code() == "trial_seats_above_maximum"


async def test_the_demo_catalogue_passes_the_rules_and_has_one_untrialable_service() -> None:
    repo = FakeRepository()
    for command in SERVICES:
        await handlers.publish_service(repo, publish_command(command))
    assert len(repo.catalogue) == len(SERVICES) >= 5
    assert [s for s, v in repo.catalogue.items() if v.trial_days is None] == ["defender-business"]
    trialable = [v for v in repo.catalogue.values() if v.trial_days is not None]
    assert {(v.trial_days, v.trial_max_seats) for v in trialable} == {(30, 25)}
