"""Sign-in, password change and password reset. These arrive over the directory's internal
HTTP endpoints, never Kafka: clear-text passwords must not sit in a topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.directory.adapters.repository import Repository
from services.directory.domain import commands, credentials, errors
from services.directory.domain.model import SignInPolicy, User, authorise
from services.directory.domain.roles import Action
from services.directory.handlers import actors
from shared.contracts import directory as contracts


@dataclass(frozen=True)
class SignIn:
    """The outcome to commit: a failure is recorded (and may lock) before it is answered."""

    user: User
    succeeded: bool


@dataclass(frozen=True)
class UnknownAddressFailed:
    """A sign-in with an address no user has: counted and committed like a wrong password
    (the same lock rules, the same hashing, the same kind of write); answered alike."""

    succeeded: bool = False


async def authenticate(
    repo: Repository, cmd: commands.Authenticate, *, now: datetime, policy: SignInPolicy
) -> SignIn | UnknownAddressFailed:
    user = await repo.get_user_by_email(email=cmd.email, lock=True)
    if user is None:
        address = await repo.get_unknown_address(email=cmd.email)
        address.check_can_sign_in(now=now)
        await credentials.verify_off_loop(None, cmd.password)  # same cost as a wrong password
        address.record_sign_in(succeeded=False, now=now, policy=policy)
        await repo.save_unknown_address(address=address, now=now)
        return UnknownAddressFailed()
    user.check_can_sign_in(now=now)
    succeeded = await credentials.verify_off_loop(user.password_hash, cmd.password)
    user.record_sign_in(succeeded=succeeded, now=now, policy=policy)
    await repo.save_user(user=user)
    return SignIn(user=user, succeeded=succeeded)


async def change_password(
    repo: Repository, cmd: commands.ChangePassword, *, now: datetime, policy: SignInPolicy
) -> SignIn:
    """The user proves the current (possibly temporary) password and sets a new one."""
    user = await repo.get_user(user_id=cmd.user_id, lock=True)
    if user is None:
        raise errors.UserNotFound("No such user.")
    user.check_can_sign_in(now=now)
    succeeded = await credentials.verify_off_loop(user.password_hash, cmd.current_password)
    if succeeded:
        credentials.check_new_password(cmd.new_password, current=cmd.current_password)
        user.set_password(
            await credentials.hash_password_off_loop(cmd.new_password), temporary=False
        )
    else:
        user.record_sign_in(succeeded=False, now=now, policy=policy)
    await repo.save_user(user=user)
    return SignIn(user=user, succeeded=succeeded)


async def reset_password(
    repo: Repository, cmd: commands.ResetPassword, *, now: datetime
) -> tuple[str, contracts.UserPasswordReset]:
    """A one-time temporary password for the target (returned to the admin only), which
    must be changed at the next sign-in; the reset also lifts a lockout."""
    actor = await actors.known(repo, cmd.actor_user_id)
    authorise(actor, Action.RESET_PASSWORD, company_id=actor.company_id)
    target = await repo.get_user(user_id=cmd.user_id, lock=True)
    if target is None or target.company_id != actor.company_id:
        raise errors.UserNotFound("No such user in your company.")
    authorise(actor, Action.RESET_PASSWORD, company_id=actor.company_id, before=target)
    return await reset_to_temporary(repo, target, by=actor.user_id, now=now)


async def reset_to_temporary(
    repo: Repository, user: User, *, by: UUID, now: datetime
) -> tuple[str, contracts.UserPasswordReset]:
    """Give ``user`` a new temporary password (saved; the caller has checked ``by`` may):
    the password, for the actor only, and the event of the reset."""
    temporary = credentials.temporary_password()
    user.set_password(await credentials.hash_password_off_loop(temporary), temporary=True)
    await repo.save_user(user=user)
    event = contracts.UserPasswordReset(
        company_id=user.company_id, user_id=user.user_id, reset_by=by, reset_at=now
    )
    return temporary, event
