"""Sign-in rules with a fake repository and a controlled clock: argon2 verification,
slow-down then lockout, temporary passwords that must be changed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.directory import handlers
from services.directory.domain import commands, credentials, errors
from services.directory.domain.model import SignInPolicy
from services.directory.domain.roles import CompanyRole
from tests.unit.directory.builders import NOW, member, partner, user
from tests.unit.directory.fakes import FakeRepository

POLICY = SignInPolicy(slow_after=3, lock_after=5, lock_minutes=15)
PASSWORD = "correct horse battery"


async def _with_user() -> tuple[FakeRepository, str]:
    repo = FakeRepository()
    signed = user(uuid.uuid4(), password_hash=credentials.hash_password(PASSWORD))
    await repo.add_user(user=signed)
    return repo, signed.email


def test_policy_is_free_then_doubles_then_locks() -> None:
    waits = [POLICY.locked_until(n, now=NOW) for n in range(1, 7)]
    assert waits[:2] == [None, None]
    assert waits[2] == NOW + timedelta(seconds=1)
    assert waits[3] == NOW + timedelta(seconds=2)
    assert waits[4] == waits[5] == NOW + timedelta(minutes=15)


async def test_right_password_signs_in_and_wrong_one_is_counted() -> None:
    repo, email = await _with_user()
    ok = await handlers.authenticate(
        repo, commands.Authenticate(email.upper(), PASSWORD), now=NOW, policy=POLICY
    )
    assert ok.succeeded
    bad = await handlers.authenticate(
        repo, commands.Authenticate(email, "wrong"), now=NOW, policy=POLICY
    )
    assert isinstance(bad, handlers.SignIn)
    assert not bad.succeeded
    assert bad.user.failed_sign_ins == 1


async def test_unknown_email_fails_and_is_counted_like_a_wrong_password() -> None:
    repo = FakeRepository()
    outcome = await handlers.authenticate(
        repo, commands.Authenticate("No@One.example", PASSWORD), now=NOW, policy=POLICY
    )
    assert isinstance(outcome, handlers.UnknownAddressFailed)
    assert not outcome.succeeded
    assert repo.unknown["no@one.example"].failed_sign_ins == 1


async def _answers(repo: FakeRepository, email: str, tries: int) -> list[object]:
    """What each of ``tries`` wrong sign-ins, one second apart, is answered."""
    answers: list[object] = []
    for i in range(tries):
        try:
            outcome = await handlers.authenticate(
                repo,
                commands.Authenticate(email, "wrong"),
                now=NOW + timedelta(seconds=i),
                policy=POLICY,
            )
            answers.append(outcome.succeeded)
        except errors.AccountLocked as locked:
            answers.append(("locked", locked.details["retry_after"]))
    return answers


async def test_an_unknown_address_slows_down_and_locks_exactly_like_an_account() -> None:
    repo, email = await _with_user()
    known = await _answers(repo, email, 12)
    unknown = await _answers(repo, "nobody@nowhere.example", 12)
    assert known == unknown
    # The sequence does reach the long lockout (minutes, not the first short locks).
    assert any(isinstance(a, tuple) and a[1] > 60 for a in known), known


async def test_lockout_refuses_even_the_right_password_until_it_expires() -> None:
    repo, email = await _with_user()
    now = NOW
    for _ in range(POLICY.lock_after):
        user_now = await repo.get_user_by_email(email=email)
        assert user_now is not None
        if user_now.locked_until is not None:
            now = user_now.locked_until  # wait out the slow-down, as a patient attacker would
        await handlers.authenticate(
            repo, commands.Authenticate(email, "wrong"), now=now, policy=POLICY
        )
    with pytest.raises(errors.AccountLocked) as locked:
        await handlers.authenticate(
            repo, commands.Authenticate(email, PASSWORD), now=now, policy=POLICY
        )
    assert locked.value.details["retry_after"] == 15 * 60
    later = now + timedelta(minutes=15)
    ok = await handlers.authenticate(
        repo, commands.Authenticate(email, PASSWORD), now=later, policy=POLICY
    )
    assert isinstance(ok, handlers.SignIn)
    assert ok.succeeded
    assert ok.user.failed_sign_ins == 0


async def test_reset_gives_a_temporary_password_that_must_be_changed() -> None:
    repo = FakeRepository()
    pid, admin = await partner(repo)
    target = await member(repo, pid, CompanyRole.NONE)
    repo.users[target.user_id].locked_until = NOW + timedelta(minutes=10)
    temporary, event = await handlers.reset_password(
        repo, commands.ResetPassword(admin.user_id, target.user_id), now=NOW
    )
    assert event.reset_by == admin.user_id
    assert temporary not in repr(event)
    signed = await handlers.authenticate(
        repo, commands.Authenticate(target.email, temporary), now=NOW, policy=POLICY
    )
    assert isinstance(signed, handlers.SignIn)
    assert signed.succeeded  # the reset lifted the lock
    assert signed.user.must_change_password

    with pytest.raises(errors.WeakPassword):
        await handlers.change_password(
            repo,
            commands.ChangePassword(target.user_id, temporary, "short"),
            now=NOW,
            policy=POLICY,
        )
    changed = await handlers.change_password(
        repo,
        commands.ChangePassword(target.user_id, temporary, "a much longer secret"),
        now=NOW,
        policy=POLICY,
    )
    assert changed.succeeded
    assert not changed.user.must_change_password
    old = await handlers.authenticate(
        repo, commands.Authenticate(target.email, temporary), now=NOW, policy=POLICY
    )
    assert not old.succeeded  # the temporary password was one-time
