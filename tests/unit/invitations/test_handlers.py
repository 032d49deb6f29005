"""Invitation rules, through the handlers, with a fake repository."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.invitations import handlers
from services.invitations.domain import commands, errors
from services.invitations.domain.model import TrialOffer
from tests.unit.invitations.fakes import FakeRepository

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
BASE = "https://portal.example"


@pytest.fixture
def repo() -> FakeRepository:
    r = FakeRepository()
    r.offers["o365-e3"] = TrialOffer("o365-e3", "Office 365 E3", 30, 25)
    r.offers["defender"] = TrialOffer("defender", "Defender", None, None)
    return r


def create(**overrides: object) -> commands.CreateInvitation:
    fields: dict[str, object] = {
        "invitation_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "created_by": uuid.uuid4(),
        "service_id": "o365-e3",
        "seats": 10,
        "delegation_role": "limited",
        "expires_at": None,
        "max_redemptions": None,
    }
    fields.update(overrides)
    return commands.CreateInvitation(**fields)  # type: ignore[arg-type]


async def redeem(repo: FakeRepository, code: str, at: datetime = NOW) -> object:
    customer = uuid.uuid4()
    repo.customers.add(customer)
    cmd = commands.RedeemInvitation(code=code, customer_id=customer, redeemed_by=uuid.uuid4())
    return await handlers.redeem_invitation(repo, cmd, now=at)


async def test_create_yields_a_url_with_an_unguessable_code(repo: FakeRepository) -> None:
    event = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    assert len(event.code) >= 32
    assert event.url == f"{BASE}/i/{event.code}"
    assert event.trial_days == 30
    assert event.delegation_role == "limited"
    other = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    assert other.code != event.code


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"service_id": "nope"}, errors.UnknownService),
        ({"service_id": "defender"}, errors.ServiceNotTrialable),
        ({"seats": 26}, errors.TooManySeats),
        ({"expires_at": NOW - timedelta(seconds=1)}, errors.InvalidExpiry),
    ],
)
async def test_create_rejects_what_the_catalogue_forbids(
    repo: FakeRepository, overrides: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await handlers.create_invitation(repo, create(**overrides), now=NOW, base_url=BASE)
    assert repo.invitations == {}


async def test_redeem_names_the_partner_and_counts(repo: FakeRepository) -> None:
    cmd = create(max_redemptions=2)
    created = await handlers.create_invitation(repo, cmd, now=NOW, base_url=BASE)
    event = await redeem(repo, created.code)
    assert event.partner_id == cmd.partner_id  # type: ignore[attr-defined]
    assert repo.invitations[cmd.invitation_id].redemptions == 1


async def test_cap_expiry_and_revocation_stop_redemption(repo: FakeRepository) -> None:
    capped = await handlers.create_invitation(
        repo, create(max_redemptions=1), now=NOW, base_url=BASE
    )
    await redeem(repo, capped.code)
    with pytest.raises(errors.InvitationExhausted):
        await redeem(repo, capped.code)

    expiring = await handlers.create_invitation(
        repo, create(expires_at=NOW + timedelta(days=1)), now=NOW, base_url=BASE
    )
    with pytest.raises(errors.InvitationExpired):
        await redeem(repo, expiring.code, at=NOW + timedelta(days=1))

    cmd = create()
    revocable = await handlers.create_invitation(repo, cmd, now=NOW, base_url=BASE)
    await handlers.revoke_invitation(
        repo, commands.RevokeInvitation(cmd.invitation_id, cmd.partner_id, uuid.uuid4()), now=NOW
    )
    with pytest.raises(errors.InvitationRevoked):
        await redeem(repo, revocable.code)
    assert len(repo.redemptions) == 1


async def test_one_trial_per_service_per_customer(repo: FakeRepository) -> None:
    first = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    second = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    customer = uuid.uuid4()
    repo.customers.add(customer)
    await handlers.redeem_invitation(
        repo, commands.RedeemInvitation(first.code, customer, uuid.uuid4()), now=NOW
    )
    with pytest.raises(errors.TrialAlreadyRedeemed):
        await handlers.redeem_invitation(
            repo, commands.RedeemInvitation(second.code, customer, uuid.uuid4()), now=NOW
        )


async def test_another_partner_cannot_revoke_and_learns_nothing(repo: FakeRepository) -> None:
    cmd = create()
    await handlers.create_invitation(repo, cmd, now=NOW, base_url=BASE)
    with pytest.raises(errors.InvitationNotFound):
        await handlers.revoke_invitation(
            repo, commands.RevokeInvitation(cmd.invitation_id, uuid.uuid4(), uuid.uuid4()), now=NOW
        )
    assert repo.invitations[cmd.invitation_id].revoked_at is None


async def test_unknown_customer_cannot_redeem(repo: FakeRepository) -> None:
    created = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    with pytest.raises(errors.CustomerNotFound):
        await handlers.redeem_invitation(
            repo, commands.RedeemInvitation(created.code, uuid.uuid4(), uuid.uuid4()), now=NOW
        )


async def test_the_funnel_counts_page_loads_and_each_sign_up_once(repo: FakeRepository) -> None:
    created = await handlers.create_invitation(repo, create(), now=NOW, base_url=BASE)
    for expected in (1, 2):
        opened = await handlers.record_open(repo, commands.RecordOpen(code=created.code), now=NOW)
        assert (opened.invitation_id, opened.opens) == (created.invitation_id, expected)
    customer = uuid.uuid4()
    for _ in range(2):  # the same sign-up reported twice counts once
        signed = await handlers.record_sign_up(
            repo, commands.RecordSignUp(code=created.code, customer_id=customer), now=NOW
        )
        assert (signed.partner_id, signed.sign_ups) == (created.partner_id, 1)
    with pytest.raises(errors.InvitationNotFound):
        await handlers.record_open(repo, commands.RecordOpen(code="x" * 32), now=NOW)


async def test_a_run_of_redemptions_is_decided_as_if_one_after_the_other(
    repo: FakeRepository,
) -> None:
    """Set-based: the cap counts the earlier redemptions of the run, a customer's second
    trial of the service in the same run is refused, and each refusal is typed and writes
    nothing; the others go through."""
    capped = await handlers.create_invitation(
        repo, create(max_redemptions=2), now=NOW, base_url=BASE
    )
    customers = [uuid.uuid4() for _ in range(3)]
    repo.customers.update(customers)
    run = [
        commands.RedeemInvitation(capped.code, customers[0], uuid.uuid4()),
        commands.RedeemInvitation(capped.code, customers[0], uuid.uuid4()),  # second trial
        commands.RedeemInvitation(capped.code, customers[1], uuid.uuid4()),
        commands.RedeemInvitation(capped.code, customers[2], uuid.uuid4()),  # over the cap
        commands.RedeemInvitation("no-such-code", customers[2], uuid.uuid4()),
        commands.RedeemInvitation(capped.code, uuid.uuid4(), uuid.uuid4()),  # unknown customer
    ]
    outcomes = await handlers.redeem_invitations(repo, run, now=NOW)
    kinds = [type(o).__name__ for o in outcomes]
    assert kinds == [
        "TrialInvitationRedeemed",
        "TrialAlreadyRedeemed",
        "TrialInvitationRedeemed",
        "InvitationExhausted",
        "InvitationNotFound",
        "CustomerNotFound",
    ]
    assert sorted(c for _, c, _ in repo.redemptions) == sorted(customers[:2])
    assert repo.invitations[capped.invitation_id].redemptions == 2
