"""A customer's users, administered by its own admin or by a partner acting for it under an
active delegation (the permission table in ``domain/acting.py``). Each handler enters the
customer first (who acts, in which role), then loads, checks the action, saves."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from uuid import UUID

from services.directory.adapters.repository import Repository
from services.directory.domain import acting, commands, errors
from services.directory.domain.acting import Acting, CustomerAction
from services.directory.domain.model import User, check_global_admins_remain
from services.directory.domain.roles import SupportedAccess
from services.directory.handlers import actors, sign_in
from shared.contracts import directory as contracts


class _ForCustomer(Protocol):
    @property
    def actor_user_id(self) -> UUID: ...
    @property
    def customer_id(self) -> UUID: ...


async def _enter_for(repo: Repository, cmd: _ForCustomer, action: CustomerAction) -> Acting:
    """``enter`` for the actor and customer a command names."""
    return await actors.enter(
        repo, actor_user_id=cmd.actor_user_id, customer_id=cmd.customer_id, action=action
    )


async def may_list_users(repo: Repository, *, actor_user_id: UUID, customer_id: UUID) -> Acting:
    return await actors.enter(
        repo, actor_user_id=actor_user_id, customer_id=customer_id, action=CustomerAction.LIST_USERS
    )


async def _user_of(repo: Repository, *, user_id: UUID, customer_id: UUID) -> User | None:
    """The customer's user (locked); None for a missing one or another company's alike."""
    user = await repo.get_user(user_id=user_id, lock=True)
    if user is None or user.company_kind != "customer" or user.company_id != customer_id:
        return None
    return user


def _no_such_user(user_id: UUID) -> errors.UserNotFound:
    return errors.UserNotFound("The customer has no such user.", user_id=str(user_id))


async def _target(repo: Repository, *, user_id: UUID, customer_id: UUID) -> User:
    target = await _user_of(repo, user_id=user_id, customer_id=customer_id)
    if target is None:
        raise _no_such_user(user_id)
    return target


async def create_customer_user(
    repo: Repository, cmd: commands.CreateCustomerUser, *, now: datetime
) -> contracts.CustomerUserCreated:
    who = await _enter_for(repo, cmd, CustomerAction.CREATE_USER)
    if await repo.get_customer(customer_id=cmd.customer_id) is None:
        raise errors.CustomerNotFound("No such customer.")
    if await repo.email_taken(email=cmd.email):
        raise errors.EmailTaken("A user with this e-mail already exists.")
    user = User.new(cmd, ("customer", cmd.customer_id), cmd.company_role, SupportedAccess.NONE, now)
    await repo.add_user(user=user)
    return contracts.CustomerUserCreated(
        customer_id=cmd.customer_id,
        **user.fields("user_id", "email", "display_name", "company_role"),
        created_by=cmd.actor_user_id,
        acting_partner_id=who.partner_id,
        created_at=now,
    )


async def disable_customer_user(
    repo: Repository, cmd: commands.DisableCustomerUser, *, now: datetime
) -> contracts.CustomerUserDisabled:
    who = await _enter_for(repo, cmd, CustomerAction.DISABLE_USER)
    target = await _target(repo, user_id=cmd.user_id, customer_id=cmd.customer_id)
    if not target.active:
        raise errors.UserDisabled("This user is disabled already.", user_id=str(cmd.user_id))
    after = replace(target, disabled_at=now)
    check_global_admins_remain(
        before=target,
        after=after,
        active_global_admins=await repo.active_global_admins(company_id=cmd.customer_id),
    )
    await repo.save_user(user=after)
    return contracts.CustomerUserDisabled(
        customer_id=cmd.customer_id,
        user_id=cmd.user_id,
        by=cmd.actor_user_id,
        acting_partner_id=who.partner_id,
        at=now,
    )


@dataclass(frozen=True)
class PasswordReset:
    temporary_password: str
    event: contracts.UserPasswordReset
    action: CustomerAction  # which row of the table allowed it


async def reset_customer_password(
    repo: Repository, cmd: commands.ResetCustomerPassword, *, now: datetime
) -> PasswordReset:
    """A one-time temporary password for a customer user (returned to the actor only).
    Resetting an admin's password is a row of its own in the table (Full only). The target
    is read first only to name the action; a missing one is reported after the actor's
    right to act for the customer is established, so nothing leaks to outsiders."""
    found = await _user_of(repo, user_id=cmd.user_id, customer_id=cmd.customer_id)
    action = acting.reset_action(found) if found is not None else CustomerAction.RESET_PASSWORD
    await _enter_for(repo, cmd, action)
    if found is None:
        raise _no_such_user(cmd.user_id)
    temporary, event = await sign_in.reset_to_temporary(repo, found, by=cmd.actor_user_id, now=now)
    return PasswordReset(temporary_password=temporary, event=event, action=action)
