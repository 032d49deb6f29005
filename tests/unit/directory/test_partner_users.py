"""Partner users beyond the role table: the last active Global admin, tenant isolation,
temporary passwords, and the profile change event."""

from __future__ import annotations

import uuid

import pytest

from services.directory import handlers
from services.directory.domain import commands, errors
from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess
from tests.unit.directory.builders import HASH, NOW, member, partner
from tests.unit.directory.fakes import FakeRepository

GA = CompanyRole.GLOBAL_ADMIN


async def test_last_global_admin_cannot_be_demoted() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    cmd = commands.UpdatePartnerUser(
        pid, admin.user_id, admin.user_id, company_role=CompanyRole.BILLING_ADMIN
    )
    with pytest.raises(errors.LastGlobalAdmin):
        await handlers.update_partner_user(repo, cmd, now=NOW)
    assert repo.users[admin.user_id].company_role is GA


async def test_last_global_admin_cannot_be_disabled() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    disabled_other = await member(repo, pid, GA)
    repo.users[disabled_other.user_id].disabled_at = NOW  # a disabled GA does not count
    with pytest.raises(errors.LastGlobalAdmin):
        await handlers.disable_partner_user(
            repo, commands.DisablePartnerUser(pid, admin.user_id, admin.user_id), now=NOW
        )
    assert repo.users[admin.user_id].active


async def test_a_global_admin_can_be_demoted_when_another_remains() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    other = await member(repo, pid, GA)
    cmd = commands.UpdatePartnerUser(
        pid, admin.user_id, other.user_id, company_role=CompanyRole.NONE
    )
    event = await handlers.update_partner_user(repo, cmd, now=NOW)
    assert event.company_role == "none"
    assert event.updated_by == admin.user_id


async def test_another_partners_admin_can_touch_nothing() -> None:
    repo = FakeRepository()
    pid, _ = await partner(repo)
    victim = await member(repo, pid)
    _, intruder = await partner(repo)
    with pytest.raises(errors.NotAllowed):
        await handlers.disable_partner_user(
            repo, commands.DisablePartnerUser(pid, intruder.user_id, victim.user_id), now=NOW
        )
    with pytest.raises(errors.NotAllowed):
        await handlers.update_partner_profile(
            repo,
            commands.UpdatePartnerProfile(pid, intruder.user_id, Profile("X", "", None, "", "")),
            now=NOW,
        )
    # Naming another partner's user from one's own company: indistinguishable from no user.
    with pytest.raises(errors.UserNotFound):
        await handlers.reset_password(
            repo, commands.ResetPassword(intruder.user_id, victim.user_id), now=NOW
        )
    assert repo.users[victim.user_id].active
    assert repo.users[victim.user_id].password_hash == HASH


async def test_created_user_must_change_password_and_cannot_act_until_then() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    new_id = uuid.uuid4()
    cmd = commands.CreatePartnerUser(
        pid, admin.user_id, new_id, "new@fabrikam.example", "New", GA, SupportedAccess.FULL, HASH
    )
    await handlers.create_partner_user(repo, cmd, now=NOW)
    assert repo.users[new_id].must_change_password
    with pytest.raises(errors.PasswordChangeRequired):
        await handlers.update_partner_profile(
            repo,
            commands.UpdatePartnerProfile(pid, new_id, Profile("X", "", None, "", "")),
            now=NOW,
        )


async def test_profile_change_records_who_and_when() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    profile = Profile("Fabrikam 2", "+1", "help@fabrikam.example", "Addr", "https://f.example")
    event = await handlers.update_partner_profile(
        repo, commands.UpdatePartnerProfile(pid, admin.user_id, profile), now=NOW
    )
    assert (event.updated_by, event.updated_at) == (admin.user_id, NOW)
    assert event.profile.name == "Fabrikam 2"
    stored = repo.partners[pid]
    assert (stored.profile, stored.updated_by) == (profile, admin.user_id)
