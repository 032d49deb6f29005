"""Service requests with a fake repository: every transition of the life cycle, allowed or
not, and who may open, move and annotate a request."""

from __future__ import annotations

import uuid

import pytest

from services.directory import handlers
from services.directory.domain import commands, errors
from services.directory.domain.roles import CompanyRole, SupportedAccess
from services.directory.domain.service_requests import TRANSITIONS, State
from tests.unit.directory.builders import NOW, member, partner, user
from tests.unit.directory.fakes import FakeRepository


async def _setup(
    delegation: str | None = "full", access: SupportedAccess = SupportedAccess.FULL
) -> tuple[FakeRepository, uuid.UUID, uuid.UUID]:
    repo = FakeRepository()
    pid, _ = await partner(repo)
    actor = await member(repo, pid, CompanyRole.NONE, access)
    customer_id = uuid.uuid4()
    if delegation:
        repo.delegations[(pid, customer_id)] = delegation
    return repo, actor.user_id, customer_id


def _create(actor: uuid.UUID, customer_id: uuid.UUID) -> commands.CreateServiceRequest:
    return commands.CreateServiceRequest(
        uuid.uuid4(), customer_id, actor, "Mail down", "", "high", "Chris", None
    )


async def _opened(repo: FakeRepository, actor: uuid.UUID, customer_id: uuid.UUID) -> uuid.UUID:
    event = await handlers.create_service_request(repo, _create(actor, customer_id), now=NOW)
    assert event.state == "open"
    return event.request_id


ALL_MOVES = [(a, b) for a in State for b in State]


@pytest.mark.parametrize(("start", "target"), ALL_MOVES, ids=str)
async def test_transition(start: State, target: State) -> None:
    repo, actor, customer_id = await _setup()
    request_id = await _opened(repo, actor, customer_id)
    repo.requests[request_id].state = start
    cmd = commands.ChangeServiceRequestState(request_id, customer_id, actor, target.value)
    if target in TRANSITIONS[start]:
        event = await handlers.change_service_request_state(repo, cmd, now=NOW)
        assert (event.from_state, event.to_state) == (start.value, target.value)
        assert repo.requests[request_id].state is target
    else:
        with pytest.raises(errors.InvalidTransition):
            await handlers.change_service_request_state(repo, cmd, now=NOW)
        assert repo.requests[request_id].state is start


def test_the_life_cycle_of_the_issue() -> None:
    assert State.IN_PROGRESS in TRANSITIONS[State.OPEN]
    assert State.WAITING_ON_CUSTOMER in TRANSITIONS[State.IN_PROGRESS]
    assert State.RESOLVED in TRANSITIONS[State.WAITING_ON_CUSTOMER]
    assert State.CLOSED in TRANSITIONS[State.RESOLVED]
    assert State.OPEN in TRANSITIONS[State.RESOLVED]  # reopen
    assert TRANSITIONS[State.CLOSED] == frozenset()


@pytest.mark.parametrize(
    ("delegation", "access", "error"),
    [
        (None, SupportedAccess.FULL, errors.CustomerNotFound),
        ("limited", SupportedAccess.FULL, errors.NotAllowed),
        ("full", SupportedAccess.LIMITED, errors.NotAllowed),
        ("full", SupportedAccess.NONE, errors.NotAllowed),
    ],
)
async def test_opening_needs_full_administration_and_a_full_delegation(
    delegation: str | None, access: SupportedAccess, error: type[Exception]
) -> None:
    repo, actor, customer_id = await _setup(delegation, access)
    with pytest.raises(error):
        await handlers.create_service_request(repo, _create(actor, customer_id), now=NOW)
    assert repo.requests == {}


async def test_notes_by_the_customer_and_by_the_partner_but_not_by_strangers() -> None:
    repo, actor, customer_id = await _setup()
    request_id = await _opened(repo, actor, customer_id)
    customer_user = user(customer_id)
    customer_user.company_kind = "customer"
    await repo.add_user(user=customer_user)
    outsider = user(uuid.uuid4())
    outsider.company_kind = "customer"
    await repo.add_user(user=outsider)

    kinds = []
    for author in (actor, customer_user.user_id):
        note = commands.AddServiceRequestNote(request_id, customer_id, author, uuid.uuid4(), "Hi")
        kinds.append((await handlers.add_service_request_note(repo, note, now=NOW)).author_kind)
    assert kinds == ["partner", "customer"]
    stranger = commands.AddServiceRequestNote(
        request_id, customer_id, outsider.user_id, uuid.uuid4(), "Let me in"
    )
    with pytest.raises(errors.ServiceRequestNotFound):
        await handlers.add_service_request_note(repo, stranger, now=NOW)
    assert len(repo.notes) == 2
