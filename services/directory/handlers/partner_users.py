"""The partner's company information and its users. Every handler re-checks the acting
user's rights against the role table, from the directory's own data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from services.directory.adapters.repository import Repository
from services.directory.domain import commands, errors
from services.directory.domain.model import (
    User,
    authorise,
    check_global_admins_remain,
    updated,
)
from services.directory.domain.roles import Action
from services.directory.handlers import actors
from services.directory.handlers.registration import check_new_user
from shared.contracts import directory as contracts


async def _lock_company(repo: Repository, partner_id: UUID) -> None:
    """Serialise changes to one partner's users, so two demotions cannot both pass the
    last-Global-admin check."""
    if await repo.get_partner(partner_id=partner_id, lock=True) is None:
        raise errors.PartnerNotFound("No such partner.")


async def _target(repo: Repository, *, partner_id: UUID, user_id: UUID) -> User:
    user = await repo.get_user(user_id=user_id, lock=True)
    if user is None or user.company_kind != "partner" or user.company_id != partner_id:
        # The same answer for another company's user as for a missing one.
        raise errors.UserNotFound("No such user in this partner company.")
    return user


def _user_fields(user: User) -> dict[str, object]:
    """A partner user's state, as its events carry it."""
    user_state = ("user_id", "email", "display_name", "company_role", "supported_access")
    return {"partner_id": user.company_id} | user.fields(*user_state)


async def update_partner_profile(
    repo: Repository, cmd: commands.UpdatePartnerProfile, *, now: datetime
) -> contracts.PartnerProfileUpdated:
    actor = await actors.known(repo, cmd.actor_user_id)
    authorise(actor, Action.EDIT_COMPANY, company_id=cmd.partner_id)
    partner = await repo.get_partner(partner_id=cmd.partner_id, lock=True)
    if partner is None:
        raise errors.PartnerNotFound("No such partner.")
    partner.change_profile(cmd.profile, actor=actor, now=now)
    await repo.save_partner(partner=partner)
    return contracts.PartnerProfileUpdated(
        partner_id=partner.partner_id,
        profile=contracts.PartnerProfile(**vars(partner.profile)),
        updated_by=actor.user_id,
        updated_at=now,
    )


async def create_partner_user(
    repo: Repository, cmd: commands.CreatePartnerUser, *, now: datetime
) -> contracts.PartnerUserCreated:
    actor = await actors.known(repo, cmd.actor_user_id)
    new = User.new(cmd, ("partner", cmd.partner_id), cmd.company_role, cmd.supported_access, now)
    authorise(actor, Action.CREATE_USER, company_id=cmd.partner_id, after=new)
    await _lock_company(repo, cmd.partner_id)
    await check_new_user(repo, user_id=cmd.user_id, email=cmd.email)
    await repo.add_user(user=new)
    return contracts.PartnerUserCreated(
        **_user_fields(new),
        created_by=actor.user_id,
        created_at=now,
    )


async def _change_user(
    repo: Repository,
    cmd: commands.PartnerUserSwitch | commands.UpdatePartnerUser,
    action: Action,
    change: Callable[[User], User],
) -> tuple[User, User, User]:
    """Actor, user before and after ``change``: the actor may ``action`` in the company, to
    the user both before and after; the company keeps a Global admin. Nothing is saved."""
    actor = await actors.known(repo, cmd.actor_user_id)
    authorise(actor, action, company_id=cmd.partner_id)
    await _lock_company(repo, cmd.partner_id)
    before = await _target(repo, partner_id=cmd.partner_id, user_id=cmd.user_id)
    after = change(before)
    authorise(actor, action, company_id=cmd.partner_id, before=before, after=after)
    check_global_admins_remain(
        before=before,
        after=after,
        active_global_admins=await repo.active_global_admins(company_id=cmd.partner_id),
    )
    return actor, before, after


async def update_partner_user(
    repo: Repository, cmd: commands.UpdatePartnerUser, *, now: datetime
) -> contracts.PartnerUserUpdated:
    def change(before: User) -> User:
        return updated(
            before,
            email=cmd.email if cmd.email is not None else before.email,
            display_name=cmd.display_name if cmd.display_name is not None else before.display_name,
            company_role=cmd.company_role if cmd.company_role is not None else before.company_role,
            supported_access=(
                cmd.supported_access
                if cmd.supported_access is not None
                else before.supported_access
            ),
        )

    actor, before, after = await _change_user(repo, cmd, Action.UPDATE_USER, change)
    if after.email.lower() != before.email.lower() and await repo.email_taken(email=after.email):
        raise errors.EmailTaken("A user with this e-mail already exists.", email=after.email)
    await repo.save_user(user=after)
    return contracts.PartnerUserUpdated(
        **_user_fields(after),
        updated_by=actor.user_id,
        updated_at=now,
    )


Switched = TypeVar("Switched", contracts.PartnerUserDisabled, contracts.PartnerUserEnabled)


async def _set_disabled(
    repo: Repository,
    cmd: commands.PartnerUserSwitch,
    event: type[Switched],
    *,
    disabled_at: datetime | None,
    now: datetime,
) -> Switched:
    """Disable (``disabled_at`` now) or enable (None) the user: ``event`` says who did."""
    action = Action.DISABLE_USER if disabled_at is not None else Action.ENABLE_USER
    actor, _, after = await _change_user(
        repo, cmd, action, lambda before: updated(before, disabled_at=disabled_at)
    )
    await repo.save_user(user=after)
    return event(partner_id=cmd.partner_id, user_id=cmd.user_id, by=actor.user_id, at=now)


async def disable_partner_user(
    repo: Repository, cmd: commands.DisablePartnerUser, *, now: datetime
) -> contracts.PartnerUserDisabled:
    return await _set_disabled(repo, cmd, contracts.PartnerUserDisabled, disabled_at=now, now=now)


async def enable_partner_user(
    repo: Repository, cmd: commands.EnablePartnerUser, *, now: datetime
) -> contracts.PartnerUserEnabled:
    return await _set_disabled(repo, cmd, contracts.PartnerUserEnabled, disabled_at=None, now=now)
