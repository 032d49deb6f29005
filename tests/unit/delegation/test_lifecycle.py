"""Standalone offers, replacement, revocation and the time-based sweep, with fakes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.delegation import handlers
from services.delegation.domain import commands, errors
from shared.contracts import delegation
from tests.unit.delegation.fakes import FakeRepository
from tests.unit.delegation.test_handlers import NOW, POLICY, pending_request

BASE_URL = "https://portal.example"


@pytest.fixture
def repo() -> FakeRepository:
    return FakeRepository()


def offer(customer_id: uuid.UUID, **overrides: object) -> commands.OfferDelegation:
    fields: dict[str, object] = {
        "request_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "customer_id": customer_id,
        "offered_by": uuid.uuid4(),
        "role": "limited",
        "duration": timedelta(days=90),
        "respond_within": None,
    }
    fields.update(overrides)
    return commands.OfferDelegation(**fields)  # type: ignore[arg-type]


async def _offer(repo: FakeRepository, cmd: commands.OfferDelegation) -> list[object]:
    return list(
        await handlers.offer_delegation(repo, cmd, now=NOW, policy=POLICY, base_url=BASE_URL)
    )


async def approve(
    repo: FakeRepository, request_id: uuid.UUID, customer_id: uuid.UUID, admin: uuid.UUID
) -> list[object]:
    cmd = commands.ApproveRequest(request_id=request_id, customer_id=customer_id, approved_by=admin)
    return list(await handlers.approve_request(repo, cmd, now=NOW))


async def test_standalone_offer_yields_url_with_unguessable_code_then_request(
    repo: FakeRepository,
) -> None:
    customer, admin = uuid.uuid4(), uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=admin)
    cmd = offer(customer)

    offered, requested = await _offer(repo, cmd)

    assert isinstance(offered, delegation.DelegationOffered)
    assert isinstance(requested, delegation.DelegationRequested)
    assert len(offered.code) >= 32
    assert offered.url == f"{BASE_URL}/d/{offered.code}"
    assert (offered.duration, offered.expires_at) == (cmd.duration, NOW + POLICY.request_ttl)
    assert (requested.source_kind, requested.source_id) == ("standalone", cmd.request_id)
    second, _ = await _offer(repo, offer(customer))
    assert isinstance(second, delegation.DelegationOffered)
    assert second.code != offered.code


async def test_offer_to_unknown_customer_is_rejected(repo: FakeRepository) -> None:
    with pytest.raises(errors.CustomerNotFound):
        await _offer(repo, offer(uuid.uuid4()))
    assert repo.requests == {}


async def test_offer_with_a_duration_out_of_bounds_is_rejected(repo: FakeRepository) -> None:
    customer = uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=uuid.uuid4())
    with pytest.raises(errors.InvalidDuration):
        await _offer(repo, offer(customer, duration=timedelta(hours=1)))
    with pytest.raises(errors.InvalidDuration):
        await _offer(repo, offer(customer, duration=timedelta(days=731)))
    with pytest.raises(errors.InvalidResponseWindow):
        await _offer(repo, offer(customer, respond_within=timedelta(days=91)))
    assert repo.requests == {}


async def test_offer_id_cannot_be_reused(repo: FakeRepository) -> None:
    customer = uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=uuid.uuid4())
    cmd = offer(customer)
    await _offer(repo, cmd)
    with pytest.raises(errors.RequestAlreadyExists):
        await _offer(repo, cmd)


async def test_approved_time_bound_offer_ends_after_its_duration(repo: FakeRepository) -> None:
    customer, admin = uuid.uuid4(), uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=admin)
    cmd = offer(customer, duration=timedelta(days=30))
    await _offer(repo, cmd)

    await approve(repo, cmd.request_id, customer, admin)

    assert repo.relationships[cmd.request_id].ends_at == NOW + timedelta(days=30)


async def test_new_approval_replaces_the_active_relationship_explicitly(
    repo: FakeRepository,
) -> None:
    customer, admin, partner = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=admin)
    first, second = (
        offer(customer, partner_id=partner, role="limited"),
        offer(customer, partner_id=partner, role="full"),
    )
    await _offer(repo, first)
    await _offer(repo, second)
    await approve(repo, first.request_id, customer, admin)

    approved, replaced = await approve(repo, second.request_id, customer, admin)

    assert isinstance(approved, delegation.DelegationApproved)
    assert isinstance(replaced, delegation.DelegationReplaced)
    assert (replaced.relationship_id, replaced.role) == (first.request_id, "limited")
    assert (replaced.replaced_by, replaced.new_role) == (second.request_id, "full")
    assert repo.relationships[first.request_id].state == "replaced"
    assert repo.relationships[second.request_id].state == "active"


async def test_other_partners_relationships_are_not_replaced(repo: FakeRepository) -> None:
    customer, admin = uuid.uuid4(), uuid.uuid4()
    repo.add_admin(customer_id=customer, user_id=admin)
    first, second = offer(customer), offer(customer)  # two partners
    await _offer(repo, first)
    await _offer(repo, second)
    await approve(repo, first.request_id, customer, admin)

    events = await approve(repo, second.request_id, customer, admin)

    assert len(events) == 1
    assert repo.relationships[first.request_id].state == "active"


async def _active(repo: FakeRepository) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
    """An active relationship: (relationship id, customer, its admin, partner)."""
    request_id, customer, admin = await pending_request(repo)
    await approve(repo, request_id, customer, admin)
    return request_id, customer, admin, repo.relationships[request_id].partner_id


def revoke(
    relationship_id: uuid.UUID,
    customer: uuid.UUID,
    partner: uuid.UUID,
    by: uuid.UUID,
    party: str,
) -> commands.RevokeRelationship:
    return commands.RevokeRelationship(
        relationship_id=relationship_id,
        customer_id=customer,
        partner_id=partner,
        revoked_by=by,
        party=party,  # type: ignore[arg-type]
    )


async def test_customer_admin_revokes(repo: FakeRepository) -> None:
    rid, customer, admin, partner = await _active(repo)

    event = await handlers.revoke_relationship(
        repo, revoke(rid, customer, partner, admin, "customer"), now=NOW
    )

    assert (event.party, event.revoked_by) == ("customer", admin)
    assert repo.relationships[rid].state == "revoked"
    with pytest.raises(errors.RelationshipNotActive):
        await handlers.revoke_relationship(
            repo, revoke(rid, customer, partner, admin, "customer"), now=NOW
        )


async def test_partner_revokes_its_own_relationship_only(repo: FakeRepository) -> None:
    rid, customer, _, partner = await _active(repo)

    with pytest.raises(errors.RelationshipNotFound):
        await handlers.revoke_relationship(
            repo, revoke(rid, customer, uuid.uuid4(), uuid.uuid4(), "partner"), now=NOW
        )
    assert repo.relationships[rid].state == "active"

    event = await handlers.revoke_relationship(
        repo, revoke(rid, customer, partner, uuid.uuid4(), "partner"), now=NOW
    )
    assert event.party == "partner"
    assert repo.relationships[rid].state == "revoked"


async def test_customer_user_who_is_not_admin_cannot_revoke(repo: FakeRepository) -> None:
    rid, customer, _, partner = await _active(repo)
    with pytest.raises(errors.NotCustomerAdmin):
        await handlers.revoke_relationship(
            repo, revoke(rid, customer, partner, uuid.uuid4(), "customer"), now=NOW
        )
    assert repo.relationships[rid].state == "active"


async def test_sweep_expires_unanswered_requests_once(repo: FakeRepository) -> None:
    request_id, _, _ = await pending_request(repo)

    early = await handlers.sweep(repo, now=NOW + POLICY.request_ttl / 2, policy=POLICY)
    due = await handlers.sweep(repo, now=NOW + POLICY.request_ttl, policy=POLICY)
    again = await handlers.sweep(repo, now=NOW + POLICY.request_ttl * 2, policy=POLICY)

    assert early == []
    assert [type(e) for e in due] == [delegation.DelegationRequestExpired]
    assert again == []
    assert repo.requests[request_id].state == "expired"


async def test_sweep_warns_the_configured_time_before_the_end_then_expires(
    repo: FakeRepository,
) -> None:
    duration = timedelta(days=30)
    request_id, customer, admin = await pending_request(repo, duration=duration)
    await approve(repo, request_id, customer, admin)
    ends_at = NOW + duration
    warn_at = ends_at - POLICY.expiry_warning

    before = await handlers.sweep(repo, now=warn_at - timedelta(seconds=1), policy=POLICY)
    warned = await handlers.sweep(repo, now=warn_at, policy=POLICY)
    quiet = await handlers.sweep(repo, now=ends_at - timedelta(seconds=1), policy=POLICY)
    ended = await handlers.sweep(repo, now=ends_at, policy=POLICY)

    assert before == []
    assert [type(e) for e in warned] == [delegation.DelegationExpiring]
    assert quiet == []
    assert [type(e) for e in ended] == [delegation.DelegationExpired]
    assert repo.relationships[request_id].state == "expired"


async def test_a_missed_warning_still_comes_before_the_expiry(repo: FakeRepository) -> None:
    request_id, customer, admin = await pending_request(repo, duration=timedelta(days=2))
    await approve(repo, request_id, customer, admin)

    events = await handlers.sweep(repo, now=NOW + timedelta(days=3), policy=POLICY)

    assert [e.ce_type() for e in events] == [
        delegation.DelegationExpiring.ce_type(),
        delegation.DelegationExpired.ce_type(),
    ]


async def test_relationship_without_duration_never_expires(repo: FakeRepository) -> None:
    request_id, customer, admin = await pending_request(repo)
    await approve(repo, request_id, customer, admin)

    assert await handlers.sweep(repo, now=NOW + timedelta(days=10_000), policy=POLICY) == []
    assert repo.relationships[request_id].state == "active"
