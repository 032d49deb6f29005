"""The role table, row by row: each allowed (action, role) succeeds on a user it covers and
is refused on one it does not; every pair missing from the table is refused."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest

from services.directory import handlers
from services.directory.domain import commands, errors
from services.directory.domain.model import Profile, User
from services.directory.domain.roles import (
    ROLE_TABLE,
    Action,
    CompanyRole,
    SupportedAccess,
    Targets,
)
from tests.unit.directory.builders import HASH, NOW, member, partner
from tests.unit.directory.fakes import FakeRepository

GA = CompanyRole.GLOBAL_ADMIN
NONE = CompanyRole.NONE

# A user each target class covers, and one just outside it (None: nobody is outside).
INSIDE: dict[Targets, tuple[CompanyRole, SupportedAccess]] = {
    Targets.ANY: (GA, SupportedAccess.FULL),
    Targets.NOT_GLOBAL_ADMIN: (CompanyRole.BILLING_ADMIN, SupportedAccess.FULL),
    Targets.NOT_ADMIN: (NONE, SupportedAccess.NONE),
}
OUTSIDE: dict[Targets, tuple[CompanyRole, SupportedAccess] | None] = {
    Targets.ANY: None,
    Targets.NOT_GLOBAL_ADMIN: (GA, SupportedAccess.NONE),
    Targets.NOT_ADMIN: (NONE, SupportedAccess.LIMITED),
}

Act = Callable[[FakeRepository, uuid.UUID, User, User | None, CompanyRole], Awaitable[object]]


async def _edit_company(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    cmd = commands.UpdatePartnerProfile(pid, actor.user_id, Profile("New name", "", None, "", ""))
    return await handlers.update_partner_profile(repo, cmd, now=NOW)


async def _create(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    assert target is not None
    cmd = commands.CreatePartnerUser(
        partner_id=pid,
        actor_user_id=actor.user_id,
        user_id=uuid.uuid4(),
        email=f"new{uuid.uuid4().hex[:8]}@fabrikam.example",
        display_name="New",
        company_role=target.company_role,
        supported_access=target.supported_access,
        password_hash=HASH,
    )
    return await handlers.create_partner_user(repo, cmd, now=NOW)


async def _update(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    assert target is not None
    cmd = commands.UpdatePartnerUser(pid, actor.user_id, target.user_id, display_name="Renamed")
    return await handlers.update_partner_user(repo, cmd, now=NOW)


async def _disable(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    assert target is not None
    cmd = commands.DisablePartnerUser(pid, actor.user_id, target.user_id)
    return await handlers.disable_partner_user(repo, cmd, now=NOW)


async def _enable(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    assert target is not None
    stored = repo.users[target.user_id]
    stored.disabled_at = NOW
    cmd = commands.EnablePartnerUser(pid, actor.user_id, target.user_id)
    return await handlers.enable_partner_user(repo, cmd, now=NOW)


async def _reset(
    repo: FakeRepository, pid: uuid.UUID, actor: User, target: User | None, role: CompanyRole
) -> object:
    assert target is not None
    cmd = commands.ResetPassword(actor.user_id, target.user_id)
    return await handlers.reset_password(repo, cmd, now=NOW)


ACTS: dict[Action, Act] = {
    Action.EDIT_COMPANY: _edit_company,
    Action.CREATE_USER: _create,
    Action.UPDATE_USER: _update,
    Action.DISABLE_USER: _disable,
    Action.ENABLE_USER: _enable,
    Action.RESET_PASSWORD: _reset,
}


async def _setup(
    actor_role: CompanyRole, target: tuple[CompanyRole, SupportedAccess]
) -> tuple[FakeRepository, uuid.UUID, User, User]:
    repo = FakeRepository()
    pid, _first_admin = await partner(repo)
    actor = await member(repo, pid, actor_role) if actor_role is not GA else _first_admin
    # A second Global admin keeps the last-Global-admin rule out of the way.
    await member(repo, pid, GA)
    return repo, pid, actor, await member(repo, pid, *target)


@pytest.mark.parametrize(("rule", "targets"), list(ROLE_TABLE.items()), ids=str)
async def test_row_allows_a_covered_target(
    rule: tuple[Action, CompanyRole], targets: Targets
) -> None:
    action, role = rule
    repo, pid, actor, target = await _setup(role, INSIDE[targets])
    assert await ACTS[action](repo, pid, actor, target, role) is not None


@pytest.mark.parametrize(
    ("rule", "targets"),
    [(rule, t) for rule, t in ROLE_TABLE.items() if OUTSIDE[t] is not None],
    ids=str,
)
async def test_row_refuses_a_target_outside_it(
    rule: tuple[Action, CompanyRole], targets: Targets
) -> None:
    action, role = rule
    outside = OUTSIDE[targets]
    assert outside is not None
    repo, pid, actor, target = await _setup(role, outside)
    before = dict(repo.users)
    with pytest.raises(errors.NotAllowed):
        await ACTS[action](repo, pid, actor, target, role)
    assert repo.users == before


@pytest.mark.parametrize(
    "rule",
    [(a, r) for a in Action for r in CompanyRole if (a, r) not in ROLE_TABLE],
    ids=str,
)
async def test_pairs_missing_from_the_table_are_refused(rule: tuple[Action, CompanyRole]) -> None:
    action, role = rule
    repo, pid, actor, target = await _setup(role, (NONE, SupportedAccess.NONE))
    with pytest.raises(errors.NotAllowed):
        await ACTS[action](repo, pid, actor, target, role)


async def test_user_management_admin_cannot_grant_global_admin() -> None:
    repo, pid, actor, target = await _setup(
        CompanyRole.USER_MANAGEMENT_ADMIN, (NONE, SupportedAccess.NONE)
    )
    cmd = commands.UpdatePartnerUser(pid, actor.user_id, target.user_id, company_role=GA)
    with pytest.raises(errors.NotAllowed):
        await handlers.update_partner_user(repo, cmd, now=NOW)
    assert repo.users[target.user_id].company_role is NONE
