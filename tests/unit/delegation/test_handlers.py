"""The delegation handlers against an in-memory repository."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.delegation import handlers
from services.delegation.domain import commands, errors
from services.delegation.domain.model import Policy
from shared.contracts.base import Event
from shared.contracts.delegation import DelegationApproved, DelegationDeclined
from tests.unit.delegation.fakes import FakeRepository

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POLICY = Policy(
    request_ttl=timedelta(days=30),
    max_request_ttl=timedelta(days=90),
    min_duration=timedelta(days=1),
    max_duration=timedelta(days=730),
    expiry_warning=timedelta(days=7),
)


@pytest.fixture
def repo() -> FakeRepository:
    return FakeRepository()


def redemption(role: str | None = "full", **overrides: object) -> commands.RequestFromRedemption:
    fields: dict[str, object] = {
        "source_kind": "trial_invitation",
        "source_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "customer_id": uuid.uuid4(),
        "role": role,
    }
    fields.update(overrides)
    return commands.RequestFromRedemption(**fields)  # type: ignore[arg-type]


async def approve(
    repo: FakeRepository,
    request_id: uuid.UUID,
    customer_id: uuid.UUID,
    by: uuid.UUID,
    *,
    now: datetime,
) -> list[Event]:
    command = commands.ApproveRequest(
        request_id=request_id, customer_id=customer_id, approved_by=by
    )
    return await handlers.approve_request(repo, command, now=now)


async def decline(
    repo: FakeRepository,
    request_id: uuid.UUID,
    customer_id: uuid.UUID,
    by: uuid.UUID,
    *,
    now: datetime,
) -> DelegationDeclined:
    command = commands.DeclineRequest(
        request_id=request_id, customer_id=customer_id, declined_by=by
    )
    return await handlers.decline_request(repo, command, now=now)


async def pending_request(
    repo: FakeRepository, *, duration: timedelta | None = None
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A pending request; returns (request id, customer id, the customer's admin)."""
    cmd = redemption(duration=duration)
    event = await handlers.request_from_redemption(repo, cmd, now=NOW, policy=POLICY)
    assert event is not None
    admin = uuid.uuid4()
    repo.add_admin(customer_id=cmd.customer_id, user_id=admin)
    return event.request_id, cmd.customer_id, admin


async def test_redemption_with_delegation_opens_one_pending_request(repo: FakeRepository) -> None:
    cmd = redemption(role="limited")
    event = await handlers.request_from_redemption(repo, cmd, now=NOW, policy=POLICY)

    assert event is not None
    assert (event.partner_id, event.customer_id, event.role) == (
        cmd.partner_id,
        cmd.customer_id,
        "limited",
    )
    assert (event.source_kind, event.source_id) == ("trial_invitation", cmd.source_id)
    stored = repo.requests[event.request_id]
    assert stored.state == "pending"
    assert stored.expires_at == NOW + POLICY.request_ttl


async def test_the_same_redemption_twice_opens_one_request(repo: FakeRepository) -> None:
    cmd = redemption()
    first = await handlers.request_from_redemption(repo, cmd, now=NOW, policy=POLICY)
    second = await handlers.request_from_redemption(repo, cmd, now=NOW, policy=POLICY)

    assert first is not None
    assert second is None
    assert len(repo.requests) == 1


async def test_offer_redemption_uses_the_same_handler_with_its_own_source(
    repo: FakeRepository,
) -> None:
    source = uuid.uuid4()
    trial = await handlers.request_from_redemption(
        repo, redemption(source_id=source), now=NOW, policy=POLICY
    )
    offer = await handlers.request_from_redemption(
        repo, redemption(source_kind="offer", source_id=source), now=NOW, policy=POLICY
    )
    assert trial is not None
    assert offer is not None
    assert offer.source_kind == "offer"


async def test_redemption_without_delegation_opens_nothing(repo: FakeRepository) -> None:
    event = await handlers.request_from_redemption(
        repo, redemption(role=None), now=NOW, policy=POLICY
    )
    assert event is None
    assert repo.requests == {}


async def test_a_run_of_redemptions_opens_one_request_each_with_delegation(
    repo: FakeRepository,
) -> None:
    """Set-based: one write for the run; a redemption without delegation, the same
    redemption again and a duration out of policy open nothing, the last one typed."""
    first = redemption()
    run = [
        first,
        redemption(role=None),
        first,
        redemption(duration=POLICY.max_duration * 2),
        redemption(),
    ]
    outcomes = await handlers.requests_from_redemptions(repo, run, now=NOW, policy=POLICY)
    assert [type(o).__name__ for o in outcomes] == [
        "DelegationRequested",
        "NoneType",
        "NoneType",
        "InvalidDuration",
        "DelegationRequested",
    ]
    assert len(repo.requests) == 2


async def test_customer_admin_approves_and_a_relationship_starts(repo: FakeRepository) -> None:
    request_id, customer_id, admin = await pending_request(repo)

    [event] = await approve(repo, request_id, customer_id, admin, now=NOW)

    assert isinstance(event, DelegationApproved)
    assert (event.request_id, event.approved_by, event.approved_at) == (request_id, admin, NOW)
    assert repo.requests[request_id].state == "approved"
    relationship = repo.relationships[request_id]
    assert (relationship.state, relationship.role, relationship.ends_at) == ("active", "full", None)


async def test_someone_else_may_not_approve(repo: FakeRepository) -> None:
    request_id, customer_id, _ = await pending_request(repo)

    with pytest.raises(errors.NotCustomerAdmin):
        await approve(repo, request_id, customer_id, uuid.uuid4(), now=NOW)
    assert repo.requests[request_id].state == "pending"
    assert repo.relationships == {}


async def test_admin_of_another_customer_sees_no_such_request(repo: FakeRepository) -> None:
    request_id, _, _ = await pending_request(repo)
    other_customer, other_admin = uuid.uuid4(), uuid.uuid4()
    repo.add_admin(customer_id=other_customer, user_id=other_admin)

    with pytest.raises(errors.RequestNotFound):
        await decline(repo, request_id, other_customer, other_admin, now=NOW)
    assert repo.requests[request_id].state == "pending"


async def test_deciding_twice_is_rejected(repo: FakeRepository) -> None:
    request_id, customer_id, admin = await pending_request(repo)
    await decline(repo, request_id, customer_id, admin, now=NOW)

    with pytest.raises(errors.RequestAlreadyDecided):
        await approve(repo, request_id, customer_id, admin, now=NOW)
    assert repo.requests[request_id].state == "declined"
    assert repo.relationships == {}


async def test_an_unanswered_request_cannot_be_approved_after_its_deadline(
    repo: FakeRepository,
) -> None:
    request_id, customer_id, admin = await pending_request(repo)
    late = NOW + POLICY.request_ttl

    with pytest.raises(errors.RequestExpired):
        await approve(repo, request_id, customer_id, admin, now=late)
    assert repo.relationships == {}


async def test_unknown_request_is_not_found(repo: FakeRepository) -> None:
    with pytest.raises(errors.RequestNotFound):
        await approve(repo, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), now=NOW)
